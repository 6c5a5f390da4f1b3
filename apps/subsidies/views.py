"""Thin views: public programme pages, the worker's application, the reviewers' queue, batches, deferrals."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core import crypto
from apps.core.audit import audit_record
from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.indicators import period_bounds
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.scoping import can_act_for
from apps.core.selectors import get_organization_for_user
from apps.core.spreadsheets import SafeWorkbook, workbook_response
from apps.core.uploads import private_file_url
from apps.relief.selectors import fund_accounts_for_user

from . import selectors, services
from .forms import (
    AccountCorrectionForm,
    ApplicationForm,
    DecisionForm,
    DeferralForm,
    ProgrammeForm,
    ReturnForm,
)
from .models import Application, DuesDeferral, PaymentItem
from .permissions import APPLICATION_PERMS, DEFERRAL_PERMS, staff_with_any

S = Application.Status


# ------------------------------------------------------------------------------------------- public
@login_not_required
def programme_list(request):
    """Public: the programmes open for applications."""
    return render(request, "subsidies/programme_list.html", {"programmes": selectors.open_programmes()})


@login_not_required
def programme_detail(request, pk: int):
    """Public: one programme's rules; applying needs an account."""
    programme = selectors.get_public_programme(pk)
    mine = (selectors.my_applications(request.user).filter(programme=programme).first()
            if request.user.is_authenticated else None)
    return render(request, "subsidies/programme_detail.html", {
        "programme": programme, "mine": mine, "open": programme.is_open
        and programme.apply_until >= timezone.localdate()})


