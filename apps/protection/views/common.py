from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from apps.core.params import parse_id

from ..permissions import uses_protection


def protection_staff(view):
    """Union staff holding at least one labour-protection permission."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not uses_protection(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def narrow_to_link(request, queryset, *, when: str, date_field: bool = False):
    """Apply ``?org=&start=&end=`` (the links behind an indicator): an organisation of the user's subtree
    (404 outside it) and a period on ``when``. Returns the queryset, the organisation and the query string."""
    from urllib.parse import urlencode

    from django.db.models import Q

    from apps.core.indicators import period_bounds
    from apps.core.selectors import get_organization_for_user

    from ..selectors import period

    params = {}
    organization = None
    raw = request.GET.get("org", "")
    if raw:
        organization = get_organization_for_user(request.user, parse_id(raw) or 0)
        queryset = queryset.filter(Q(enterprise__district__path__startswith=organization.path)
                                   | Q(enterprise__union__path__startswith=organization.path))
        params["org"] = organization.pk
    if request.GET.get("start") and request.GET.get("end"):
        start, end = period(request.GET)
        if date_field:
            queryset = queryset.filter(**{f"{when}__gte": start, f"{when}__lte": end})
        else:
            since, until = period_bounds(start, end)
            queryset = queryset.filter(**{f"{when}__gte": since, f"{when}__lt": until})
        params.update(start=start.isoformat(), end=end.isoformat())
    return queryset, organization, urlencode(params)
