"""Thin views of the volunteers app. Public pages say so with ``login_not_required``; staff pages
with ``staff_required`` and a permission; the rest need a signed-in person and load only their own."""
from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.pagecache import public_page
from apps.core.permissions import staff_required
from apps.core.scoping import org_scope_q

from . import selectors, services
from .forms import ActivityForm, HoursForm, VolunteerForm, WishConfirmForm, WishForm
from .models import Activity, Signup, Volunteer, Wish
from .services import PAGES


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _page(request, queryset, size=20):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- public -----------------------------------------------------------------------------------

@login_not_required
@public_page(PAGES)
def landing(request):
    """The "和你在一起" volunteer service: what is coming up, wishes waiting, the leaderboard."""
    return render(request, "volunteers/landing.html", {
        "activities": selectors.public_activities()[:6],
        "wishes": selectors.public_wishes(status=Wish.Status.PUBLISHED)[:6],
        "board": selectors.leaderboard(limit=5), "kinds": Activity.Kind.choices})


@login_not_required
@public_page(PAGES)
def activity_list(request):
    kind = request.GET.get("kind", "")
    page_obj = _page(request, selectors.public_activities(kind=kind))
    return render(request, "volunteers/activity_list.html", {
        "page_obj": page_obj, "kinds": Activity.Kind.choices, "kind": kind,
        "query": f"kind={kind}" if kind in Activity.Kind.values else ""})


@login_not_required
def activity_detail(request, pk: int):
    """Public; a signed-in volunteer also sees their own sign-up and the buttons (so not page-cached)."""
    activity = selectors.get_public_activity(pk)
    volunteer = selectors.volunteer_of(request.user)
    mine = None
    if volunteer is not None:
        mine = activity.signups.filter(volunteer=volunteer).exclude(status=Signup.Status.CANCELLED).first()
    waiting = activity.signups.filter(status=Signup.Status.WAITING).count()
    return render(request, "volunteers/activity_detail.html", {
        "activity": activity, "volunteer": volunteer, "mine": mine, "waiting": waiting,
        "can_cancel": mine is not None and timezone.now() <= activity.starts_at - timezone.timedelta(
            hours=activity.cancel_hours)})


@login_not_required
@public_page(PAGES)
def wish_list(request):
    status = request.GET.get("status", "")
    page_obj = _page(request, selectors.public_wishes(status=status))
    return render(request, "volunteers/wish_list.html", {
        "page_obj": page_obj, "status": status, "states": [(s.value, s.label) for s in selectors.PUBLIC_WISH_STATES],
        "query": f"status={status}" if status else ""})


@login_not_required
@public_page(PAGES)
def wish_detail(request, pk: int):
    return render(request, "volunteers/wish_detail.html", {"wish": selectors.get_public_wish(pk)})


@login_not_required
@public_page(PAGES)
def leaderboard(request):
    return render(request, "volunteers/leaderboard.html", {
        "board": selectors.leaderboard(), "top": selectors.top_volunteers()})


# --- a signed-in person -----------------------------------------------------------------------

def register(request):
    """A signed-in person registers as a volunteer."""
    if selectors.volunteer_of(request.user) is not None:
        return redirect("volunteers:my_hours")
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_register(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "登记成功，请等待工会审核。审核通过后即可报名参加活动。")
            return redirect("core:me")
    return render(request, "volunteers/register.html", {"form": form})


@require_POST
def signup(request, pk: int):
    activity = selectors.get_public_activity(pk)
    try:
        result = services.signup_create(user=request.user, activity=activity,
                                        waitlist=request.POST.get("waitlist") == "1")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "报名成功！" if result.status == Signup.Status.CONFIRMED
                         else "名额已满，您已进入候补名单，有人取消时将按顺序自动递补并通知您。")
    return redirect("volunteers:activity_detail", pk=activity.pk)


