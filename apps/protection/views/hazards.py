from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.permissions import staff_required
from apps.core.uploads import private_file_url

from .. import selectors, services
from ..forms import HazardAssignForm, HazardFilterForm, HazardRectifyForm, HazardReopenForm, HazardVerifyForm
from ..models import Hazard
from .common import narrow_to_link, protection_staff


@protection_staff
def hazard_list(request):
    hazards = selectors.hazards_for_user(request.user)
    form = HazardFilterForm(request.GET or None)
    today = timezone.localdate()
    params = {}
    if form.is_valid():
        status, level, query = form.cleaned_data["status"], form.cleaned_data["level"], form.cleaned_data["q"]
        if status == "open":
            hazards = hazards.filter(status__in=Hazard.OPEN)
        elif status == "overdue":
            hazards = hazards.filter(status__in=Hazard.OPEN, deadline__lt=today)
        elif status:
            hazards = hazards.filter(status=status)
        if level:
            hazards = hazards.filter(level=level)
        if query:
            hazards = hazards.filter(Q(enterprise__name__icontains=query) | Q(reference=query.upper()))
        params = {k: v for k, v in form.cleaned_data.items() if v}
    closed = request.GET.get("status") == Hazard.Status.VERIFIED  # "closed in the period" counts by closing date
    hazards, organization, link_query = narrow_to_link(request, hazards,
                                                       when="verified_at" if closed else "reported_at")
    page = Paginator(hazards.order_by("-reported_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "protection/hazard_list.html", {
        "page_obj": page, "form": form, "today": today, "organization": organization,
        "query": "&".join(part for part in (urlencode(params), link_query) if part)})


def _detail(request, hazard, *, status: int = 200, **bound):
    user = request.user
    events = list(hazard.events.select_related("actor"))
    for event in events:
        event.evidence_url = private_file_url(event, "evidence", inline=True) if event.evidence else ""
    can_handle = user.has_perm("protection.handle_hazard")
    forms = {
        "assign_form": HazardAssignForm(initial={"level": hazard.level,
                                                 "responsible_person": hazard.responsible_person})
        if can_handle and hazard.status == Hazard.Status.REPORTED else None,
        "rectify_form": HazardRectifyForm() if user.has_perm("protection.rectify_hazard")
        and hazard.status in (Hazard.Status.ASSIGNED, Hazard.Status.REOPENED) else None,
        "verify_form": HazardVerifyForm() if can_handle and hazard.status == Hazard.Status.RECTIFIED else None,
        "reopen_form": HazardReopenForm() if can_handle and hazard.status in (Hazard.Status.RECTIFIED,
                                                                            Hazard.Status.VERIFIED) else None,
    }
    forms.update(bound)
    return render(request, "protection/hazard_detail.html", {
        "hazard": hazard, "events": events, "today": timezone.localdate(),
        "photo_url": private_file_url(hazard, "photo", inline=True) if hazard.photo else "",
        "is_rectifier": hazard.rectified_by_id == user.pk,
        "escalations": list(hazard.escalations.select_related("organization")), **forms}, status=status)


@protection_staff
def hazard_detail(request, pk: int):
    return _detail(request, selectors.get_hazard_for_user(request.user, pk))


def _act(request, pk: int, form_class, form_name: str, call, success: str):
    """Validate, call the service; bad input is shown next to its field on the hazard page."""
    hazard = selectors.get_hazard_for_user(request.user, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(hazard, form.cleaned_data)
        except PermissionDenied as error:
            flash_service_errors(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
            return _detail(request, hazard, status=400, **{form_name: form})
        else:
            messages.success(request, success)
        return redirect("protection:hazard_detail", pk=hazard.pk)
    return _detail(request, hazard, status=400, **{form_name: form})


@require_POST
@staff_required(perm="protection.handle_hazard")
def hazard_assign(request, pk: int):
    return _act(request, pk, HazardAssignForm, "assign_form", lambda h, d: services.hazard_assign(
        actor=request.user, hazard=h, level=d["level"], responsible_person=d["responsible_person"], note=d["note"]),
        "已交办企业整改。")


@require_POST
@staff_required(perm="protection.rectify_hazard")
def hazard_rectify(request, pk: int):
    return _act(request, pk, HazardRectifyForm, "rectify_form", lambda h, d: services.hazard_rectify(
        actor=request.user, hazard=h, note=d["note"], evidence=d["evidence"]), "整改情况已报告，等待验收。")


@require_POST
@staff_required(perm="protection.handle_hazard")
def hazard_verify(request, pk: int):
    return _act(request, pk, HazardVerifyForm, "verify_form", lambda h, d: services.hazard_verify(
        actor=request.user, hazard=h, note=d["note"]), "已验收销号。")


@require_POST
@staff_required(perm="protection.handle_hazard")
def hazard_reopen(request, pk: int):
    return _act(request, pk, HazardReopenForm, "reopen_form", lambda h, d: services.hazard_reopen(
        actor=request.user, hazard=h, note=d["note"]), "已退回企业重新整改。")



