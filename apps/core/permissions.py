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


class RoleRequired(PermissionDenied):
    """Refused for want of a permission; the 403 page names it and the roles that hold it."""

    def __init__(self, perm: str | None = None, *, staff: bool = True):
        super().__init__(perm or "")
        self.perm = perm
        self.staff = staff

    def describe(self) -> str:
        if not self.perm:
            return "这个页面只对工会工作人员开放。" if self.staff else ""
        from django.contrib.auth.models import Group, Permission

        app_label, _, codename = self.perm.partition(".")
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is None:
            return "这个页面需要专门的权限。"
        roles = list(Group.objects.filter(permissions=permission).order_by("name").values_list("name", flat=True))
        text = f"这个页面需要“{permission.name}”权限"
        if roles:
            text += f"，由以下角色持有：{'、'.join(roles)}"
        return text + "。"


def staff_required(view=None, *, perm: str | None = None):
    """Only union staff (optionally holding ``perm``); others get 403, anonymous users the login page."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_member(request.user):
                raise RoleRequired(None)
            if perm and not request.user.has_perm(perm):
                raise RoleRequired(perm)
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
        if not is_staff_member(request.user):
            raise RoleRequired(None)
        if self.staff_permission and not request.user.has_perm(self.staff_permission):
            raise RoleRequired(self.staff_permission)
        return super().dispatch(request, *args, **kwargs)
