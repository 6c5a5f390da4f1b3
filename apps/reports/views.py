from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core import indicators as core_indicators
from apps.core.forms import add_service_errors
from apps.core.permissions import staff_required
from apps.core.spreadsheets import table_response

from . import overview, schema, selectors, services
from .forms import ReportFieldForm, ReportTaskForm, ReviewForm, SubmissionForm, ValidationRuleForm
from .models import ReportField, ReportTask, Submission, ValidationRule
from .permissions import can_fill, can_view_overview, is_city_office, is_reviewer

S = Submission.Status


def _city_office_required(request):
    if not is_city_office(request.user):
        raise PermissionDenied(
            "管理报告任务需要市总工会办公室的角色（市总工会工作人员，持有“创建和管理报告任务”权限）。")




@staff_required
def home(request):
    if is_city_office(request.user):
        return redirect("reports:task_list")
    if can_view_overview(request.user):
        return redirect("reports:overview")
    if request.user.has_perm("reports.submit_reports"):
        return redirect("reports:my_submissions")
    return render(request, "reports/no_access.html")


# --- tasks (city office) -------------------------------------------------------------------------

@staff_required(perm="reports.manage_tasks")
def task_list(request):
    _city_office_required(request)
    tasks = ReportTask.objects.select_related("created_by").order_by("-created_at")
    page = Paginator(tasks, 30).get_page(request.GET.get("page"))
    return render(request, "reports/task_list.html", {"page_obj": page})


@staff_required(perm="reports.manage_tasks")
def task_create(request):
    _city_office_required(request)
    form = ReportTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "任务已创建，请添加填报项后发布。")
            return redirect("reports:task_detail", task.pk)
    return render(request, "reports/task_form.html", {"form": form, "title": "新建报告任务"})


@staff_required(perm="reports.manage_tasks")
def task_edit(request, pk: int):
    task = selectors.get_task_for_user(request.user, pk)
    form = ReportTaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(actor=request.user, task=task, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "任务设置已保存。")
            return redirect("reports:task_detail", task.pk)
    return render(request, "reports/task_form.html", {"form": form, "title": f"修改任务：{task.title}"})