@require_POST
def cancel(request, pk: int):
    signup_row = selectors.get_signup_for_user(request.user, pk)
    try:
        services.signup_cancel(user=request.user, signup=signup_row)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已取消报名。")
    return redirect("volunteers:activity_detail", pk=signup_row.activity_id)


def scan(request, token: str):
    """The page the on-site QR code opens: the volunteer confirms and is checked in."""
    try:
        activity = selectors.get_public_activity(services.activity_from_token(token))
    except ValidationError as exc:
        return render(request, "volunteers/scan.html", {"error": _error_text(exc)}, status=400)
    volunteer = selectors.volunteer_of(request.user)
    mine = activity.signups.filter(volunteer=volunteer, status=Signup.Status.CONFIRMED).first() if volunteer else None
    error = None
    if mine is None:
        error = "您没有这项活动的有效报名，不能签到。"
    elif request.method == "POST":
        try:
            services.signup_check_in(actor=request.user, signup=mine, by_organiser=False)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, "签到成功，感谢您的志愿服务！")
            return redirect("volunteers:activity_detail", pk=activity.pk)
    return render(request, "volunteers/scan.html", {"activity": activity, "mine": mine, "error": error},
                  status=400 if error else 200)


@require_POST
def check_out(request, pk: int):
    signup_row = selectors.get_signup_for_user(request.user, pk)
    try:
        services.signup_check_out(actor=request.user, signup=signup_row)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已签退，服务时长已记录。")
    return redirect("volunteers:activity_detail", pk=signup_row.activity_id)


def my_hours(request):
    volunteer = selectors.volunteer_of(request.user)
    signups = list(selectors.my_signups(request.user)[:200]) if volunteer else []
    return render(request, "volunteers/my_hours.html", {
        "volunteer": volunteer, "signups": signups,
        "total": sum((s.hours for s in signups), start=0)})


def certificate(request):
    """A printable certificate of the person's own hours (approved volunteers only)."""
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None or volunteer.status != Volunteer.Status.APPROVED:
        messages.error(request, "通过审核的志愿者才能打印服务时长证明。")
        return redirect("volunteers:my_hours")
    signups = list(selectors.my_signups(request.user).filter(hours__gt=0)[:200])
    return render(request, "volunteers/certificate.html", {
        "volunteer": volunteer, "signups": signups, "total": sum((s.hours for s in signups), start=0),
        "today": timezone.localdate()})


@require_POST
def wish_claim(request, pk: int):
    wish = selectors.get_public_wish(pk)
    try:
        services.wish_claim(user=request.user, wish=wish)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("volunteers:wish_detail", pk=pk)
    messages.success(request, f"认领成功！请在 {services.WISH_CLAIM_DAYS} 天内帮助实现这个心愿。")
    return redirect("volunteers:my_claims")


@require_POST
def wish_donor_action(request, pk: int, action: str):
    wish = selectors.get_claimed_wish_for_user(request.user, pk)
    try:
        if action == "release":
            services.wish_release(actor=request.user, wish=wish)
        else:
            services.wish_fulfil(user=request.user, wish=wish)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已放弃认领，心愿重新开放。" if action == "release"
                         else "已标记为实现，等待工会拍照确认。")
    return redirect("volunteers:my_claims")


def my_claims(request):
    return render(request, "volunteers/my_claims.html", {"wishes": selectors.my_claims(request.user)[:100]})


# --- staff ------------------------------------------------------------------------------------

@staff_required(perm="volunteers.approve_volunteer")
def console_volunteers(request):
    status = request.GET.get("status", "pending")
    volunteers = selectors.volunteers_for_user(request.user)
    if status in Volunteer.Status.values:
        volunteers = volunteers.filter(status=status)
    return render(request, "volunteers/console_volunteers.html", {
        "page_obj": _page(request, volunteers.order_by("-created_at", "-pk"), 30), "status": status,
        "states": Volunteer.Status.choices, "query": f"status={status}"})


