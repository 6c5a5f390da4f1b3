"""Stability-risk screening: the list with the district heat table and red warnings, a form, the rules."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from apps.core.forms import add_service_errors

from .. import rules, selectors, services
from ..forms import ScreeningForm
from ..models import RiskScreening
from .common import screening_required


@screening_required
def screening_list(request):
    """Staff holding the screening permission: their subtree's screenings, heat table, red warnings."""
    screenings = selectors.screenings_for_user(request.user)
    level = request.GET.get("level", "")
    if level in RiskScreening.Level.values:
        screenings = screenings.filter(level=level)
    else:
        level = ""
    if request.GET.get("dispatch") == "1":
        screenings = screenings.filter(is_dispatch_firm=True)
    page = Paginator(screenings.order_by("-screened_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "legal_aid/screening_list.html", {
        "page_obj": page, "heat": selectors.heat_table(request.user), "level": level,
        "levels": RiskScreening.Level.choices, "warnings": list(selectors.red_warnings(request.user)[:10]),
        "query": f"level={level}" if level else ""})


@screening_required
def screening_new(request):
    form = ScreeningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "enterprise"}
        try:
            screening = services.screening_record(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                                  data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("enterprise", str(error))
        else:
            messages.success(request, f"已记录：风险分值 {screening.score}，{screening.get_level_display()}。"
                             + ("已向县区和市总工会发出红色预警。" if screening.level == "red" else ""))
            return redirect("legal_aid:screening_detail", pk=screening.pk)
    return render(request, "legal_aid/screening_form.html", {"form": form, "rules": rules.RULES,
                                                              "levels": rules.LEVELS},
                  status=400 if form.is_bound and form.errors else 200)


@screening_required
def screening_detail(request, pk: int):
    screening = selectors.get_screening_for_user(request.user, pk)
    _, _, applied = rules.score(screening)
    return render(request, "legal_aid/screening_detail.html", {
        "screening": screening, "applied": applied,
        "trend": list(selectors.enterprise_trend(request.user, screening.enterprise_id)[:24])})


@screening_required
def screening_rules(request):
    """The rule table, as the score is computed."""
    return render(request, "legal_aid/screening_rules.html", {"rules": rules.RULES, "levels": rules.LEVELS})
