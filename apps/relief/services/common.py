"""Helpers shared by the relief services."""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import Organization
from apps.core.scoping import can_act_for, is_staff_member

from ..models.funds import MAX_AMOUNT


def require_perm(user, perm: str) -> None:
    if not (is_staff_member(user) and user.has_perm(perm)):
        raise PermissionDenied("没有权限进行此操作。")


def require_scope(user, organization: Organization, message: str = "该单位不在您的管辖范围内。") -> None:
    if not can_act_for(user, organization):
        raise PermissionDenied(message)


def money(amount, *, field: str = "amount", label: str = "金额") -> Decimal:
    """A positive amount in yuan, exact to the fen (floats refused: they are not exact)."""
    if isinstance(amount, float) or isinstance(amount, bool):
        raise ValidationError({field: f"{label}必须以精确的小数表示。"})
    try:
        value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}不是有效的数字。"}) from None
    if not value.is_finite():
        raise ValidationError({field: f"{label}不是有效的数字。"})
    if value <= 0:
        raise ValidationError({field: f"{label}必须大于零。"})
    if value > MAX_AMOUNT:
        raise ValidationError({field: f"{label}过大。"})
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label}最多精确到分（两位小数）。"})
    return value.quantize(Decimal("0.01"))


def message_key(name: str) -> uuid.UUID:
    """A stable UUID for notify(), so a repeated step delivers each message once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"jiaozuo-relief:{name}")


def staff_holding(organization, perm: str):
    """Active staff of exactly ``organization`` whose roles give them ``perm`` ("app.codename")."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    if organization is None:
        return User.objects.none()
    app_label, codename = perm.split(".", 1)
    return User.objects.filter(
        Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label),
        organization=organization, is_active=True,
    ).distinct()
