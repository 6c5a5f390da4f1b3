"""Membership pages: /join/ for workers (three steps on a phone), the card, verification; staff review."""
from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from apps.core.crypto import decrypt, encrypt
from apps.core.forms import add_service_errors
from apps.core.models import Enterprise, Organization
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.scoping import org_scope_q
from apps.core.validators import normalize_credit_code

from . import selectors, services
from .forms import EmployerForm, IdentityForm, ReasonForm, TransferForm, WorkForm
from .models import Membership, MembershipApplication, UnionProfile

DRAFT = "organizing_join_draft"
REVIEW = "organizing.review_membership"


def _posted(request):
    """The POST data when the request is a POST (even an empty one), else None (an unbound form)."""
    return request.POST if request.method == "POST" else None




# --- workers ------------------------------------------------------------------------------------

@login_not_required
def join(request):
    """Landing page: what joining means, and where the signed-in worker stands."""
    context = {"membership": None, "open_application": None, "last_returned": None}
    if request.user.is_authenticated:
        context["membership"] = selectors.membership_of(request.user)
        applications = list(selectors.applications_of(request.user)[:5])
        context["applications"] = applications
        context["open_application"] = next((a for a in applications
                                            if a.status == MembershipApplication.Status.SUBMITTED), None)
    return render(request, "organizing/join.html", context)


def _search_enterprises(query: str):
    query = (query or "").strip()[:60].replace("\x00", "")
    if len(query) < 2:
        return []
    try:
        code = normalize_credit_code(query)
    except ValidationError:
        code = None
    found = Enterprise.objects.select_related("district")
    found = found.filter(credit_code=code) if code else found.filter(name__icontains=query)
    return list(found.order_by("name")[:10])


