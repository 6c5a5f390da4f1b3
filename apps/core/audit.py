"""The audit trail: one call, used by every service that changes money, a case or a status."""
from __future__ import annotations

import contextvars
from typing import Any

from django.db import models

from .models import AuditLog

# Set by RequestContextMiddleware so services need not pass the request down.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = AuditLog.Outcome.SUCCESS,
    organization=None,
) -> AuditLog:
    """Append one audit row; ``action`` reads like ``relief.fund.disbursed``."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if is_person else None,
        actor_repr=(actor.get_full_name() or actor.get_username()) if is_person else "系统",
        organization=organization if organization is not None else getattr(actor, "organization", None),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        ip_address=current_ip.get(),
        outcome=outcome,
    )


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {key: value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)
            for key, value in data.items()}
