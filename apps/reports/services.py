"""Writes of the reporting workbench: tasks, rounds, submissions and their review, reminders."""
from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from apps.core import indicators as core_indicators
from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.outbox import enqueue
from apps.notifications.services import notify

from . import schema
from .models import (
    ExportJob,
    ReportField,
    ReportRound,
    ReportTask,
    Submission,
    SubmissionFile,
    SubmissionVersion,
    ValidationRule,
)
from .permissions import can_fill, is_city_office, is_reviewer

S = Submission.Status
# The state machine of a submission: action -> (allowed from, resulting status).
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    "save_draft": ({S.PENDING, S.DRAFT, S.RETURNED}, None),  # None: pending -> draft, returned stays returned
    "submit": ({S.PENDING, S.DRAFT, S.RETURNED}, S.SUBMITTED),
    "accept": ({S.SUBMITTED}, S.ACCEPTED),
    "return": ({S.SUBMITTED}, S.RETURNED),
    "reopen": ({S.ACCEPTED}, S.RETURNED),
}
ACTION_LABELS = {"save_draft": "保存草稿", "submit": "报送", "accept": "通过", "return": "退回", "reopen": "重新打开"}
MAX_ROUNDS_AT_ONCE = 520
NAMESPACE = uuid.UUID("5b0c1f0e-3c1a-4a43-9d3b-7f1d0e6a2b10")


def _check_transition(submission: Submission, action: str) -> str | None:
    allowed, target = TRANSITIONS[action]
    if submission.status not in allowed:
        raise ValidationError(
            f"当前状态为“{submission.get_status_display()}”，不能{ACTION_LABELS[action]}。", code="bad_transition"
        )
    return target


def _require_city_office(actor) -> None:
    if not is_city_office(actor):
        raise PermissionDenied("只有市总工会办公室可以管理报告任务。")


# --- tasks ---------------------------------------------------------------------------------------

TASK_FIELDS = ["title", "instructions", "audience", "period", "start_date", "end_date", "due_date",
               "due_days_after", "grace_days", "lock_after_days", "remind_days_before"]


def _task_clean(task: ReportTask, chosen) -> None:
    errors = {}
    if task.period == ReportTask.Period.ONCE:
        if not task.end_date:
            errors["end_date"] = "一次性任务请填写统计截止日期。"
        if not task.due_date:
            errors["due_date"] = "一次性任务请填写报送截止日期。"
    if task.end_date and task.end_date < task.start_date:
        errors["end_date"] = "统计截止日期不能早于起始日期。"
    if task.period == ReportTask.Period.ONCE and task.due_date and task.due_date < task.start_date:
        errors["due_date"] = "报送截止日期不能早于统计起始日期。"
    if task.audience == ReportTask.Audience.CHOSEN and not chosen:
        errors["chosen_organizations"] = "请选择需要报送的组织。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_create(*, actor, data: dict) -> ReportTask:
    """Create a task in draft; its fields are added before it is published."""
    _require_city_office(actor)
    task = ReportTask(**{key: data[key] for key in TASK_FIELDS if key in data}, created_by=actor)
    chosen = list(data.get("chosen_organizations") or [])
    _task_clean(task, chosen)
    task.full_clean()
    task.save()
    task.chosen_organizations.set(chosen)
    audit_record(actor=actor, action="reports.task.created", target=task, after={"title": task.title})
    return task


@transaction.atomic
def task_update(*, actor, task: ReportTask, data: dict) -> ReportTask:
    _require_city_office(actor)
    task = ReportTask.objects.select_for_update().get(pk=task.pk)
    if task.status != ReportTask.Status.DRAFT:
        raise ValidationError("任务已发布，不能再修改设置。")
    for key in TASK_FIELDS:
        if key in data:
            setattr(task, key, data[key])
    chosen = list(data.get("chosen_organizations") or [])
    _task_clean(task, chosen)
    task.full_clean()
    task.save()
    task.chosen_organizations.set(chosen)
    audit_record(actor=actor, action="reports.task.updated", target=task)
    return task


