"""Collective negotiations for union staff: the scoped list, the record form (with the signed agreement),
and the detail with a link to the private file."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from apps.core.forms import add_service_errors
from apps.core.params import date_param
from apps.core.uploads import private_file_url

from .. import selectors, services
from ..dispute_forms import NegotiationForm
from ..models import CollectiveNegotiation
from ..permissions import records_disputes
from .common import _guard

negotiation_staff_required = _guard(records_disputes, "legal_aid.record_dispute")
SEARCH_LIMIT = 60


@negotiation_staff_required
def negotiation_list(request):
    """The subtree's negotiations, by topic, agreement reached, enterprise name and period; pages of 30."""
    get = request.GET
    negotiations = selectors.negotiations_for_user(request.user)
    topic = get.get("topic", "") if get.get("topic", "") in CollectiveNegotiation.Topic.values else ""
    agreement = "1" if get.get("agreement") == "1" else ""
    q = " ".join(get.get("q", "").replace("\x00", "").split())[:SEARCH_LIMIT]
    start, end = date_param(get, "start"), date_param(get, "end")
    if topic:
        negotiations = negotiations.filter(topic=topic)
    if agreement:
        negotiations = negotiations.filter(agreement_reached=True)
    if q:
        negotiations = negotiations.filter(enterprise__name__icontains=q)
    if start:
        negotiations = negotiations.filter(held_on__gte=start)
    if end:
        negotiations = negotiations.filter(held_on__lte=end)
    query = urlencode({key: value for key, value in {
        "topic": topic, "agreement": agreement, "q": q, "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else ""}.items() if value})
    page = Paginator(negotiations.order_by("-held_on", "-id"), 30).get_page(get.get("page"))
    return render(request, "legal_aid/negotiations/list.html", {
        "page_obj": page, "topic": topic, "agreement": agreement, "q": q, "query": query,
        "topics": CollectiveNegotiation.Topic.choices})


@negotiation_staff_required
def negotiation_new(request):
    form = NegotiationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items()
                if key not in ("enterprise", "agreement_file")}
        try:
            negotiation = services.negotiation_record(
                actor=request.user, enterprise=form.cleaned_data["enterprise"], data=data,
                agreement_file=form.cleaned_data.get("agreement_file"))
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("enterprise", str(error))
        else:
            messages.success(request, f"已登记集体协商（编号 {negotiation.pk}）。")
            return redirect("legal_aid:negotiation_detail", pk=negotiation.pk)
    return render(request, "legal_aid/negotiations/form.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


@negotiation_staff_required
def negotiation_detail(request, pk: int):
    negotiation = selectors.get_negotiation_for_user(request.user, pk)
    return render(request, "legal_aid/negotiations/detail.html", {
        "negotiation": negotiation,
        "document_url": private_file_url(negotiation, "agreement_file") if negotiation.agreement_file else ""})
