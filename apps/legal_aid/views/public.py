"""The public page: the hotline, the duty roster and the searchable anonymised questions and answers."""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import selectors
from ..forms import FaqSearchForm
from ..models import ConsultationCategory


@login_not_required
def home(request):
    """Anyone: hotline, who is on duty this week, published answers (search, category, pages)."""
    form = FaqSearchForm(request.GET or None)
    query, category, params = "", None, {}
    if form.is_valid():
        query, category = form.cleaned_data["q"].strip(), form.cleaned_data["category"]
        params = {key: value for key, value in {"q": query, "category": category.pk if category else ""}.items()
                  if value}
    page = Paginator(selectors.published_faq(query, category), 10).get_page(request.GET.get("page"))
    return render(request, "legal_aid/home.html", {
        "form": form, "page_obj": page, "q": query, "query": urlencode(params),
        "roster": list(selectors.duty_roster(days=2)), "categories": ConsultationCategory.objects.all(),
        "hotline": getattr(settings, "LEGAL_AID_HOTLINE", "12351")})
