from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.params import parse_int
from apps.core.permissions import staff_required
from apps.core.uploads import private_file_url

from .. import selectors, services
from ..forms import PlanForm, PlanReviewForm
from ..models import PLAN_ITEMS, ResumptionPlan
from .common import narrow_to_link, protection_staff


@protection_staff
def plan_list(request):
    plans = selectors.plans_for_user(request.user)
    status = request.GET.get("status", "")
    if status in ResumptionPlan.Status.values:
        plans = plans.filter(status=status)
    plans, organization, query = narrow_to_link(
        request, plans, when="reviewed_at" if status == ResumptionPlan.Status.APPROVED else "submitted_at")
    page = Paginator(plans.order_by("-submitted_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "protection/plan_list.html", {
        "page_obj": page, "status": status, "statuses": ResumptionPlan.Status.choices, "organization": organization,
        "query": "&".join(part for part in (f"status={status}" if status else "", query) if part)})


@staff_required(perm="protection.submit_plan")
def plan_submit(request, pk: int | None = None):
    plan = selectors.get_plan_for_user(request.user, pk) if pk else None
    if plan is not None and plan.status != ResumptionPlan.Status.RETURNED:
        messages.info(request, "方案正在审核或已通过，不能修改。")
        return redirect("protection:plan_detail", pk=plan.pk)
    form = PlanForm(request.POST or None, request.FILES or None, user=request.user, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_submit(actor=request.user, enterprise=plan.enterprise if plan else data["enterprise"],
                                        checklist=form.checklist(), document=data.get("document"),
                                        resumed_on=data.get("resumed_on"), note=data.get("note", ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "复工方案已提交，等待县（市、区）总工会审核。")
            return redirect("protection:plan_detail", pk=plan.pk)
    last_comment = plan.versions.order_by("-number").first().comment if plan else ""
    return render(request, "protection/plan_form.html", {
        "form": form, "plan": plan, "last_comment": last_comment,
        "item_fields": [form[f"item_{key}"] for key, _, _ in PLAN_ITEMS]}, status=400 if form.errors else 200)


def plan_diff(old, new) -> list[dict]:
    rows = []
    for key, label, _ in PLAN_ITEMS:
        before, after = (old.checklist.get(key, "") if old else ""), new.checklist.get(key, "")
        rows.append({"label": label, "before": before, "after": after, "changed": before != after})
    if old is not None:
        rows.append({"label": "复工日期", "before": old.resumed_on or "", "after": new.resumed_on or "",
                     "changed": old.resumed_on != new.resumed_on})
        replaced = old.document != new.document
        rows.append({"label": "方案文件", "before": "原文件", "after": "新文件" if replaced else "原文件",
                     "changed": replaced})
    return rows


@protection_staff
def plan_detail(request, pk: int):
    plan = selectors.get_plan_for_user(request.user, pk)
    versions = list(plan.versions.select_related("submitted_by", "reviewer").order_by("-number"))
    changes = plan_diff(versions[1], versions[0]) if len(versions) > 1 else []
    can_review = (request.user.has_perm("protection.review_plan")
                  and plan.status == ResumptionPlan.Status.SUBMITTED)
    return render(request, "protection/plan_detail.html", {
        "plan": plan, "versions": versions, "changes": changes,
        "items": [(label, plan.checklist.get(key, "")) for key, label, _ in PLAN_ITEMS],
        "document_url": private_file_url(plan, "document") if plan.document else "",
        "review_form": PlanReviewForm() if can_review else None,
        "can_resubmit": request.user.has_perm("protection.submit_plan")
        and plan.status == ResumptionPlan.Status.RETURNED})


@protection_staff
def plan_compare(request, pk: int):
    plan = selectors.get_plan_for_user(request.user, pk)
    versions = {v.number: v for v in plan.versions.all()}

    def number(name, default):
        value = request.GET.get(name, "")
        number = parse_int(value)
        return number if number in versions else default

    newest = max(versions)
    new = versions[number("b", newest)]
    old = versions.get(number("a", max(new.number - 1, 1)))
    return render(request, "protection/plan_compare.html", {
        "plan": plan, "old": old, "new": new, "rows": plan_diff(old if old is not new else None, new),
        "numbers": sorted(versions)})


@require_POST
@staff_required(perm="protection.review_plan")
def plan_review(request, pk: int):
    plan = selectors.get_plan_for_user(request.user, pk)
    form = PlanReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approved"
        try:
            services.plan_review(actor=request.user, plan=plan, approve=approve, comment=form.cleaned_data["comment"])
        except (ValidationError, PermissionDenied) as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, "方案已通过。" if approve else "方案已退回修改。")
            return redirect("protection:plan_detail", pk=plan.pk)
    versions = list(plan.versions.select_related("submitted_by", "reviewer").order_by("-number"))
    return render(request, "protection/plan_detail.html", {
        "plan": plan, "versions": versions,
        "changes": plan_diff(versions[1], versions[0]) if len(versions) > 1 else [],
        "items": [(label, plan.checklist.get(key, "")) for key, label, _ in PLAN_ITEMS],
        "document_url": private_file_url(plan, "document") if plan.document else "", "review_form": form,
        "can_resubmit": False}, status=400 if not form.is_valid() else 200)
