"""Thin views: each states who may use it, loads through a selector (404 outside), calls one service."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.permissions import RoleRequired, staff_required
from apps.core.scoping import can_act_for

from . import selectors, services
from .forms import (
    ArrangementForm,
    BookingForm,
    CommendationForm,
    FamilyForm,
    HelpersForm,
    NegotiationForm,
    OnBehalfForm,
    SessionNoteForm,
    SlotForm,
    VisitForm,
)
from .models import Arrangement, CareNeed, Commendation

HOTLINE = {"number": "0391-12351", "hours": "每天 8:30–21:30（节假日不休）", "night": "夜间紧急情况请拨打 12356 或 120"}
PAGE_SIZE = 20


def counsellor_required(view):
    def wrapper(request, *args, **kwargs):
        if not services.is_counsellor(request.user):
            raise RoleRequired(None, staff=False)
        return view(request, *args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper


# ---------------------------------------------------------------- public
@login_not_required
def counselling(request):
    """Public: the hotline, its hours and the open slots (anyone; booking needs signing in)."""
    slots = Paginator(selectors.open_slots(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "women_workers/counselling.html", {"hotline": HOTLINE, "page_obj": slots})


# ---------------------------------------------------------------- her own
def arrangement_new(request):
    """Any signed-in worker asks for herself."""
    form = ArrangementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            arrangement = services.arrangement_request(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "申请已提交，工会将与单位协商，结果会通知您。")
            return redirect("women_workers:my_arrangement", pk=arrangement.pk)
    return render(request, "women_workers/arrangement_form.html", {"form": form, "on_behalf": False},
                  status=400 if form.errors else 200)


def my_arrangement(request, pk: int):
    """Only she sees her request here (404 for anyone else)."""
    arrangement = selectors.get_my_arrangement(request.user, pk)
    return render(request, "women_workers/my_arrangement.html", {"arrangement": arrangement})


@require_POST
def arrangement_withdraw(request, pk: int):
    arrangement = selectors.get_my_arrangement(request.user, pk)
    try:
        services.arrangement_withdraw(actor=request.user, arrangement=arrangement)
        messages.success(request, "申请已撤回。")
    except ValidationError as error:
        flash_service_errors(request, error)
    return redirect("women_workers:my_arrangement", pk=pk)


def book(request, pk: int):
    """Any signed-in person books an open slot."""
    slot = selectors.get_open_slot(pk)
    form = BookingForm(request.POST or None, slot=slot, initial={"contact_phone": request.user.phone or ""})
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(actor=request.user, slot=slot, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "预约成功，开始前会提醒您。")
            return redirect("women_workers:booking_detail", pk=booking.pk)
    return render(request, "women_workers/book.html", {"slot": slot, "form": form},
                  status=400 if form.errors else 200)


def booking_detail(request, pk: int):
    """The person who booked or the counsellor (404 for others)."""
    booking = selectors.get_booking_for_user(request.user, pk)
    is_counsellor = booking.slot.counsellor_id == request.user.pk
    note_form = SessionNoteForm(initial={"note": booking.note, "crisis": booking.crisis}) if is_counsellor else None
    return render(request, "women_workers/booking_detail.html", {
        "booking": booking, "is_counsellor": is_counsellor, "note_form": note_form, "now": timezone.now()})


def booking_ics(request, pk: int):
    booking = selectors.get_booking_for_user(request.user, pk)
    response = HttpResponse(services.booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"counselling-{booking.pk}.ics")
    return response


@require_POST
def booking_cancel(request, pk: int):
    booking = selectors.get_booking_for_user(request.user, pk)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
        messages.success(request, "预约已取消，该时段已释放。")
    except ValidationError as error:
        flash_service_errors(request, error)
    return redirect("women_workers:booking_detail", pk=pk)


# ---------------------------------------------------------------- counsellor
@counsellor_required
def counsellor_home(request):
    """Counsellors: their slots and bookings; publish new slots."""
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.slots_publish(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已发布 {len(created)} 个时段。")
            return redirect("women_workers:counsellor_home")
    now = timezone.now()
    recent = selectors.counsellor_bookings(request.user).filter(ends_at__gte=now - timedelta(days=7))
    bookings = Paginator(recent, PAGE_SIZE).get_page(request.GET.get("page"))
    slots = selectors.counsellor_slots(request.user).filter(starts_at__gte=now)[:50]
    return render(request, "women_workers/counsellor_home.html", {"form": form, "page_obj": bookings, "slots": slots},
                  status=400 if form.errors else 200)


@counsellor_required
@require_POST
def booking_record(request, pk: int):
    booking = selectors.get_booking_for_user(request.user, pk)
    form = SessionNoteForm(request.POST)
    if form.is_valid():
        try:
            services.booking_record_session(actor=request.user, booking=booking, **form.cleaned_data)
            alert = "已向女职工部发出危机预警。" if form.cleaned_data["crisis"] else ""
            messages.success(request, "咨询记录已保存。" + alert)
        except ValidationError as error:
            flash_service_errors(request, error)
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("women_workers:booking_detail", pk=pk)


# ---------------------------------------------------------------- union staff
@staff_required(perm="women_workers.negotiate_arrangement")
def arrangement_list(request):
    """Her union and the women workers' department of its subtree."""
    arrangements = selectors.arrangements_for_staff(request.user)
    status = request.GET.get("status", "")
    if status in Arrangement.Status.values:
        arrangements = arrangements.filter(status=status)
    elif status == "open":
        arrangements = arrangements.exclude(status__in=Arrangement.CLOSED)
    page = Paginator(arrangements.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "women_workers/arrangement_list.html", {
        "page_obj": page, "status": status, "statuses": Arrangement.Status.choices})


