"""Condolence visit pages: plans, and the visits recorded against them."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from apps.core.forms import add_service_errors
from apps.core.permissions import staff_required
from apps.core.uploads import private_file_url

from .. import selectors, services
from ..forms import VisitForm, VisitPlanForm


@staff_required(perm="relief.record_visit")
def visit_plan_list(request):
    plans = selectors.visit_plans_for_user(request.user).order_by("-start_on", "-id")
    page = Paginator(plans, 30).get_page(request.GET.get("page"))
    return render(request, "relief/visit_plan_list.html", {"page_obj": page})


@staff_required(perm="relief.record_visit")
def visit_plan_create(request):
    accounts = selectors.fund_accounts_for_user(request.user, purpose="condolence")
    form = VisitPlanForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.visit_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "慰问计划已建立。")
            return redirect("relief:visit_plan_detail", pk=plan.pk)
    return render(request, "relief/form.html", {"form": form, "title": "新建慰问计划",
                                                "back": ("慰问", "relief:visit_plan_list")},
                  status=400 if form.errors else 200)


@staff_required(perm="relief.record_visit")
def visit_plan_detail(request, pk: int):
    plan = selectors.get_visit_plan_for_user(request.user, pk)
    visits = plan.visits.select_related("recorded_by").order_by("-visited_on", "-id")
    page = Paginator(visits, 30).get_page(request.GET.get("page"))
    for visit in page:
        visit.proof_url = private_file_url(visit, "acknowledgement") if visit.acknowledgement else ""
    return render(request, "relief/visit_plan_detail.html", {"plan": plan, "page_obj": page})


@staff_required(perm="relief.record_visit")
def visit_record(request, pk: int):
    plan = selectors.get_visit_plan_for_user(request.user, pk)
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "慰问已登记。")
            return redirect("relief:visit_plan_detail", pk=plan.pk)
    return render(request, "relief/form.html", {
        "form": form, "title": f"登记慰问 · {plan.title}", "multipart": True,
        "lead": (f"使用资金：{plan.account}（可用 {plan.account.available} 元）" if plan.account
                 else "本计划未指定资金，只能登记慰问品"),
        "back": ("慰问", "relief:visit_plan_list")}, status=400 if form.errors else 200)
