"""Tiered aid pages: the worker's application, the union's entry, the review queue, review, payment."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.registry import membership
from apps.core.scoping import is_staff_member
from apps.core.selectors import get_organization_for_user
from apps.core.uploads import private_file_url

from .. import selectors, services
from ..forms import AidApplyForm, AidApproveForm, AidEnterForm, AidFactsForm, AidPaymentReturnForm, AidReturnForm
from ..models import AidApplication
from .common import relief_staff

S = AidApplication.Status


def aid_apply(request):
    """Any signed-in worker applies for themselves (staff enter on a worker's behalf instead)."""
    if is_staff_member(request.user):
        return redirect("relief:aid_enter")
    union = membership.union_of(request.user)
    form = AidApplyForm(request.POST or None, request.FILES or None, union=union,
                        initial={"real_name": request.user.real_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.aid_apply(actor=request.user, worker=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "帮扶申请已提交，您可以在“我的”页面查看办理进度。")
            return redirect("relief:aid_detail", pk=application.pk)
    return render(request, "relief/aid_form.html", {"form": form, "union": union, "title": "申请困难帮扶"},
                  status=400 if form.errors else 200)


@staff_required(perm="relief.enter_aid")
def aid_enter(request):
    form = AidEnterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("phone")
        data.pop("organization", None)
        try:
            application = services.aid_apply(actor=request.user, worker=form.worker, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已代职工提交帮扶申请，等待上级审核。")
            return redirect("relief:aid_detail", pk=application.pk)
    return render(request, "relief/aid_form.html", {"form": form, "title": "代职工申请帮扶", "staff": True},
                  status=400 if form.errors else 200)


@relief_staff
def aid_list(request):
    applications = selectors.aid_for_user(request.user)
    status = request.GET.get("status", "")
    if status in S.values:
        applications = applications.filter(status=status)
    org_id = parse_id(request.GET.get("org"))
    organization = get_organization_for_user(request.user, org_id) if org_id else None
    if organization is not None:
        applications = applications.filter(organization__path__startswith=organization.path)
    mine = request.GET.get("mine") == "1"
    level = services.level_of(request.user)
    if mine and level:
        applications = applications.filter(status=level).exclude(entered_by=request.user).exclude(
            worker=request.user)
    page = Paginator(applications.order_by("-submitted_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "relief/aid_list.html", {
        "page_obj": page, "status": status, "statuses": S.choices, "mine": mine, "organization": organization})


def _may_pay(user, application) -> bool:
    return user.has_perm("relief.pay_aid") and user.pk not in (application.worker_id, application.entered_by_id)


def aid_detail(request, pk: int):
    """The applicant sees their own; staff see their subtree's (404 for anyone else)."""
    application = selectors.get_aid_for_user(request.user, pk)
    staff = is_staff_member(request.user)
    context = {"application": application, "steps": application.steps.select_related("actor", "organization"),
               "staff": staff,
               "document_url": private_file_url(application, "document") if application.document else ""}
    user = request.user
    if staff:
        can_review = (user.has_perm("relief.review_aid") and services.level_of(user) == application.status
                      and user.pk not in (application.worker_id, application.entered_by_id))
        if can_review:
            final = application.status == S.CITY
            context["approve_form"] = AidApproveForm(final=final, application=application,
                                                     accounts=selectors.payable_accounts(user, application))
            context["return_form"] = AidReturnForm()
            context["final"] = final
        payer = _may_pay(user, application)
        context["can_pay"] = payer and application.status == S.APPROVED
        context["can_record_return"] = payer and application.status == S.PAID
        context["can_repay"] = payer and application.status == S.PAYMENT_RETURNED
        context["rule"] = services.rule_for(application.ruleset, application.proposed_tier, application.cause)
    context["can_resubmit"] = (application.status == S.RETURNED
                               and user.pk in (application.worker_id, application.entered_by_id))
    context["can_withdraw"] = user.pk == application.worker_id and application.status in services.WITHDRAWABLE
    context["payment_returns"] = list(application.payment_returns.select_related("recorded_by"))
    return render(request, "relief/aid_detail.html", context)


@require_POST
@staff_required(perm="relief.review_aid")
def aid_review(request, pk: int):
    application = selectors.get_aid_for_user(request.user, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "return":
            form = AidReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            services.aid_return(actor=request.user, application=application, reason=form.cleaned_data["reason"])
            messages.success(request, "已退回申请人。")
        elif decision == "approve":
            final = application.status == S.CITY
            form = AidApproveForm(request.POST, final=final, application=application,
                                  accounts=selectors.payable_accounts(request.user, application))
            if not form.is_valid():
                return render(request, "relief/aid_detail.html", {
                    "application": application, "steps": application.steps.all(), "staff": True,
                    "approve_form": form, "return_form": AidReturnForm(), "final": final}, status=400)
            data = form.cleaned_data
            services.aid_approve(actor=request.user, application=application, reason=data.get("reason", ""),
                                 tier=data.get("tier", ""), amount=data.get("amount"), account=data.get("account"))
            messages.success(request, "已批准并预留资金，等待发放。" if final else "审核通过，已报上一级。")
        else:
            raise ValidationError("请选择审核结果。")
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    return redirect("relief:aid_detail", pk=application.pk)


@require_POST
@staff_required(perm="relief.pay_aid")
def aid_pay(request, pk: int):
    application = selectors.get_aid_for_user(request.user, pk)
    try:
        services.aid_pay(actor=request.user, application=application)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "帮扶资金已发放。")
    return redirect("relief:aid_detail", pk=application.pk)


@staff_required(perm="relief.pay_aid")
def aid_payment_return(request, pk: int):
    """登记退回: the bank sent a paid payment back; the money returns to the fund and the worker is told."""
    application = selectors.get_aid_for_user(request.user, pk)
    if not _may_pay(request.user, application):
        raise PermissionDenied
    if application.status != S.PAID:
        messages.info(request, "该笔发放已登记退回，等待重新支付。" if application.status == S.PAYMENT_RETURNED
                      else f"申请当前为“{application.get_status_display()}”，只有已发放的帮扶可以登记退回。")
        return redirect("relief:aid_detail", pk=application.pk)
    form = AidPaymentReturnForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.aid_payment_return(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记退回，款项已退回专项资金，已通知职工更新银行卡。")
            return redirect("relief:aid_detail", pk=application.pk)
    return render(request, "relief/aid_payment_return.html", {"form": form, "application": application},
                  status=400 if form.errors else 200)


@require_POST
@staff_required(perm="relief.pay_aid")
def aid_repay(request, pk: int):
    """重新支付: pay a returned payment again, once."""
    application = selectors.get_aid_for_user(request.user, pk)
    try:
        services.aid_repay(actor=request.user, application=application)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "帮扶资金已重新支付。")
    return redirect("relief:aid_detail", pk=application.pk)


@require_POST
def aid_withdraw(request, pk: int):
    """The worker withdraws their own application while it is still under review."""
    application = selectors.get_aid_for_user(request.user, pk)
    try:
        services.aid_withdraw(actor=request.user, application=application)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "申请已撤回，您对处理相关敏感个人信息的同意也一并撤回。")
    return redirect("relief:aid_detail", pk=application.pk)


def aid_resubmit(request, pk: int):
    application = selectors.get_aid_for_user(request.user, pk)
    if request.user.pk not in (application.worker_id, application.entered_by_id) or application.status != S.RETURNED:
        raise PermissionDenied
    form = AidFactsForm(request.POST or None, request.FILES or None, initial={
        "cause": application.cause, "household_size": application.household_size,
        "household_income": application.household_income, "description": application.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.aid_resubmit(actor=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已重新提交。")
            return redirect("relief:aid_detail", pk=application.pk)
    return render(request, "relief/aid_form.html", {"form": form, "title": "修改后重新提交",
                                                    "application": application},
                  status=400 if form.errors else 200)
