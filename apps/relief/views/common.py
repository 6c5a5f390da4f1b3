from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from apps.core.scoping import is_staff_member

ANY_RELIEF_PERM = (
    "relief.view_fund_ledger", "relief.view_dashboard", "relief.manage_fund", "relief.allocate_fund",
    "relief.pay_aid", "relief.enter_aid", "relief.review_aid", "relief.record_visit", "relief.manage_registry",
    "relief.edit_tier_rules",
)


def uses_relief(user) -> bool:
    return is_staff_member(user) and any(user.has_perm(perm) for perm in ANY_RELIEF_PERM)


def relief_staff(view):
    """Union staff holding at least one relief permission."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not uses_relief(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
