"""Helpers shared by the protection services."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from apps.core.models import Enterprise, Organization
from apps.core.scoping import is_staff_member


def require_perm(user, perm: str) -> None:
    if not (is_staff_member(user) and user.has_perm(perm)):
        raise PermissionDenied("没有权限进行此操作。")


def require_enterprise(user, enterprise: Enterprise) -> None:
    """The enterprise must be in the user's scope (its district subtree or its union)."""
    from ..selectors import enterprises_for_user

    if not enterprises_for_user(user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("该企业不在您的管辖范围内。")


def lock_enterprise(enterprise: Enterprise) -> Enterprise:
    """Serialises first-time creations for one enterprise (its plan, a day's figures, a registration)."""
    return Enterprise.objects.select_for_update(of=("self",)).select_related("district", "union").get(pk=enterprise.pk)


def staff_holding(organization: Organization | None, perm: str) -> QuerySet:
    """Active staff of exactly ``organization`` whose roles give them ``perm`` ("app.codename")."""
    User = get_user_model()
    if organization is None:
        return User.objects.none()
    app_label, codename = perm.split(".", 1)
    return User.objects.filter(
        Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label),
        organization=organization, is_active=True,
    ).distinct()


def city_of(organization: Organization) -> Organization | None:
    code = organization.path.split("/")[0]
    return Organization.objects.filter(code=code).first()


def message_key(name: str):
    """A stable UUID for notify(), so a repeated step delivers each message once."""
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"jiaozuo-protection:{name}")
