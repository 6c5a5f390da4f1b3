"""Collective negotiations: record a round of negotiation in an enterprise and the agreement it reached."""
from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.uploads import validate_upload

from ..models import MAX_WORKERS, CollectiveNegotiation
from ..permissions import can_record_for

FIELDS = ("topic", "union_side", "employer_side", "held_on", "agreement_reached", "agreement_summary",
          "workers_covered", "valid_from", "valid_until")


def _text(data: dict, field: str, label: str, limit: int, errors: dict, *, required: bool = True) -> str:
    value = (data.get(field) or "").strip()
    if required and not value:
        errors[field] = f"请填写{label}。"
    elif len(value) > limit:
        errors[field] = f"{label}不能超过 {limit} 字。"
    return value


def _checked(data: dict, agreement_file) -> dict:
    errors: dict[str, str] = {}
    topic = data.get("topic") or ""
    if topic not in CollectiveNegotiation.Topic.values:
        errors["topic"] = "请选择协商议题。"
    union_side = _text(data, "union_side", "职工方代表", 300, errors)
    employer_side = _text(data, "employer_side", "企业方代表", 300, errors)
    reached = bool(data.get("agreement_reached"))
    summary = _text(data, "agreement_summary", "协议主要内容", 4000, errors, required=reached)
    held_on = data.get("held_on")
    today = timezone.localdate()
    if not isinstance(held_on, date):
        errors["held_on"] = "请填写协商日期。"
    elif held_on > today:
        errors["held_on"] = "协商日期不能晚于今天。"
    workers = data.get("workers_covered") or 0
    if isinstance(workers, bool) or not isinstance(workers, int) or not 0 <= workers <= MAX_WORKERS:
        errors["workers_covered"] = "覆盖职工人数须在 0 到 1,000,000 之间。"
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if reached:
        if valid_from and valid_until and valid_until < valid_from:
            errors["valid_until"] = "协议截止日期不能早于生效日期。"
    else:
        if valid_from or valid_until:
            errors["valid_from" if valid_from else "valid_until"] = "未达成协议，无需填写协议期限。"
        if agreement_file:
            errors["agreement_file"] = "未达成协议，无需上传协议文本。"
    if agreement_file and "agreement_file" not in errors:
        try:
            validate_upload(agreement_file, "agreement")
        except ValidationError as error:
            errors["agreement_file"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return {"topic": topic, "union_side": union_side, "employer_side": employer_side, "held_on": held_on,
            "agreement_reached": reached, "agreement_summary": summary, "workers_covered": workers,
            "valid_from": valid_from if reached else None, "valid_until": valid_until if reached else None}


@transaction.atomic
def negotiation_record(*, actor, enterprise, data: dict, agreement_file=None) -> CollectiveNegotiation:
    """Record a collective negotiation of an enterprise in the actor's subtree, with the signed agreement."""
    if not can_record_for(actor, enterprise):
        raise PermissionDenied("只能登记本组织及下级组织企业的集体协商。")
    values = _checked(data, agreement_file)
    negotiation = CollectiveNegotiation(enterprise=enterprise, organization=actor.organization or enterprise.district,
                                        recorded_by=actor, **values)
    negotiation.full_clean(exclude=["agreement_file"])
    if agreement_file:
        negotiation.agreement_file = agreement_file
    negotiation.save()
    audit_record(actor=actor, action="legal_aid.negotiation.recorded", target=negotiation,
                 organization=enterprise.district,
                 after={**{field: getattr(negotiation, field) for field in FIELDS},
                        "agreement_file": bool(negotiation.agreement_file)})
    return negotiation