def _next_key(task: ReportTask, kind: str, indicator_key: str) -> str:
    if kind == ReportField.Kind.INDICATOR:
        base = indicator_key.replace(".", "_")[:40]
        return base if not task.fields.filter(key=base).exists() else f"{base[:34]}_{task.fields.count() + 1}"
    return f"f{task.fields.count() + 1}_{uuid.uuid4().hex[:4]}"


@transaction.atomic
def field_add(*, actor, task: ReportTask, data: dict) -> ReportField:
    """Add a field to a draft task's form."""
    _require_city_office(actor)
    task = ReportTask.objects.select_for_update().get(pk=task.pk)
    if task.status != ReportTask.Status.DRAFT:
        raise ValidationError("任务已发布，不能再修改填报项。")
    kind = data["kind"]
    if kind == ReportField.Kind.INDICATOR and data.get("indicator_key") not in core_indicators.all_indicators():
        raise ValidationError({"indicator_key": "请选择一个可用的指标。"})
    if kind == ReportField.Kind.CHOICE and len([c for c in data.get("choices", "").splitlines() if c.strip()]) < 2:
        raise ValidationError({"choices": "选项类型至少需要两个选项，每行一个。"})
    known = schema.duplicated_indicator(data["label"]) if kind == ReportField.Kind.NUMBER else None
    if known is not None:
        # A number the portal already knows is taken from the portal, not typed again by every district.
        raise ValidationError({"kind": f"平台已能自动计算“{known.label}”，请把类型选为“指标（自动计算）”并选择该指标，"
                                       "各单位就不必再手工填报。"})
    field = ReportField(
        task=task, kind=kind, label=data["label"], group=data.get("group") or "基本情况",
        required=data.get("required", True) and kind != ReportField.Kind.INDICATOR,
        allow_negative=data.get("allow_negative", False), choices=data.get("choices", ""),
        indicator_key=data.get("indicator_key", "") if kind == ReportField.Kind.INDICATOR else "",
        help_text=data.get("help_text", ""),
        order=(task.fields.aggregate(m=Max("order"))["m"] or 0) + 1,
    )
    field.key = data.get("key") or _next_key(task, kind, field.indicator_key)
    field.full_clean()
    field.save()
    audit_record(actor=actor, action="reports.field.added", target=task, after={"field": field.label})
    return field


@transaction.atomic
def field_delete(*, actor, field: ReportField) -> None:
    _require_city_office(actor)
    task = ReportTask.objects.select_for_update().get(pk=field.task_id)
    if task.status != ReportTask.Status.DRAFT:
        raise ValidationError("任务已发布，不能再修改填报项。")
    ValidationRule.objects.filter(Q(left=field.key) | Q(right=field.key), task=task).delete()
    audit_record(actor=actor, action="reports.field.deleted", target=task, before={"field": field.label})
    field.delete()


@transaction.atomic
def rule_add(*, actor, task: ReportTask, left: str, operator: str, right: str, message: str) -> ValidationRule:
    _require_city_office(actor)
    task = ReportTask.objects.select_for_update().get(pk=task.pk)
    if task.status != ReportTask.Status.DRAFT:
        raise ValidationError("任务已发布，不能再修改校验规则。")
    numeric = {f.key for f in task.fields.all() if f.is_numeric}
    if left not in numeric or right not in numeric:
        raise ValidationError("校验规则只能比较数字或指标类型的填报项。")
    if left == right:
        raise ValidationError({"right": "请选择两个不同的填报项。"})
    rule = ValidationRule(task=task, left=left, operator=operator, right=right, message=message)
    rule.full_clean()
    rule.save()
    audit_record(actor=actor, action="reports.rule.added", target=task, after={"rule": str(rule)})
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: ValidationRule) -> None:
    _require_city_office(actor)
    task = ReportTask.objects.select_for_update().get(pk=rule.task_id)
    if task.status != ReportTask.Status.DRAFT:
        raise ValidationError("任务已发布，不能再修改校验规则。")
    audit_record(actor=actor, action="reports.rule.deleted", target=task, before={"rule": str(rule)})
    rule.delete()