def apply(request, step: int):
    """The three steps: who you are, where you work, what you do (drafts are kept in the session)."""
    if step not in (1, 2, 3):
        return redirect("organizing:apply", step=1)
    membership = selectors.membership_of(request.user)
    if membership is not None and membership.is_active:
        messages.info(request, "您已是工会会员。")
        return redirect("organizing:my_card")
    draft = request.session.get(DRAFT, {})
    if step > 1 and "id_cipher" not in draft:
        return redirect("organizing:apply", step=1)
    if step > 2 and "employer" not in draft:
        return redirect("organizing:apply", step=2)
    context = {"step": step, "draft": draft, "phone": request.user.masked_phone}
    if step == 1:
        initial = {"real_name": draft.get("real_name") or request.user.real_name}
        form = IdentityForm(_posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                normalized, _digest = services.check_id_number(user=request.user,
                                                               id_number=form.cleaned_data["id_number"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                draft.update(real_name=form.cleaned_data["real_name"], id_cipher=encrypt(normalized))
                request.session[DRAFT] = draft
                return redirect("organizing:apply", step=2)
    elif step == 2:
        form = EmployerForm(_posted(request))
        context["query"] = request.GET.get("q", "")[:60]
        context["results"] = _search_enterprises(context["query"])
        if request.method == "POST" and form.is_valid():
            enterprise, district = form.cleaned_data["enterprise"], form.cleaned_data["district"]
            draft["employer"] = {"enterprise": enterprise.pk if enterprise else None,
                                 "district": district.pk if district and not enterprise else None,
                                 "label": enterprise.name if enterprise else f"无固定工作单位（{district}）"}
            request.session[DRAFT] = draft
            return redirect("organizing:apply", step=3)
    else:
        form = WorkForm(_posted(request))
        if request.method == "POST" and form.is_valid():
            employer = draft["employer"]
            try:
                application = services.application_submit(
                    user=request.user, real_name=draft["real_name"], id_number=decrypt(draft["id_cipher"]),
                    enterprise=Enterprise.objects.filter(pk=employer["enterprise"]).first(),
                    no_fixed_employer=employer["enterprise"] is None,
                    district=Organization.objects.filter(pk=employer["district"]).first(),
                    occupation=form.cleaned_data["occupation"],
                    new_form_work=form.cleaned_data["new_form_work"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session.pop(DRAFT, None)
                messages.success(request, f"入会申请已提交，由{application.union}审核，结果会通知您。")
                return redirect("organizing:join")
    context["form"] = form
    return render(request, "organizing/apply.html", context)


@require_POST
def application_withdraw(request, pk: int):
    application = selectors.get_application_for_worker(request.user, pk)
    try:
        services.application_withdraw(user=request.user, application=application)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "申请已撤回。")
    return redirect("organizing:join")


def my_card(request):
    membership = selectors.membership_of(request.user)
    if membership is None:
        messages.info(request, "您还不是工会会员，欢迎申请入会。")
        return redirect("organizing:join")
    return redirect("organizing:card", pk=membership.pk)


def card(request, pk: int):
    """The electronic member card, with a QR code of its public verification address."""
    membership = selectors.get_card_for_user(request.user, pk)
    verify_url = request.build_absolute_uri(reverse("organizing:verify", args=[membership.verify_token]))
    qr_svg = mark_safe(segno.make(verify_url, error="m").svg_inline(scale=4, title="会员卡验证二维码"))  # noqa: S308
    return render(request, "organizing/card.html", {
        "membership": membership, "qr_svg": qr_svg, "verify_url": verify_url,
        "events": membership.events.select_related("from_union", "to_union"),
    })


def transfer(request):
    membership = selectors.membership_of(request.user)
    if membership is None or not membership.is_active:
        raise Http404
    form = TransferForm(_posted(request))
    query = request.GET.get("q", "")[:60]
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_transfer(actor=request.user, membership=membership,
                                         enterprise=form.cleaned_data["enterprise"],
                                         district=form.cleaned_data["district"], reason="更换工作单位")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "转会已办理。")
            return redirect("organizing:my_card")
    return render(request, "organizing/transfer.html", {
        "membership": membership, "form": form, "query": query, "results": _search_enterprises(query),
        "offered": request.GET.get("offered") == "1"})


@require_POST
def leave(request):
    membership = selectors.membership_of(request.user)
    if membership is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, "请勾选“我确认退会”后再提交。")
        return redirect("organizing:card", pk=membership.pk)
    try:
        services.membership_leave(user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已办理退会。")
    return redirect("organizing:join")


@login_not_required
def verify(request, token: str):
    """Public: masked name, union, valid or not. Unknown addresses answer 404."""
    membership = selectors.get_card_by_token(token)
    return render(request, "organizing/verify.html", {"membership": membership})


# --- staff ----------------------------------------------------------------------------------------

@staff_required(perm=REVIEW)
def application_list(request):
    applications = selectors.applications_for_staff(request.user)
    status = request.GET.get("status", MembershipApplication.Status.SUBMITTED)
    if status in MembershipApplication.Status.values:
        applications = applications.filter(status=status)
    if request.GET.get("new_form") == "1":
        applications = applications.exclude(new_form_work="")
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    return render(request, "organizing/console/applications.html", {
        "page_obj": page, "status": status, "statuses": MembershipApplication.Status.choices})


@staff_required(perm=REVIEW)
def application_detail(request, pk: int):
    application = selectors.get_application_for_staff(request.user, pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                membership = services.application_approve(actor=request.user, application=application)
                messages.success(request, f"已通过，会员编号 {membership.member_number}。")
                return redirect("organizing:application_list")
            if action == "return" and form.is_valid():
                services.application_return(actor=request.user, application=application,
                                            reason=form.cleaned_data["reason"])
                messages.success(request, "已退回，申请人会收到通知。")
                return redirect("organizing:application_list")
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "organizing/console/application.html", {"application": application, "form": form})


@staff_required(perm=REVIEW)
def member_list(request):
    members = selectors.members_for_staff(request.user)
    status = request.GET.get("status", Membership.Status.ACTIVE)
    if status in Membership.Status.values:
        members = members.filter(status=status)
    query = request.GET.get("q", "").strip()[:30].replace("\x00", "")
    if query:
        members = members.filter(Q(real_name__contains=query) | Q(member_number=query))
    page = Paginator(members, 30).get_page(request.GET.get("page"))
    return render(request, "organizing/console/members.html", {
        "page_obj": page, "status": status, "statuses": Membership.Status.choices, "query": query})


@staff_required(perm=REVIEW)
def member_detail(request, pk: int):
    membership = selectors.get_member_for_staff(request.user, pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(actor=request.user, membership=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "会籍已终止。")
            return redirect("organizing:member_detail", pk=membership.pk)
    return render(request, "organizing/console/member.html", {
        "membership": membership, "form": form, "events": membership.events.select_related("from_union", "to_union")})


@staff_required(perm=REVIEW)
def catch_all_list(request):
    """Each county-level union in scope and its catch-all union; staff create a missing one."""
    counties = Organization.objects.filter(org_scope_q(request.user), org_type=Organization.Type.COUNTY)
    if request.method == "POST":
        county_id = parse_id(request.POST.get("county"))
        county = counties.filter(pk=county_id).first() if county_id else None
        if county is None:
            messages.error(request, "请选择本单位范围内的县（市、区）总工会。")
        else:
            union = services.catch_all_union_for(county=county, actor=request.user)
            messages.success(request, f"{union} 已设立。")
        return redirect("organizing:catch_all_list")
    existing = {p.county_id: p.organization for p in UnionProfile.objects.filter(is_catch_all=True, county__in=counties)
                .select_related("organization")}
    rows = [(county, existing.get(county.pk)) for county in counties.order_by("code")]
    return render(request, "organizing/console/catch_all.html", {"rows": rows})