@staff_required(perm="women_workers.negotiate_arrangement")
def arrangement_on_behalf(request):
    form = OnBehalfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "worker_phone"}
        try:
            arrangement = services.arrangement_request(actor=request.user, worker=form.worker, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error("worker_phone", "她不是本工会（或下级工会）的会员，不能代为申请。")
        else:
            messages.success(request, "已代她提交申请。")
            return redirect("women_workers:arrangement_detail", pk=arrangement.pk)
    return render(request, "women_workers/arrangement_form.html", {"form": form, "on_behalf": True},
                  status=400 if form.errors else 200)


@staff_required(perm="women_workers.negotiate_arrangement")
def arrangement_detail(request, pk: int):
    arrangement = selectors.get_arrangement_for_staff(request.user, pk)
    form = NegotiationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangement_record_negotiation(actor=request.user, arrangement=arrangement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已记录协商情况并通知本人。")
            return redirect("women_workers:arrangement_detail", pk=pk)
    return render(request, "women_workers/arrangement_detail.html", {"arrangement": arrangement, "form": form},
                  status=400 if form.errors else 200)


@staff_required(perm="women_workers.view_women_affairs")
def arrangement_summary(request):
    """The county-level union: counts by employer and outcome."""
    return render(request, "women_workers/arrangement_summary.html", {
        "rows": selectors.arrangement_counts(request.user), "statuses": Arrangement.Status.choices})


@staff_required(perm="women_workers.manage_counselling")
def crisis_list(request):
    page = Paginator(selectors.crisis_bookings(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "women_workers/crisis_list.html", {"page_obj": page})


# ---------------------------------------------------------------- care pairings
def family_list(request):
    """Staff with manage_care (their subtree) and helpers (their own families)."""
    families = selectors.families_for_user(request.user)
    is_manager = request.user.has_perm("women_workers.manage_care")
    if not is_manager and not families.exists():
        raise RoleRequired("women_workers.manage_care")
    families = families.annotate(open_needs=Count("needs", filter=Q(needs__solved_at__isnull=True)))
    page = Paginator(families.prefetch_related("helpers").order_by("-created_at", "-id"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "women_workers/family_list.html", {
        "page_obj": page, "is_manager": is_manager,
        "by_district": selectors.open_needs_by_district(request.user) if is_manager else [],
        "now": timezone.now()})


@staff_required(perm="women_workers.manage_care")
def family_new(request):
    form = FamilyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        needs = form.cleaned_data.pop("needs")
        try:
            family = services.family_register(actor=request.user, data=form.cleaned_data, needs=needs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记，请安排帮扶人。")
            return redirect("women_workers:family_detail", pk=family.pk)
    return render(request, "women_workers/family_form.html", {"form": form}, status=400 if form.errors else 200)


def family_detail(request, pk: int):
    family = selectors.get_family_for_user(request.user, pk)
    is_manager = request.user.has_perm("women_workers.manage_care") and can_act_for(
        request.user, family.district)
    helpers_form = HelpersForm(request.POST if "helpers" in request.POST else None, user=request.user,
                               initial={"helpers": family.helpers.all()}) if is_manager else None
    visit_form = VisitForm(request.POST if "visited_on" in request.POST else None)
    if request.method == "POST":
        try:
            if helpers_form is not None and helpers_form.is_bound and helpers_form.is_valid():
                services.family_assign_helpers(actor=request.user, family=family,
                                               helpers=list(helpers_form.cleaned_data["helpers"]))
                messages.success(request, "已安排帮扶人。")
                return redirect("women_workers:family_detail", pk=pk)
            if visit_form.is_bound and visit_form.is_valid():
                services.visit_log(actor=request.user, family=family, **visit_form.cleaned_data)
                messages.success(request, "已记录走访。")
                return redirect("women_workers:family_detail", pk=pk)
        except ValidationError as error:
            add_service_errors(visit_form, error)
    bad = (helpers_form is not None and helpers_form.errors) or visit_form.errors
    return render(request, "women_workers/family_detail.html", {
        "family": family, "helpers_form": helpers_form, "visit_form": visit_form, "is_manager": is_manager,
        "needs": family.needs.all(), "visits": family.visits.select_related("helper")[:50],
        "helpers": family.helpers.all()}, status=400 if bad else 200)


@require_POST
def need_solve(request, pk: int, need_pk: int):
    family = selectors.get_family_for_user(request.user, pk)
    need = CareNeed.objects.filter(family=family, pk=need_pk).first()
    if need is None:
        raise Http404
    try:
        services.need_solve(actor=request.user, need=need)
        messages.success(request, "已标记为解决。")
    except ValidationError as error:
        flash_service_errors(request, error)
    return redirect("women_workers:family_detail", pk=pk)


# ---------------------------------------------------------------- commendations
@staff_required(perm="women_workers.recommend_commendation")
def commendation_list(request):
    form = CommendationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.commendation_recommend(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已推荐。")
            return redirect("women_workers:commendation_list")
    page = Paginator(selectors.commendations_for_user(request.user).order_by("-created_at", "-id"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "women_workers/commendation_list.html", {
        "form": form, "page_obj": page, "review_choices": Commendation.Status.choices},
        status=400 if form.errors else 200)


@staff_required(perm="women_workers.view_women_affairs")
@require_POST
def commendation_review(request, pk: int):
    commendation = selectors.commendations_for_user(request.user).filter(pk=pk).first()
    if commendation is None:
        raise Http404
    try:
        services.commendation_review(actor=request.user, commendation=commendation,
                                     status=request.POST.get("status", ""))
        messages.success(request, "审核状态已更新。")
    except ValidationError as error:
        flash_service_errors(request, error)
    return redirect("women_workers:commendation_list")