@transaction.atomic
def task_publish(*, actor, task: ReportTask, today: date | None = None) -> ReportTask:
    """Publish a draft task: its rounds up to today open and the organisations are told."""
    _require_city_office(actor)
    task = ReportTask.objects.select_for_update().get(pk=task.pk)
    if task.status != ReportTask.Status.DRAFT:
        raise ValidationError("任务已发布。")
    if not task.fields.exists():
        raise ValidationError("请先添加至少一个填报项。")
    task.status = ReportTask.Status.ACTIVE
    task.published_at = timezone.now()
    task.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="reports.task.published", target=task)
    rounds_ensure(task=task, today=today or timezone.localdate())
    return task


@transaction.atomic
def task_close(*, actor, task: ReportTask) -> ReportTask:
    _require_city_office(actor)
    task = ReportTask.objects.select_for_update().get(pk=task.pk)
    if task.status != ReportTask.Status.ACTIVE:
        raise ValidationError("只有进行中的任务可以结束。")
    task.status = ReportTask.Status.CLOSED
    task.save(update_fields=["status"])
    audit_record(actor=actor, action="reports.task.closed", target=task)
    return task


def expected_organizations(task: ReportTask):
    types = {
        ReportTask.Audience.COUNTIES: [Organization.Type.COUNTY],
        ReportTask.Audience.INDUSTRIES: [Organization.Type.INDUSTRY],
        ReportTask.Audience.COUNTIES_AND_INDUSTRIES: [Organization.Type.COUNTY, Organization.Type.INDUSTRY],
    }
    if task.audience == ReportTask.Audience.CHOSEN:
        return task.chosen_organizations.filter(is_active=True).order_by("path")
    return Organization.objects.filter(org_type__in=types[task.audience], is_active=True).order_by("path")


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def planned_periods(task: ReportTask, today: date) -> list[tuple[date, date, date]]:
    """(start, end, due) of every period that has begun by ``today``."""
    if task.period == ReportTask.Period.ONCE:
        return [(task.start_date, task.end_date, task.due_date)]
    periods = []
    if task.period == ReportTask.Period.WEEKLY:
        start = task.start_date
        while start <= today and len(periods) < MAX_ROUNDS_AT_ONCE:
            if task.end_date and start > task.end_date:
                break
            end = start + timedelta(days=6)
            periods.append((start, end, end + timedelta(days=task.due_days_after)))
            start += timedelta(days=7)
    else:
        start = task.start_date.replace(day=1)
        while start <= today and len(periods) < MAX_ROUNDS_AT_ONCE:
            if task.end_date and start > task.end_date:
                break
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
            periods.append((start, end, end + timedelta(days=task.due_days_after)))
            start = _add_months(start, 1)
    return periods


def rounds_ensure(*, task: ReportTask, today: date) -> list[ReportRound]:
    """Create the rounds of an active task that have begun and do not exist yet. Idempotent."""
    if task.status != ReportTask.Status.ACTIVE:
        return []
    existing = set(task.rounds.values_list("period_start", flat=True))
    organizations = list(expected_organizations(task))
    created = []
    for start, end, due in planned_periods(task, today):
        if start in existing:
            continue
        lock_date = due + timedelta(days=task.lock_after_days) if task.lock_after_days is not None else None
        try:
            with transaction.atomic():
                round_ = ReportRound.objects.create(task=task, period_start=start, period_end=end, due_date=due,
                                                    grace_days=task.grace_days, lock_date=lock_date)
                Submission.objects.bulk_create(
                    [Submission(round=round_, organization=org) for org in organizations]
                )
        except IntegrityError:
            continue  # created meanwhile by another worker
        created.append(round_)
    if created:
        latest = created[-1]
        recipients = [pk for pk, _ in staff_with_permission([o.pk for o in organizations], "submit_reports")]
        notify(recipients=recipients, title=f"新的报告任务：{task.title}",
               body=f"统计期 {latest.label}，请于 {latest.due_date:%Y年%m月%d日} 前报送。",
               link=reverse("reports:my_submissions"), key=uuid.uuid5(NAMESPACE, f"round-open-{latest.pk}"))
    return created


