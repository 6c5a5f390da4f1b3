"""Helpers shared by the subsidies services."""
from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from stdnum import luhn

from apps.core.models import Organization
from apps.core.scoping import can_act_for, is_staff_member


def require_perm(user, perm: str) -> None:
    if not (is_staff_member(user) and user.has_perm(perm)):
        raise PermissionDenied("没有权限进行此操作。")


def require_scope(user, organization: Organization | None, message: str = "该申请不在您的管辖范围内。") -> None:
    if not can_act_for(user, organization):
        raise PermissionDenied(message)


def require_level(user, *types: str, message: str) -> None:
    """The actor's own organisation must be of one of ``types`` (county review by a county union …)."""
    if user.is_superuser and not user.organization_id:
        return
    organization = user.organization
    if organization is None or organization.org_type not in types:
        raise PermissionDenied(message)


def normalize_bank_account(value: str) -> str:
    """Digits only; a bank card number (16–19 digits starting 62, 4 or 5) must pass the Luhn check."""
    digits = "".join((value or "").split()).replace("-", "")
    if not digits:
        raise ValidationError({"bank_account": "请填写银行账号。"})
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError({"bank_account": "银行账号只能包含数字。"})
    if not 10 <= len(digits) <= 25:
        raise ValidationError({"bank_account": "银行账号应为10至25位数字。"})
    is_card = 16 <= len(digits) <= 19 and digits[0] in "456"
    if is_card and not luhn.is_valid(digits):
        raise ValidationError({"bank_account": "银行卡号校验不通过，请核对后重新填写。"})
    return digits


def mask_account(digits: str) -> str:
    return f"{digits[:4]}{'*' * (len(digits) - 8)}{digits[-4:]}"


def message_key(name: str) -> uuid.UUID:
    """A stable UUID for notify(), so a repeated step delivers each message once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"jiaozuo-subsidies:{name}")
