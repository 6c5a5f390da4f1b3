"""Views: campaigns."""
from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import render

from .. import selectors
from ..models import Campaign, Entry


@login_not_required
def campaign_list(request):
    page = Paginator(selectors.campaigns_public(), 12).get_page(request.GET.get("page"))
    return render(request, "training/campaign_list.html", {"page_obj": page})


@login_not_required
def campaign_detail(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    results = []
    if campaign.status == Campaign.Status.PUBLISHED:
        # 工人先锋号: every application approved by the city is named, scored or not.
        named = Q(review_status=Entry.Review.APPROVED) if campaign.is_pioneer else Q(rank__isnull=False)
        results = (campaign.entries.filter(named).select_related("organization")
                   .order_by(F("rank").asc(nulls_last=True), "registered_at"))
    return render(request, "training/campaign_detail.html", {
        "campaign": campaign, "stages": campaign.stages.all(), "criteria": campaign.criteria.all(),
        "results": results, "entry_count": campaign.entries.count(),
    })


@login_not_required
def studio_list(request):
    studios = selectors.studios_public()
    page = Paginator(studios, 12).get_page(request.GET.get("page"))
    return render(request, "training/studio_list.html", {"page_obj": page})


@login_not_required
def studio_detail(request, pk: int):
    studio = selectors.get_studio(pk)
    return render(request, "training/studio_detail.html", {
        "studio": studio, "courses": selectors.published_courses().filter(studio=studio)})


# --- staff: courses and statistics ---------------------------------------------------------------

