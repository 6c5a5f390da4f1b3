"""Helpers shared by the organizing services."""
from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.scoping import can_act_for


def check_scope(actor, organization) -> None:
    if not can_act_for(actor, organization):
        raise PermissionDenied("只能办理本组织及下级组织的事项。")


def transition(obj, table: dict, new_status: str, *, label: str) -> str:
    """Move ``obj.status`` along ``table``; an illegal move is a clear error, never a silent no-op."""
    old = obj.status
    if new_status not in table.get(old, ()):
        current = obj.get_status_display()
        raise ValidationError(f"{label}当前状态为“{current}”，不能进行此操作。")
    obj.status = new_status
    return old


def message_key(name: str) -> uuid.UUID:
    """A stable notification key, so a repeated call delivers a message once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"jiaozuo/organizing/{name}")
