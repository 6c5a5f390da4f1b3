"""Who may use the subsidies staff pages (permission names held through roles)."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from apps.core.scoping import is_staff_member

APPLICATION_PERMS = ("subsidies.confirm_return", "subsidies.review_application", "subsidies.approve_application",
                     "subsidies.pay_subsidy", "subsidies.view_signals")
DEFERRAL_PERMS = ("subsidies.apply_deferral", "subsidies.approve_deferral")


def _any(user, perms) -> bool:
    return is_staff_member(user) and any(user.has_perm(perm) for perm in perms)


def staff_with_any(*perms):
    """Union staff holding at least one of ``perms``; anonymous people go to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not _any(request.user, perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
