"""The two public pages: the hazard report form and following a report by its reference."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.core import ratelimit
from apps.core.net import client_ip

from .. import services
from ..forms import FollowForm, PublicHazardForm
from ..models import Hazard, HazardEvent
from ..selectors import hazard_by_reference

PUBLIC_STEPS = [Hazard.Status.REPORTED, Hazard.Status.ASSIGNED, Hazard.Status.RECTIFIED, Hazard.Status.VERIFIED]


def _over_limit(request, bucket: str, limit: int) -> bool:
    # Fails open: a cache outage must not refuse every worker's report.
    return ratelimit.hit((f"protection-{bucket}", client_ip(request) or "unknown"), limit=limit,
                         window_seconds=3600, fail_open=True).limited


@login_not_required
def report(request):
    """Anyone may report a hazard; name optional; limited per address."""
    form = PublicHazardForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if _over_limit(request, "report", services.hazards.PUBLIC_REPORTS_PER_HOUR):
            form.add_error(None, "提交过于频繁，请一小时后再试。如情况紧急，请直接拨打工会热线。")
        elif form.is_valid():
            data = form.cleaned_data
            hazard = services.hazard_report_public(
                enterprise=data["enterprise"], description=data["description"], location=data["location"],
                photo=data.get("photo"), reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"])
            messages.success(request, f"已收到您的举报。查询编号：{hazard.reference}，请记下以便查询处理进度。")
            return redirect(reverse("protection:follow") + f"?ref={hazard.reference}")
    return render(request, "protection/public_report.html", {"form": form})


@login_not_required
def follow(request):
    """One report's progress by its reference; nothing about any other report, nor who reported it."""
    form = FollowForm(request.GET or None)
    hazard = None
    looked_up = False
    if form.is_bound and form.is_valid():
        looked_up = True
        if _over_limit(request, "follow", services.hazards.PUBLIC_LOOKUPS_PER_HOUR):
            form.add_error(None, "查询过于频繁，请稍后再试。")
            looked_up = False
        else:
            hazard = hazard_by_reference(form.cleaned_data["ref"])
    steps, events = [], []
    if hazard is not None:
        status_index = PUBLIC_STEPS.index(hazard.status) if hazard.status in PUBLIC_STEPS else 1
        steps = [(s.label, i <= status_index) for i, s in enumerate(PUBLIC_STEPS)]
        events = [e for e in hazard.events.all() if e.kind != HazardEvent.Kind.ESCALATED]
    return render(request, "protection/public_follow.html", {
        "form": form, "hazard": hazard, "looked_up": looked_up, "steps": steps, "events": events})
