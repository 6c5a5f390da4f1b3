from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.params import parse_int
from apps.core.permissions import staff_required
from apps.core.spreadsheets import table_response

from .. import selectors, services
from ..forms import (
    AccidentForm,
    AnkangRegisterForm,
    HazardRaiseForm,
    HealthFigureForm,
    HealthRulesForm,
    VisitForm,
)
from ..models import HealthRules
from ..permissions import can_judge_ankang
from .common import narrow_to_link, protection_staff

# --- visits ---------------------------------------------------------------------------------------


@protection_staff
def visit_list(request):
    visits, organization, query = narrow_to_link(request, selectors.visits_for_user(request.user),
                                                 when="visited_on", date_field=True)
    page = Paginator(visits.order_by("-visited_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "protection/visit_list.html", {"page_obj": page, "today": timezone.localdate(),
                                                          "organization": organization, "query": query})


@staff_required(perm="protection.record_visit")
def visit_create(request):
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "检查记录已保存。发现隐患请在下方逐项登记。")
            return redirect("protection:visit_detail", pk=visit.pk)
    return render(request, "protection/visit_form.html", {"form": form})


@protection_staff
def visit_detail(request, pk: int):
    visit = selectors.get_visit_for_user(request.user, pk)
    form = HazardRaiseForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("protection.handle_hazard"):
            raise PermissionDenied
        if form.is_valid():
            try:
                hazard = services.hazard_raise(actor=request.user, enterprise=visit.enterprise, visit=visit,
                                               **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已登记隐患 {hazard.reference}。")
                return redirect("protection:visit_detail", pk=visit.pk)
    return render(request, "protection/visit_detail.html", {
        "visit": visit, "hazards": list(visit.hazards.all()),
        "form": form if request.user.has_perm("protection.handle_hazard") else None})


# --- health monitoring ----------------------------------------------------------------------------

HEALTH_DAYS = 30


@protection_staff
def health_list(request):
    enterprises = selectors.enterprises_for_user(request.user).order_by("name")
    page = Paginator(enterprises, 30).get_page(request.GET.get("page"))
    ids = [e.pk for e in page.object_list]
    today = timezone.localdate()
    start = today - timedelta(days=HEALTH_DAYS - 1)
    from django.db.models import Count, Max

    stats = {row["enterprise_id"]: row for row in selectors.health_figures_for_user(request.user)
             .filter(enterprise_id__in=ids, day__gte=start).values("enterprise_id")
             .annotate(days=Count("pk"), last=Max("day"))}
    rows = [(e, stats.get(e.pk, {}).get("days", 0), stats.get(e.pk, {}).get("last")) for e in page.object_list]
    return render(request, "protection/health_list.html", {"page_obj": page, "rows": rows, "window": HEALTH_DAYS})


@protection_staff
def health_enterprise(request, pk: int):
    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    can_report = request.user.has_perm("protection.report_health")
    rules = HealthRules.objects.filter(enterprise=enterprise).first()
    figure_form = HealthFigureForm(request.POST if request.POST.get("form") == "figures" else None)
    rules_form = HealthRulesForm(request.POST if request.POST.get("form") == "rules" else None,
                                 initial={f: getattr(rules, f) for f in ("monitoring", "entry", "canteen", "hygiene")}
                                 if rules else None)
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied
        form = figure_form if request.POST.get("form") == "figures" else rules_form
        if form.is_valid():
            try:
                if form is figure_form:
                    services.health_figure_report(actor=request.user, enterprise=enterprise, **form.cleaned_data)
                else:
                    services.health_rules_save(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已保存。")
                return redirect("protection:health_enterprise", pk=enterprise.pk)
    today = timezone.localdate()
    start = today - timedelta(days=HEALTH_DAYS - 1)
    figures = list(selectors.health_figures_for_user(request.user).filter(enterprise=enterprise, day__gte=start))
    days = selectors.health_days(figures, start, today)
    return render(request, "protection/health_enterprise.html", {
        "enterprise": enterprise, "rules": rules, "days": days, "gaps": sum(1 for _, f in days if f is None),
        "figure_form": figure_form if can_report else None, "rules_form": rules_form if can_report else None})


# --- 安康杯 -----------------------------------------------------------------------------------------

@protection_staff
def ankang_list(request):
    year_text = request.GET.get("year", "")
    year = parse_int(year_text)
    if year is None or not 2020 <= year <= 2100:
        year = timezone.localdate().year
    entries = list(selectors.ankang_entries_for_user(request.user).filter(year=year))
    can_register = request.user.has_perm("protection.register_ankang")
    register_form = AnkangRegisterForm(request.POST or None, user=request.user) if can_register else None
    accident_form = None
    if can_register or request.user.has_perm("protection.handle_hazard"):
        accident_form = AccidentForm(None, user=request.user)
    if request.method == "POST":
        if register_form is None:
            raise PermissionDenied
        if register_form.is_valid():
            try:
                services.ankang_register(actor=request.user, enterprise=register_form.cleaned_data["enterprise"],
                                         year=timezone.localdate().year)
            except ValidationError as error:
                add_service_errors(register_form, error)
            else:
                messages.success(request, "已报名本年度安康杯竞赛。")
                return redirect("protection:ankang_list")
    return render(request, "protection/ankang_list.html", {
        "year": year, "scores": selectors.score_entries(entries), "rules": selectors.SCORE_RULES,
        "register_form": register_form, "accident_form": accident_form,
        "can_judge": can_judge_ankang(request.user),
        "accidents": list(selectors.accidents_for_user(request.user).filter(occurred_on__year=year)[:50])})


@require_POST
@protection_staff
def accident_create(request):
    form = AccidentForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.accident_report(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, "事故报告已登记。")
    else:
        for field, errors in form.errors.items():
            for text in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}：{text}")
    return redirect("protection:ankang_list")


@require_POST
@staff_required(perm="protection.judge_ankang")
def ankang_winner(request, pk: int):
    entry = selectors.ankang_entries_for_user(request.user).filter(pk=pk).first()
    if entry is None:
        from django.http import Http404

        raise Http404
    try:
        services.ankang_mark_winner(actor=request.user, entry=entry, winner=request.POST.get("winner") == "1")
    except PermissionDenied as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已更新优胜单位。")
    return redirect(reverse("protection:ankang_list") + f"?year={entry.year}")


# --- dashboard ------------------------------------------------------------------------------------

@staff_required(perm="protection.view_dashboard")
def dashboard(request):
    start, end = selectors.period(request.GET)
    rows, total = selectors.dashboard_rows(request.user, start, end)
    chart = {"districts": [r.label.replace("总工会", "") for r in rows],
             "general": [r.open_general for r in rows], "serious": [r.open_serious for r in rows],
             "major": [r.open_major for r in rows], "overdue": [r.overdue for r in rows]}
    return render(request, "protection/dashboard.html", {
        "rows": rows, "total": total, "start": start, "end": end, "chart": chart})


DASHBOARD_HEADERS = ["地区", "企业数", "已复工", "方案待审", "方案通过", "方案退回", "未报方案", "方案覆盖率（%）",
                     "一般隐患（未销号）", "较大隐患（未销号）", "重大隐患（未销号）", "逾期隐患", "期间发现",
                     "期间销号", "销号率（%）", "平均整改天数（中位数）"]


@staff_required(perm="protection.view_dashboard")
def dashboard_export(request):
    start, end = selectors.period(request.GET)
    rows, total = selectors.dashboard_rows(request.user, start, end)

    def lines():
        for row in [*rows, total]:
            yield [row.label, row.enterprises, row.resumed, row.plans_submitted, row.plans_approved,
                   row.plans_returned, row.plans_missing, float(row.plan_coverage), row.open_general,
                   row.open_serious, row.open_major, row.overdue, row.found, row.closed, float(row.closure_rate),
                   float(row.median_days) if row.median_days is not None else None]

    return table_response(f"劳动保护统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", DASHBOARD_HEADERS, lines(),
                          sheet_title="按地区", ascii_name="protection.xlsx")