@staff_required(perm="reports.manage_tasks")
def task_detail(request, pk: int):
    task = selectors.get_task_for_user(request.user, pk)
    field_form = ReportFieldForm(request.POST if "add_field" in request.POST else None, prefix="field")
    rule_form = ValidationRuleForm(request.POST if "add_rule" in request.POST else None, task=task, prefix="rule")
    if request.method == "POST":
        form = field_form if "add_field" in request.POST else rule_form
        if form.is_valid():
            try:
                if form is field_form:
                    services.field_add(actor=request.user, task=task, data=form.cleaned_data)
                else:
                    services.rule_add(actor=request.user, task=task, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已添加。")
                return redirect("reports:task_detail", task.pk)
    registry = core_indicators.all_indicators()
    fields = [(f, registry.get(f.indicator_key) if f.kind == ReportField.Kind.INDICATOR else None)
              for f in task.fields.all()]
    labels = {f.key: f.label for f, _ in fields}
    rules = [(rule, labels.get(rule.left, rule.left), labels.get(rule.right, rule.right)) for rule in task.rules.all()]
    rounds = selectors.rounds_with_counts(task)[:12]
    return render(request, "reports/task_detail.html", {
        "task": task, "fields": fields, "rules": rules, "field_form": field_form, "rule_form": rule_form,
        "rounds": rounds, "expected": services.expected_organizations(task),
    })


def _task_action(request, pk: int, action, done: str):
    task = selectors.get_task_for_user(request.user, pk)
    try:
        action(actor=request.user, task=task)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("reports:task_detail", task.pk)


@require_POST
@staff_required(perm="reports.manage_tasks")
def task_publish(request, pk: int):
    return _task_action(request, pk, services.task_publish, "任务已发布，各单位已收到通知。")


@require_POST
@staff_required(perm="reports.manage_tasks")
def task_close(request, pk: int):
    return _task_action(request, pk, services.task_close, "任务已结束。")


@require_POST
@staff_required(perm="reports.manage_tasks")
def field_delete(request, pk: int):
    _city_office_required(request)
    field = get_object_or_404(ReportField, pk=pk)
    try:
        services.field_delete(actor=request.user, field=field)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("reports:task_detail", field.task_id)


@require_POST
@staff_required(perm="reports.manage_tasks")
def rule_delete(request, pk: int):
    _city_office_required(request)
    rule = get_object_or_404(ValidationRule, pk=pk)
    try:
        services.rule_delete(actor=request.user, rule=rule)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("reports:task_detail", rule.task_id)


# --- timeliness ----------------------------------------------------------------------------------

@staff_required(perm="reports.review_submissions")
def task_timeliness(request, pk: int):
    task = selectors.get_task_for_user(request.user, pk)
    rates = selectors.organization_rates(task)
    if request.GET.get("format") == "xlsx":
        return table_response(
            f"{task.title}-各单位完成情况.xlsx",
            ["单位", "应报", "已报", "按时", "逾期", "未报", "退回", "通过", "报送率%", "按时率%"],
            ([r["organization__name"], r["expected"], r["submitted"], r["on_time"], r["late"], r["missing"],
              r["returned"], r["accepted"], r["submitted_rate"], r["on_time_rate"]] for r in rates))
    rounds = Paginator(selectors.rounds_with_counts(task), 20).get_page(request.GET.get("page"))
    for round_ in rounds:
        selectors.with_rates(round_.__dict__)
    months, monthly = selectors.organization_rates_by_month(task)
    for row in rates:
        row["monthly"] = monthly.get(row["organization_id"], [None] * len(months))
    return render(request, "reports/task_timeliness.html",
                  {"task": task, "rates": rates, "page_obj": rounds, "months": months})


@staff_required(perm="reports.review_submissions")
def round_detail(request, pk: int):
    round_ = selectors.get_round_for_user(request.user, pk)
    submissions = list(round_.submissions.select_related("organization").order_by("organization__path"))
    if request.GET.get("format") == "xlsx":
        return table_response(
            f"{round_.task.title}-{round_.label}-完成情况.xlsx", ["单位", "状态", "首次报送时间", "是否按时", "版本数"],
            ([s.organization.name, s.get_status_display(),
              timezone.localtime(s.first_submitted_at).strftime("%Y-%m-%d %H:%M") if s.first_submitted_at else "",
              "" if s.late is None else ("逾期" if s.late else "按时"), s.version_count] for s in submissions))
    status = request.GET.get("status", "")
    filters = {"missing": lambda s: s.first_submitted_at is None, "late": lambda s: s.late is True,
               "on_time": lambda s: s.late is False, "returned": lambda s: s.status == S.RETURNED,
               "awaiting": lambda s: s.status == S.SUBMITTED, "accepted": lambda s: s.status == S.ACCEPTED}
    shown = [s for s in submissions if filters[status](s)] if status in filters else submissions
    status_labels = {"missing": "未报", "late": "逾期", "on_time": "按时", "returned": "退回", "awaiting": "待审核",
                     "accepted": "已通过"}
    return render(request, "reports/round_detail.html", {
        "round": round_, "summary": selectors.round_summary(round_), "submissions": shown,
        "status": status_labels.get(status, ""),
        "today": timezone.localdate(),
    })


@require_POST
@staff_required(perm="reports.review_submissions")
def round_export(request, pk: int):
    round_ = selectors.get_round_for_user(request.user, pk)
    job = services.export_job_create(actor=request.user, round_=round_)
    return redirect("reports:export_detail", job.pk)


@staff_required(perm="reports.review_submissions")
def export_detail(request, pk: int):
    job = selectors.get_export_for_user(request.user, pk)
    return render(request, "reports/export_detail.html", {"job": job})


# --- submissions ---------------------------------------------------------------------------------

@staff_required(perm="reports.submit_reports")
def my_submissions(request):
    submissions = selectors.submissions_for_user(request.user).filter(organization_id=request.user.organization_id)
    page = Paginator(submissions.order_by("-round__due_date", "-pk"), 30).get_page(request.GET.get("page"))
    return render(request, "reports/my_submissions.html", {"page_obj": page, "today": timezone.localdate()})


@staff_required(perm="reports.review_submissions")
def review_queue(request):
    if not is_reviewer(request.user):
        raise PermissionDenied("审核报告需要市总工会办公室的角色（市总工会工作人员，持有“审核落实情况报告”权限）。")
    submissions = selectors.submissions_for_user(request.user).filter(status=S.SUBMITTED).order_by("submitted_at")
    page = Paginator(submissions, 30).get_page(request.GET.get("page"))
    return render(request, "reports/review_queue.html", {"page_obj": page})


def _rows(submission: Submission, fields, indicator_values: dict, files: dict, live: bool):
    """What each field shows: value, link to the records behind an indicator, availability."""
    registry = core_indicators.all_indicators()
    round_ = submission.round
    rows = []
    for field in fields:
        row = {"field": field, "value": submission.values.get(field.key), "link": "", "unavailable": False}
        if field.kind == ReportField.Kind.INDICATOR:
            indicator = registry.get(field.indicator_key)
            row["value"] = indicator_values.get(field.key)
            row["unavailable"] = row["value"] is None
            row["unit"] = indicator.unit if indicator else ""
            row["live"] = live
            if indicator is not None:
                row["link"] = schema.indicator_link(field, submission.organization, round_.period_start,
                                                    round_.period_end, registry)
        elif field.kind == ReportField.Kind.FILE and row["value"]:
            row["file"] = files.get(row["value"])
        rows.append(row)
    return rows


def _indicator_values(submission: Submission, fields):
    """Live values while the report is open; the stored snapshot once it has been submitted."""
    live = submission.status in (S.PENDING, S.DRAFT, S.RETURNED)
    if live:
        values = schema.live_indicator_values(fields, [submission.organization], submission.round.period_start,
                                              submission.round.period_end)[submission.organization.pk]
        return values, True
    return submission.indicator_values, False


def _warnings(task: ReportTask, fields, values: dict, indicator_values: dict) -> dict[str, list[str]]:
    return schema.indicator_warnings(fields, task.rules.all(), values, indicator_values)


@staff_required
def submission_detail(request, pk: int):
    submission = selectors.get_submission_for_user(request.user, pk)
    fields = list(submission.round.task.fields.all())
    indicator_values, live = _indicator_values(submission, fields)
    files = {f.pk: f for f in submission.files.all()}
    versions = list(submission.versions.select_related("submitted_by", "reviewed_by").order_by("-number"))
    return render(request, "reports/submission_detail.html", {
        "submission": submission, "rows": _rows(submission, fields, indicator_values, files, live),
        "warnings": schema.indicator_warnings(fields, submission.round.task.rules.all(), submission.values,
                                              indicator_values),
        "versions": versions, "can_fill": can_fill(request.user, submission),
        "can_review": is_reviewer(request.user), "review_form": ReviewForm(),
        "locked": submission.round.is_locked(timezone.localdate()),
    })


@staff_required(perm="reports.submit_reports")
def submission_edit(request, pk: int):
    submission = selectors.get_submission_for_user(request.user, pk, write=True)
    if submission.status not in TRANSITION_EDITABLE:
        messages.error(request, f"报告{submission.get_status_display()}，不能修改。")
        return redirect("reports:submission_detail", submission.pk)
    closed = submission.round.task.status == ReportTask.Status.CLOSED
    if submission.status != S.RETURNED and (closed or submission.round.is_locked(timezone.localdate())):
        messages.error(request, "任务已结束或本轮已锁定，不能再填报。如需补报，请联系市总工会办公室。")
        return redirect("reports:submission_detail", submission.pk)
    task = submission.round.task
    fields = list(task.fields.all())
    indicator_values, _ = _indicator_values(submission, fields)
    submitting = "submit" in request.POST
    form = SubmissionForm(request.POST or None, request.FILES or None, task=task, fields=fields,
                          submission=submission, indicator_values=indicator_values, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        action = services.submission_submit if submitting else services.submission_save_draft
        try:
            action(actor=request.user, submission=submission, values=form.values(), files=form.files_by_key())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "报告已报送，等待市总工会办公室审核。" if submitting else "草稿已保存。")
            for warning in _warnings(task, fields, form.values(), indicator_values).values():
                messages.warning(request, "；".join(warning))
            return redirect("reports:submission_detail", submission.pk)
    files = {f.pk: f for f in submission.files.all()}
    rows = [r for r in _rows(submission, fields, indicator_values, files, True)
            if r["field"].kind == ReportField.Kind.INDICATOR]
    typed = form.values() if form.is_bound and hasattr(form, "cleaned_data") else submission.values
    return render(request, "reports/submission_form.html", {
        "submission": submission, "form": form, "indicator_rows": rows, "files": files,
        "warnings": _warnings(task, fields, typed, indicator_values),
        "last_version": submission.versions.order_by("-number").first(),
    })


TRANSITION_EDITABLE = services.TRANSITIONS["submit"][0]


@require_POST
@staff_required(perm="reports.review_submissions")
def submission_review(request, pk: int):
    if not is_reviewer(request.user):
        raise PermissionDenied("审核报告需要市总工会办公室的角色（市总工会工作人员，持有“审核落实情况报告”权限）。")
    submission = selectors.get_submission_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    actions = {"accept": (services.submission_accept, "报告已通过并锁定。"),
               "return": (services.submission_return, "报告已退回，对方将收到通知。"),
               "reopen": (services.submission_reopen, "报告已重新打开。")}
    action, done = actions.get(request.POST.get("action"), (None, ""))
    if action is None:
        messages.error(request, "未知的操作。")
        return redirect("reports:submission_detail", submission.pk)
    try:
        action(actor=request.user, submission=submission, comment=comment)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("reports:submission_detail", submission.pk)


@staff_required
def submission_compare(request, pk: int):
    submission = selectors.get_submission_for_user(request.user, pk)
    versions = list(submission.versions.select_related("submitted_by").order_by("number"))
    if not versions:
        messages.info(request, "尚无报送版本。")
        return redirect("reports:submission_detail", submission.pk)
    by_number = {v.number: v for v in versions}
    try:
        right = by_number.get(int(request.GET.get("b", versions[-1].number)), versions[-1])
        left = by_number.get(int(request.GET.get("a", max(right.number - 1, 1))), versions[0])
    except ValueError:
        left, right = versions[max(len(versions) - 2, 0)], versions[-1]
    files = {f.pk: f for f in submission.files.all()}
    rows = []
    for field in submission.round.task.fields.all():
        source = "indicator_values" if field.kind == ReportField.Kind.INDICATOR else "values"
        a, b = getattr(left, source).get(field.key), getattr(right, source).get(field.key)
        if field.kind == ReportField.Kind.FILE:
            a, b = files.get(a, a), files.get(b, b)
        rows.append({"field": field, "a": a, "b": b, "changed": a != b})
    return render(request, "reports/submission_compare.html", {
        "submission": submission, "versions": versions, "left": left, "right": right, "rows": rows})


# --- overview ------------------------------------------------------------------------------------

@staff_required(perm="reports.view_overview")
def overview_page(request):
    if not can_view_overview(request.user):
        raise PermissionDenied("报告总览只对市总工会的工作人员开放。")
    data = overview.build(request.GET)
    if request.GET.get("format") == "xlsx":
        headers = ["单位"] + [f"{c.label}（{c.unit}）" for c in data["columns"]] + ["应报", "已报", "按时率%"]
        rows = [[r["organization"].name] + r["values"] + [r["expected"], r["submitted"], r["on_time_rate"]]
                for r in data["rows"]]
        rows.append(["合计"] + data["totals"] + [data["timeliness_total"]["expected"],
                                                data["timeliness_total"]["submitted"],
                                                data["timeliness_total"]["on_time_rate"]])
        return table_response("全市落实情况总览.xlsx", headers, rows)
    return render(request, "reports/overview.html", data)
