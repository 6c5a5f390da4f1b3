"""View-level declarations of who may use a view.

Public views use Django's ``login_not_required``; everything else is private by default. Staff
views add ``staff_required`` (and a permission name when a role matters).
"""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .scoping import is_staff_member


def staff_required(view=None, *, perm: str | None = None):
    """Only union staff (optionally holding ``perm``); others get 403, anonymous users the login page."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_member(request.user) or (perm and not request.user.has_perm(perm)):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


class StaffRequiredMixin(AccessMixin):
    """Class-based twin of ``staff_required``; set ``staff_permission`` to require a role."""

    staff_permission: str | None = None
    raise_exception = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_staff_member(request.user) or (
            self.staff_permission and not request.user.has_perm(self.staff_permission)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