@require_POST
@staff_required(perm="volunteers.approve_volunteer")
def volunteer_decide(request, pk: int):
    volunteer = selectors.get_volunteer_for_user(request.user, pk)
    try:
        services.volunteer_decide(actor=request.user, volunteer=volunteer, approve=request.POST.get("approve") == "1")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已审核。")
    return redirect("volunteers:console_volunteers")


@staff_required(perm="volunteers.manage_activity")
def console_activities(request):
    activities = selectors.activities_for_user(request.user).order_by("-starts_at", "-pk")
    return render(request, "volunteers/console_activities.html", {"page_obj": _page(request, activities, 30)})


@staff_required(perm="volunteers.manage_activity")
def activity_create(request):
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "活动已发布。")
            return redirect("volunteers:activity_checkin", pk=activity.pk)
    return render(request, "volunteers/activity_form.html", {"form": form})


@staff_required(perm="volunteers.manage_activity")
def activity_checkin(request, pk: int):
    """The organiser's roster: check in, record hours, show the on-site QR code."""
    activity = selectors.get_activity_for_user(request.user, pk)
    scan_url = request.build_absolute_uri(reverse("volunteers:scan", args=[services.checkin_token(activity)]))
    return render(request, "volunteers/activity_checkin.html", {
        "activity": activity, "roster": selectors.roster(activity), "scan_url": scan_url,
        "qr_svg": segno.make(scan_url, error="m").svg_inline(scale=4, title="签到二维码"),
        "hours_form": HoursForm()})


@require_POST
@staff_required(perm="volunteers.manage_activity")
def roster_action(request, pk: int, action: str):
    signup_row = selectors.get_roster_signup_for_user(request.user, pk)
    try:
        if action == "checkin":
            services.signup_check_in(actor=request.user, signup=signup_row, by_organiser=True)
        else:
            form = HoursForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["hours"])
            services.signup_record_hours(actor=request.user, signup=signup_row, hours=form.cleaned_data["hours"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已签到。" if action == "checkin" else "服务时长已登记。")
    return redirect("volunteers:activity_checkin", pk=signup_row.activity_id)


def _unions_for(user):
    from apps.core.models import Organization

    return Organization.objects.filter(org_scope_q(user), is_active=True).order_by("path")


@staff_required(perm="volunteers.manage_wish")
def console_wishes(request):
    status = request.GET.get("status", "")
    wishes = selectors.wishes_for_user(request.user)
    if status in Wish.Status.values:
        wishes = wishes.filter(status=status)
    return render(request, "volunteers/console_wishes.html", {
        "page_obj": _page(request, wishes.order_by("-created_at", "-pk"), 30), "status": status,
        "states": Wish.Status.choices, "query": f"status={status}" if status else ""})


@staff_required(perm="volunteers.manage_wish")
def wish_create(request):
    form = WishForm(request.POST or None, unions=_unions_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.wish_create(actor=request.user, wisher=data["wisher_phone"], union=data["union"],
                                 what=data["what"], why=data["why"], value=data["value"], publish=data["publish"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "微心愿已登记。")
            return redirect("volunteers:console_wishes")
    return render(request, "volunteers/wish_form.html", {"form": form})


@staff_required(perm="volunteers.manage_wish")
def console_wish(request, pk: int):
    """One wish for its union: publish it, or confirm it came true with a photo."""
    wish = selectors.get_wish_for_user(request.user, pk)
    form = WishConfirmForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                services.wish_publish(actor=request.user, wish=wish)
                messages.success(request, "心愿已发布。")
                return redirect("volunteers:console_wish", pk=pk)
            if form.is_valid():
                services.wish_confirm(actor=request.user, wish=wish, photo=form.cleaned_data["photo"])
                messages.success(request, "已确认心愿实现。")
                return redirect("volunteers:console_wish", pk=pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                messages.error(request, _error_text(exc))
    return render(request, "volunteers/console_wish.html", {"wish": wish, "form": form})
