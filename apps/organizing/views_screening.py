"""Staff pages: census import, enterprises without a union, founding plans, coverage."""
from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.core.forms import add_service_errors
from apps.core.models import Enterprise, Organization
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.scoping import org_scope_q
from apps.core.spreadsheets import table_response

from . import selectors, services
from .forms import FoundForm, NoteForm, PlanForm, SpreadsheetForm
from .models import FoundingPlan
from .services.census import COLUMNS, progress_key
from .views import _posted

SCREEN = "organizing.screen_enterprises"


@staff_required(perm=SCREEN)
def census_list(request):
    form = SpreadsheetForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        census = services.census_import_create(actor=request.user, uploaded=form.cleaned_data["file"])
        messages.success(request, "文件已上传，正在后台导入。")
        return redirect("organizing:census_detail", pk=census.pk)
    page = Paginator(selectors.census_imports_for_staff(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "organizing/console/census_list.html", {"form": form, "page_obj": page})


@staff_required(perm=SCREEN)
def census_template(request):
    example = ["焦作市示例商贸有限公司", "91410800MA0000001X", "修武县人民路1号", "修武县", "批发零售", 36]
    return table_response("经济普查企业导入模板.xlsx", COLUMNS, [example], sheet_title="企业",
                          ascii_name="census-template.xlsx")


@staff_required(perm=SCREEN)
def census_detail(request, pk: int):
    """The progress page while the import runs; its report when done."""
    census = selectors.get_census_import_for_staff(request.user, pk)
    running = census.status in (census.Status.QUEUED, census.Status.RUNNING)
    progress = cache.get(progress_key(census.pk)) if running else census.rows_total
    return render(request, "organizing/console/census_detail.html", {
        "census": census, "running": running, "progress": progress or 0})


def _filters(request):
    counties = Organization.objects.filter(org_scope_q(request.user), org_type=Organization.Type.COUNTY)
    district_id = request.GET.get("district", "")
    district = counties.filter(pk=parse_id(district_id)).first() if parse_id(district_id) else None
    size = request.GET.get("size", "")
    return {"counties": counties.order_by("code"), "district": district,
            "industry": request.GET.get("industry", "").strip()[:50].replace("\x00", ""),
            "size": size if size in Enterprise.Size.values else "", "ready": request.GET.get("ready") == "1"}


@staff_required(perm=SCREEN)
def unorganized_list(request):
    chosen = _filters(request)
    enterprises = selectors.enterprises_without_union(
        request.user, district=chosen["district"], industry=chosen["industry"], size=chosen["size"],
        ready_only=chosen["ready"])
    page = Paginator(enterprises, 30).get_page(request.GET.get("page"))
    return render(request, "organizing/console/unorganized.html", {
        "page_obj": page, "sizes": Enterprise.Size.choices, "ready_threshold": selectors.READY_TO_FOUND,
        "query": request.GET.urlencode(), **chosen})


@staff_required(perm=SCREEN)
def plan_edit(request, pk: int):
    """The founding plan of one enterprise: details, dated notes, and the founding itself."""
    enterprise = selectors.get_unorganized_enterprise_for_staff(request.user, pk)
    plan = FoundingPlan.objects.filter(enterprise=enterprise).select_related("union").first()
    initial = {key: getattr(plan, key) for key in ["contact_name", "contact_phone", "planned_date", "steps",
                                                    "status"]} if plan else {
        "contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone}
    action = request.POST.get("action") if request.method == "POST" else None
    form = PlanForm(_posted(request) if action == "plan" else None, initial=initial)
    note_form = NoteForm(_posted(request) if action == "note" else None, initial={"noted_on": timezone.localdate()})
    found_form = FoundForm(_posted(request) if action == "found" else None,
                           initial={"union_name": f"{enterprise.name}工会", "founded_on": timezone.localdate()})
    chosen = {"plan": form, "note": note_form, "found": found_form}.get(action)
    if chosen is not None and chosen.is_valid():
        try:
            if action == "plan":
                services.plan_save(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
            elif plan is None:
                raise ValidationError("请先保存建会预案。")
            elif action == "note":
                services.plan_note_add(actor=request.user, plan=plan, **note_form.cleaned_data)
            else:
                union = services.plan_found(actor=request.user, plan=plan, **found_form.cleaned_data)
                messages.success(request, f"已建会：{union.name}，已通知在联合工会的本企业会员办理转会。")
                return redirect("organizing:plan_edit", pk=enterprise.pk)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(chosen, error)
            else:
                messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已保存。")
            return redirect("organizing:plan_edit", pk=enterprise.pk)
    return render(request, "organizing/console/plan.html", {
        "enterprise": enterprise, "plan": plan, "form": form, "note_form": note_form, "found_form": found_form,
        "notes": plan.notes.select_related("author") if plan else []})


@staff_required(perm=SCREEN)
def plan_list(request):
    plans = selectors.plans_for_staff(request.user)
    status = request.GET.get("status", "")
    if status in FoundingPlan.Status.values:
        plans = plans.filter(status=status)
    page = Paginator(plans, 30).get_page(request.GET.get("page"))
    return render(request, "organizing/console/plans.html", {
        "page_obj": page, "status": status, "statuses": FoundingPlan.Status.choices})


@staff_required(perm=SCREEN)
def coverage(request):
    rows = selectors.coverage_rows(request.user)
    if request.GET.get("format") == "xlsx":
        return table_response(
            f"建会覆盖率{timezone.localdate():%Y%m%d}.xlsx",
            ["县（市、区）", "企业数", "已建会企业数", "建会率（%）", "职工人数", "覆盖职工数", "职工覆盖率（%）"],
            sheet_title="建会覆盖率", ascii_name="coverage.xlsx",
            rows=([r["county"].name, r["enterprises"], r["with_union"], r["union_rate"], r["employees"],
                   r["covered"], r["employee_rate"]] for r in rows))
    chart = {"labels": [r["county"].name.replace("总工会", "") for r in rows],
             "union_rate": [r["union_rate"] or 0 for r in rows],
             "employee_rate": [r["employee_rate"] or 0 for r in rows]}
    total = {key: sum(r[key] for r in rows) for key in ("enterprises", "with_union", "employees", "covered")}
    total["union_rate"] = round(100 * total["with_union"] / total["enterprises"], 1) if total["enterprises"] else None
    total["employee_rate"] = round(100 * total["covered"] / total["employees"], 1) if total["employees"] else None
    return render(request, "organizing/console/coverage.html", {"rows": rows, "chart": chart, "total": total})