def staff_with_permission(organization_ids, codename: str) -> list[tuple[int, int]]:
    """(user id, organisation id) of active staff of those organisations holding ``reports.<codename>``."""
    perm = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="reports") | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label="reports")
    return list(
        get_user_model().objects.filter(perm, is_active=True, organization_id__in=list(organization_ids))
        .values_list("pk", "organization_id").distinct()
    )


# --- submissions ---------------------------------------------------------------------------------

def _lock_submission(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("round__task", "organization").get(pk=submission.pk)


def _check_fill(actor, submission: Submission, today: date) -> None:
    if not can_fill(actor, submission):
        raise PermissionDenied("只能填报本单位的报告。")
    if submission.round.task.status == ReportTask.Status.DRAFT:
        raise ValidationError("任务尚未发布。")
    if submission.round.task.status == ReportTask.Status.CLOSED and submission.status != S.RETURNED:
        raise ValidationError("任务已结束，不能再填报。")
    if submission.round.is_locked(today) and submission.status != S.RETURNED:
        raise ValidationError(f"本轮已于 {submission.round.lock_date:%Y年%m月%d日} 锁定，不能再填报。")


def _merge_values(actor, submission: Submission, fields, values: dict, files: dict) -> dict:
    merged = dict(submission.values)
    for field in fields:
        if field.kind in (ReportField.Kind.INDICATOR, ReportField.Kind.FILE):
            continue
        if field.key in values:
            merged[field.key] = values[field.key]
    for key, uploaded in (files or {}).items():
        if uploaded:
            stored = SubmissionFile.objects.create(submission=submission, field_key=key, file=uploaded,
                                                   original_name=getattr(uploaded, "name", "")[:200],
                                                   uploaded_by=actor)
            merged[key] = stored.pk
    return merged


def _normalize(fields, values: dict) -> dict:
    normalized = {}
    for field in fields:
        value = values.get(field.key)
        if value is None or field.kind == ReportField.Kind.INDICATOR:
            continue
        if field.kind == ReportField.Kind.NUMBER:
            number = schema.to_number(value)
            normalized[field.key] = schema.jsonable_number(number) if number is not None else value
        elif field.kind == ReportField.Kind.DATE:
            normalized[field.key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        else:
            normalized[field.key] = value
    return normalized


@transaction.atomic
def submission_save_draft(*, actor, submission: Submission, values: dict, files: dict | None = None,
                          today: date | None = None) -> Submission:
    """Keep what the officer has entered so far; nothing is checked but the types."""
    submission = _lock_submission(submission)
    _check_fill(actor, submission, today or timezone.localdate())
    target = _check_transition(submission, "save_draft")
    fields = list(submission.round.task.fields.all())
    merged = _normalize(fields, _merge_values(actor, submission, fields, values, files or {}))
    errors = schema.invalid_values(fields, merged)
    if errors:
        raise ValidationError(errors)
    submission.values = merged
    if target is None and submission.status == S.PENDING:
        submission.status = S.DRAFT
    submission.save(update_fields=["values", "status", "updated_at"])
    return submission


@transaction.atomic
def submission_submit(*, actor, submission: Submission, values: dict, files: dict | None = None,
                      now=None) -> Submission:
    """Submit: the values and a snapshot of the indicators are kept as a new version."""
    now = now or timezone.now()
    submission = _lock_submission(submission)
    _check_fill(actor, submission, timezone.localdate(now))
    target = _check_transition(submission, "submit")
    task = submission.round.task
    fields = list(task.fields.all())
    merged = _normalize(fields, _merge_values(actor, submission, fields, values, files or {}))
    round_ = submission.round
    indicators = schema.live_indicator_values(fields, [submission.organization], round_.period_start,
                                              round_.period_end)[submission.organization.pk]
    errors = schema.submission_errors(fields, task.rules.all(), merged, indicators)
    if errors:
        raise ValidationError({key: messages for key, messages in errors.items()})
    before = {"status": submission.status}
    submission.values = merged
    submission.indicator_values = indicators
    submission.status = target
    submission.submitted_at = now
    if submission.first_submitted_at is None:
        submission.first_submitted_at = now
        submission.late = timezone.localdate(now) > round_.on_time_until
    submission.version_count += 1
    submission.save()
    SubmissionVersion.objects.create(submission=submission, number=submission.version_count, values=merged,
                                     indicator_values=indicators, submitted_by=actor, submitted_at=now)
    audit_record(actor=actor, action="reports.submission.submitted", target=submission, before=before,
                 after={"status": submission.status, "version": submission.version_count})
    reviewers = staff_with_permission(Organization.objects.filter(org_type=Organization.Type.CITY)
                                      .values_list("pk", flat=True), "review_submissions")
    notify(recipients=[pk for pk, _ in reviewers], title=f"{submission.organization} 报送了落实情况报告",
           body=f"{task.title}（{round_.label}）第 {submission.version_count} 版，请审核。",
           link=reverse("reports:submission_detail", args=[submission.pk]))
    return submission


_PAST = {"accept": "accepted", "return": "returned", "reopen": "reopened"}


def _review(*, actor, submission: Submission, action: str, comment: str) -> Submission:
    if not is_reviewer(actor):
        raise PermissionDenied("只有市总工会办公室可以审核报告。")
    submission = _lock_submission(submission)
    target = _check_transition(submission, action)
    if action in ("return", "reopen") and not comment.strip():
        raise ValidationError({"comment": "请填写退回或重新打开的原因。"})
    before = {"status": submission.status}
    now = timezone.now()
    submission.status = target
    submission.accepted_at = now if target == S.ACCEPTED else None
    submission.save(update_fields=["status", "accepted_at", "updated_at"])
    version = submission.versions.order_by("-number").first()
    if version is not None and action in ("accept", "return"):
        version.decision = (SubmissionVersion.Decision.ACCEPTED if action == "accept"
                            else SubmissionVersion.Decision.RETURNED)
        version.comment, version.reviewed_by, version.reviewed_at = comment.strip(), actor, now
        version.save(update_fields=["decision", "comment", "reviewed_by", "reviewed_at"])
    elif version is not None:  # reopening: keep the reason beside the version it concerns
        version.comment = (version.comment + "\n" if version.comment else "") + f"重新打开：{comment.strip()}"
        version.save(update_fields=["comment"])
    audit_record(actor=actor, action=f"reports.submission.{_PAST[action]}", target=submission, before=before,
                 after={"status": target, "comment": comment.strip()})
    round_ = submission.round
    officers = staff_with_permission([submission.organization_id], "submit_reports")
    titles = {"accept": "已通过", "return": "被退回，请修改后重新报送", "reopen": "已重新打开，请修改后重新报送"}
    notify(recipients=[pk for pk, _ in officers],
           title=f"落实情况报告{titles[action]}", body=f"{round_.task.title}（{round_.label}）。{comment.strip()}",
           link=reverse("reports:submission_detail", args=[submission.pk]), channels=("site",))
    return submission


@transaction.atomic
def submission_accept(*, actor, submission: Submission, comment: str = "") -> Submission:
    """Accept the latest version; the report is then locked."""
    return _review(actor=actor, submission=submission, action="accept", comment=comment)


@transaction.atomic
def submission_return(*, actor, submission: Submission, comment: str) -> Submission:
    """Send the report back with comments for correction."""
    return _review(actor=actor, submission=submission, action="return", comment=comment)


@transaction.atomic
def submission_reopen(*, actor, submission: Submission, comment: str) -> Submission:
    """Unlock an accepted report so that the organisation can correct it."""
    return _review(actor=actor, submission=submission, action="reopen", comment=comment)


# --- exports -------------------------------------------------------------------------------------

@transaction.atomic
def export_job_create(*, actor, round_: ReportRound) -> ExportJob:
    """Queue an Excel export of every submission of a round."""
    if not is_reviewer(actor):
        raise PermissionDenied("只有市总工会办公室可以导出全部报告。")
    job = ExportJob.objects.create(round=round_, requested_by=actor, total=round_.submissions.count())
    audit_record(actor=actor, action="reports.export.requested", target=job)
    from .tasks import export_round

    enqueue(export_round, job.pk)
    return job


# --- reminders -----------------------------------------------------------------------------------

def reminders_send(*, today: date) -> dict[str, int]:
    """Tell organisations still missing a round: some days before it is due, on the day, and daily after.

    Idempotent per day: each message carries a key made of the round, the organisation and the date.
    """
    rounds = (ReportRound.objects.filter(task__status=ReportTask.Status.ACTIVE, period_start__lte=today)
              .select_related("task"))
    rounds = rounds.filter(Q(lock_date__isnull=True) | Q(lock_date__gte=today))
    sent = {"organizations": 0, "summaries": 0}
    summary_lines = []
    due_rounds = []
    for round_ in rounds.filter(due_date__gte=today - timedelta(days=60)):
        days_left = (round_.due_date - today).days
        if days_left > 0 and days_left != round_.task.remind_days_before:
            continue
        due_rounds.append((round_, days_left))
    if not due_rounds:
        return sent
    missing = (Submission.objects.filter(round__in=[r for r, _ in due_rounds], status__in=[S.PENDING, S.DRAFT])
               .values_list("round_id", "organization_id"))
    missing_by_round: dict[int, list[int]] = {}
    for round_id, org_id in missing:
        missing_by_round.setdefault(round_id, []).append(org_id)
    officers: dict[int, list[int]] = {}
    all_orgs = {org for orgs in missing_by_round.values() for org in orgs}
    for user_id, org_id in staff_with_permission(all_orgs, "submit_reports"):
        officers.setdefault(org_id, []).append(user_id)
    link = reverse("reports:my_submissions")
    for round_, days_left in due_rounds:
        orgs = missing_by_round.get(round_.pk, [])
        if not orgs:
            continue
        if days_left > 0:
            title = f"提醒：{round_.task.title}还有 {days_left} 天截止"
        elif days_left == 0:
            title = f"提醒：{round_.task.title}今天截止"
        else:
            title = f"催报：{round_.task.title}已逾期 {-days_left} 天"
        for org_id in orgs:
            notify(recipients=officers.get(org_id, []), title=title,
                   body=f"统计期 {round_.label}，截止日期 {round_.due_date:%Y年%m月%d日}，贵单位尚未报送。",
                   link=link, channels=("site", "sms"),
                   key=uuid.uuid5(NAMESPACE, f"remind-{round_.pk}-{org_id}-{today.isoformat()}"))
            sent["organizations"] += 1
        summary_lines.append(f"{round_.task.title}（{round_.label}）：{len(orgs)} 个单位未报送")
    if summary_lines:
        city_ids = Organization.objects.filter(org_type=Organization.Type.CITY).values_list("pk", flat=True)
        office = [pk for pk, _ in staff_with_permission(city_ids, "manage_tasks")]
        notify(recipients=office, title=f"{today:%m月%d日}报告催报情况", body="\n".join(summary_lines),
               link=reverse("reports:task_list"), key=uuid.uuid5(NAMESPACE, f"summary-{today.isoformat()}"))
        sent["summaries"] = 1
    return sent


def rounds_create_due(*, today: date) -> int:
    """Open the new period's round of every active recurring task."""
    created = 0
    for task in ReportTask.objects.filter(status=ReportTask.Status.ACTIVE).exclude(period=ReportTask.Period.ONCE):
        with transaction.atomic():
            created += len(rounds_ensure(task=task, today=today))
    return created