# ------------------------------------------------------------------------------------------- worker
def apply(request, pk: int):
    """A signed-in worker applies (one application per person per programme)."""
    programme = selectors.get_public_programme(pk)
    if not programme.is_open or programme.apply_until < timezone.localdate():
        messages.info(request, "该项目已停止受理申请。")
        return redirect("subsidies:programme_detail", pk=pk)
    form = ApplicationForm(request.POST or None, request.FILES or None, programme=programme,
                           initial={"real_name": request.user.real_name if hasattr(request.user, "real_name") else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                applicant=request.user, programme=programme, real_name=data["real_name"],
                id_number=data["id_number"], phone=data["phone"], enterprise=data["enterprise"],
                origin=data["origin"], band=data["band"], returned_on=data["returned_on"],
                bank_name=data["bank_name"], bank_account=data["bank_account"], receipts=form.receipts(),
                sensitive_consent=data["sensitive_consent"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "申请已提交，等待企业工会确认您已返岗。")
            return redirect("subsidies:my_application", pk=application.pk)
    return render(request, "subsidies/apply.html", {"form": form, "programme": programme},
                  status=400 if form.errors else 200)


def my_application(request, pk: int):
    """The worker's own application: its state, and correcting the account after a returned payment."""
    application = selectors.get_my_application(request.user, pk)
    form = AccountCorrectionForm(request.POST or None, initial={"bank_name": application.bank_name})
    if request.method == "POST" and application.status == S.RETURNED and form.is_valid():
        try:
            services.application_correct_account(actor=request.user, application=application,
                                                 bank_name=form.cleaned_data["bank_name"],
                                                 bank_account=form.cleaned_data["bank_account"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "收款账户已更正，将在下一批次重新发放。")
            return redirect("subsidies:my_application", pk=pk)
    steps = [S.SUBMITTED, S.CONFIRMED, S.REVIEWED, S.APPROVED, S.PAID]
    reached = steps.index(application.status) if application.status in steps else (
        3 if application.status in (S.BATCHED, S.RETURNED) else -1)
    return render(request, "subsidies/my_application.html", {
        "application": application, "form": form if application.status == S.RETURNED else None,
        "steps": [(Application.Status(s).label, i <= reached) for i, s in enumerate(steps)],
        "events": application.events.order_by("created_at", "id")}, status=400 if form.errors else 200)


@require_POST
def my_withdraw(request, pk: int):
    application = selectors.get_my_application(request.user, pk)
    try:
        services.application_withdraw(actor=request.user, application=application)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "申请已撤回。")
    return redirect("subsidies:my_application", pk=pk)


# -------------------------------------------------------------------------------------- reviewers
@staff_with_any(*APPLICATION_PERMS)
def application_list(request):
    """The review queue, narrowed by state, programme, organisation (an indicator's link) and period."""
    applications = selectors.applications_for_user(request.user)
    status = request.GET.get("status", "")
    if status in S.values:
        applications = applications.filter(status=status)
    params = {"status": status} if status in S.values else {}
    organization = None
    org_id = parse_id(request.GET.get("org"))
    if org_id:
        organization = get_organization_for_user(request.user, org_id)
        applications = applications.filter(union__path__startswith=organization.path)
        params["org"] = organization.pk
    if request.GET.get("start") and request.GET.get("end"):
        from apps.core.indicators import period_from_params

        start, end = period_from_params(request.GET)
        since, until = period_bounds(start, end)
        field = "paid_at" if status == S.PAID else "created_at"
        applications = applications.filter(**{f"{field}__gte": since, f"{field}__lt": until})
        params.update(start=start.isoformat(), end=end.isoformat())
    page = Paginator(applications.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "subsidies/application_list.html", {
        "page_obj": page, "status": status, "statuses": S.choices, "organization": organization,
        "signals": selectors.signals_for(page.object_list), "query": urlencode(params)})


def _next_step(user, application) -> tuple[str, bool] | None:
    """What this reviewer may do now: (label, whether an amount is set), or None."""
    if user.pk == application.applicant_id:
        return None
    steps = {S.SUBMITTED: ("subsidies.confirm_return", "确认返岗", False),
             S.CONFIRMED: ("subsidies.review_application", "县级审核", False),
             S.REVIEWED: ("subsidies.approve_application", "市级审批", True)}
    step = steps.get(application.status)
    if step is None or not user.has_perm(step[0]):
        return None
    return step[1], step[2]


@staff_with_any(*APPLICATION_PERMS)
def application_detail(request, pk: int, form=None):
    application = selectors.get_application_for_user(request.user, pk)
    step = _next_step(request.user, application)
    if step and form is None:
        form = DecisionForm(with_amount=step[1], initial={"amount": application.amount})
    receipts = [(receipt, private_file_url(receipt, "file")) for receipt in application.receipts.all()]
    return render(request, "subsidies/application_detail.html", {
        "application": application, "step": step, "form": form if step else None, "receipts": receipts,
        "signals": selectors.signals_for([application]).get(application.pk, []),
        "events": application.events.select_related("actor").order_by("created_at", "id"),
        "items": application.payment_items.select_related("batch").order_by("id")},
        status=400 if form is not None and form.errors else 200)


@require_POST
@staff_with_any("subsidies.confirm_return", "subsidies.review_application", "subsidies.approve_application")
def application_decide(request, pk: int):
    application = selectors.get_application_for_user(request.user, pk)
    step = _next_step(request.user, application)
    form = DecisionForm(request.POST, with_amount=bool(step and step[1]))
    if not form.is_valid():
        return application_detail(request, pk, form=form)
    data = form.cleaned_data
    try:
        if data["decision"] == "reject":
            services.application_reject(actor=request.user, application=application, comment=data["comment"])
        elif application.status == S.SUBMITTED:
            services.application_confirm(actor=request.user, application=application, comment=data["comment"])
        elif application.status == S.CONFIRMED:
            services.application_review(actor=request.user, application=application, comment=data["comment"])
        else:
            services.application_approve(actor=request.user, application=application, amount=data.get("amount"),
                                         comment=data["comment"])
    except ValidationError as error:
        add_service_errors(form, error)
        return application_detail(request, pk, form=form)
    except PermissionDenied as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已办理。")
    return redirect("subsidies:application_detail", pk=pk)


# ------------------------------------------------------------------------------------- programmes
@staff_required(perm="subsidies.manage_programme")
def programme_manage(request):
    programmes = selectors.programmes_for_user(request.user).order_by("-return_from", "-id")
    return render(request, "subsidies/programme_manage.html", {"programmes": programmes[:100]})


@staff_required(perm="subsidies.manage_programme")
def programme_edit(request, pk: int | None = None):
    programme = selectors.get_programme_for_user(request.user, pk) if pk else None
    form = ProgrammeForm(request.POST or None, instance=programme,
                         accounts=fund_accounts_for_user(request.user, purpose="subsidy"))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            programme = services.programme_save(actor=request.user, programme=programme, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "补贴项目已保存。")
            return redirect("subsidies:programme_manage")
    return render(request, "subsidies/programme_form.html", {"form": form, "programme": programme},
                  status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------- batches
@staff_required(perm="subsidies.pay_subsidy")
def batch_list(request):
    batches = selectors.batches_for_user(request.user).order_by("-created_at", "-id")
    page = Paginator(batches, 30).get_page(request.GET.get("page"))
    programmes = selectors.programmes_for_user(request.user).order_by("-return_from")[:20]
    return render(request, "subsidies/batch_list.html", {"page_obj": page, "programmes": programmes})


@staff_required(perm="subsidies.pay_subsidy")
def batch_new(request, programme_pk: int):
    """Choose approved applications of one programme and make a batch of them."""
    programme = selectors.get_programme_for_user(request.user, programme_pk)
    payable = selectors.payable_applications(request.user, programme)[:500]
    if request.method == "POST":
        chosen = {parse_id(value) for value in request.POST.getlist("application")} - {None}
        applications = [a for a in payable if a.pk in chosen]
        if not applications:
            messages.error(request, "请至少选择一份已批准的申请。")
        else:
            try:
                batch = services.batch_create(actor=request.user, programme=programme, applications=applications)
            except (ValidationError, PermissionDenied) as error:
                flash_service_errors(request, error)
            else:
                messages.success(request, f"已生成发放批次，共 {len(applications)} 笔。")
                return redirect("subsidies:batch_detail", pk=batch.pk)
    return render(request, "subsidies/batch_new.html", {"programme": programme, "payable": payable})


@staff_required(perm="subsidies.pay_subsidy")
def batch_detail(request, pk: int):
    batch = selectors.get_batch_for_user(request.user, pk)
    return render(request, "subsidies/batch_detail.html", {
        "batch": batch, "items": selectors.batch_items(batch), "return_form": ReturnForm(),
        "account": batch.programme.fund_account})


@staff_required(perm="subsidies.pay_subsidy")
def batch_export(request, pk: int):
    """The bank's transfer file: whole account numbers, so every download is audited."""
    batch = selectors.get_batch_for_user(request.user, pk)
    workbook = SafeWorkbook()
    sheet = workbook.sheet("代发明细")
    sheet.header(["序号", "收款人姓名", "收款账号", "开户银行", "金额（元）", "用途", "业务编号"])
    items = selectors.batch_items(batch).exclude(status=PaymentItem.Status.RETURNED)
    for number, item in enumerate(items.iterator(chunk_size=200), start=1):
        application = item.application
        sheet.append([number, application.real_name, crypto.decrypt(application.account_encrypted),
                      application.bank_name, item.amount, "返岗职工交通补贴", f"JZBT{batch.pk:05d}-{item.pk}"])
    audit_record(actor=request.user, action="subsidies.batch.exported", target=batch,
                 organization=batch.organization)
    return workbook_response(workbook, f"交通补贴发放批次{batch.pk}.xlsx", ascii_name=f"subsidy-batch-{batch.pk}.xlsx")


@require_POST
@staff_required(perm="subsidies.pay_subsidy")
def batch_paid(request, pk: int):
    batch = selectors.get_batch_for_user(request.user, pk)
    try:
        services.batch_mark_paid(actor=request.user, batch=batch)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已确认发放，资金已从账户支出。")
    return redirect("subsidies:batch_detail", pk=pk)


def _item_for(request, batch_pk: int, item_pk: int) -> PaymentItem:
    from django.http import Http404

    batch = selectors.get_batch_for_user(request.user, batch_pk)
    item = batch.items.filter(pk=item_pk).select_related("batch", "application").first()
    if item is None:
        raise Http404
    return item


@require_POST
@staff_required(perm="subsidies.pay_subsidy")
def item_return(request, pk: int, item_pk: int):
    item = _item_for(request, pk, item_pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写退回原因（不超过200个字）。")
        services.item_return(actor=request.user, item=item, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已登记退回，资金已回到账户，等待职工更正账户。")
    return redirect("subsidies:batch_detail", pk=pk)


@require_POST
@staff_required(perm="subsidies.pay_subsidy")
def item_remove(request, pk: int, item_pk: int):
    item = _item_for(request, pk, item_pk)
    try:
        services.batch_remove(actor=request.user, item=item)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已移出批次。")
    return redirect("subsidies:batch_detail", pk=pk)


# -------------------------------------------------------------------------------------- deferrals
@staff_with_any(*DEFERRAL_PERMS)
def deferral_list(request):
    deferrals = selectors.deferrals_for_user(request.user)
    status = request.GET.get("status", "")
    if status in DuesDeferral.Status.values:
        deferrals = deferrals.filter(status=status)
    params = {"status": status} if status in DuesDeferral.Status.values else {}
    org_id = parse_id(request.GET.get("org"))
    organization = None
    if org_id:
        organization = get_organization_for_user(request.user, org_id)
        deferrals = deferrals.filter(Q(district__path__startswith=organization.path)
                                     | Q(enterprise__union__path__startswith=organization.path))
        params["org"] = organization.pk
    page = Paginator(deferrals.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "subsidies/deferral_list.html", {
        "page_obj": page, "status": status, "statuses": DuesDeferral.Status.choices, "organization": organization,
        "districts": selectors.deferral_totals_by_district(deferrals), "query": urlencode(params)})


def _deferral_enterprises(user):
    from apps.core.models import Enterprise
    from apps.core.scoping import org_scope_q

    return (Enterprise.objects.filter(org_scope_q(user, "union") | org_scope_q(user, "district"))
            .order_by("name"))


@staff_required(perm="subsidies.apply_deferral")
def deferral_new(request):
    form = DeferralForm(request.POST or None, enterprises=_deferral_enterprises(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deferral = services.deferral_apply(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "缓缴申请已提交，等待县（市、区）总工会审批。")
            return redirect("subsidies:deferral_detail", pk=deferral.pk)
    return render(request, "subsidies/deferral_form.html", {"form": form}, status=400 if form.errors else 200)


@staff_with_any(*DEFERRAL_PERMS)
def deferral_detail(request, pk: int):
    deferral = selectors.get_deferral_for_user(request.user, pk)
    can_decide = (request.user.has_perm("subsidies.approve_deferral") and deferral.status == "submitted"
                  and can_act_for(request.user, deferral.district) and request.user.pk != deferral.applied_by_id)
    return render(request, "subsidies/deferral_detail.html", {
        "deferral": deferral, "can_decide": can_decide, "can_settle": deferral.status == "approved"})


@require_POST
@staff_with_any(*DEFERRAL_PERMS)
def deferral_decide(request, pk: int):
    deferral = selectors.get_deferral_for_user(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "settle":
            services.deferral_settle(actor=request.user, deferral=deferral)
        elif action in ("approve", "reject"):
            services.deferral_decide(actor=request.user, deferral=deferral, approve=action == "approve",
                                     comment=request.POST.get("comment", "")[:300])
        else:
            raise ValidationError("未知的操作。")
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, "已办理。")
    return redirect("subsidies:deferral_detail", pk=pk)
