"""Labour disputes: record, correct, move through the transition table, and alert the county-level union
and the city at once when a dispute is collective or reaches the city's major-dispute thresholds."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.notifications.services import notify

from ..models import (
    COLLECTIVE_MIN_WORKERS,
    MAX_WORKERS,
    DisputeAlert,
    DisputeProgress,
    DisputeThresholds,
    LabourDispute,
)
from ..permissions import can_record_for, sets_dispute_thresholds
from .common import _key, county_and_city_staff

S = LabourDispute.Status
R = DisputeAlert.Reason

# 登记 → 调处中 → 已调解 / 转仲裁 / 转诉讼 → 已结. A non-final arbitration award may still be taken to court,
# hence 转仲裁 → 转诉讼. Nothing leaves 已结.
DISPUTE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.REGISTERED: (S.MEDIATING,),
    S.MEDIATING: (S.MEDIATED, S.ARBITRATION, S.LITIGATION),
    S.MEDIATED: (S.CLOSED,),
    S.ARBITRATION: (S.LITIGATION, S.CLOSED),
    S.LITIGATION: (S.CLOSED,),
    S.CLOSED: (),
}
EDITABLE = ("dispute_type", "epidemic_related", "workers_involved", "amount", "collective", "occurred_on",
            "description")
MAX_AMOUNT = Decimal("999999999999.99")  # 14 digits, 2 after the point


def collective_by_rule(workers_involved: int) -> bool:
    """The national rule: ten or more workers with a common claim make a collective labour dispute."""
    return workers_involved >= COLLECTIVE_MIN_WORKERS


def dispute_thresholds() -> DisputeThresholds:
    """The city's row, or the defaults (30 people, 500,000 元) while nobody has saved one."""
    return DisputeThresholds.objects.filter(pk=1).first() or DisputeThresholds()


def _as_int(value):
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_decimal(value):
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except (InvalidOperation, ValueError):
        return None


def _checked(data: dict) -> dict:
    """The editable fields, checked here whatever form (or script) sent them; errors keyed by field."""
    errors: dict[str, str] = {}
    dispute_type = data.get("dispute_type") or ""
    if dispute_type not in LabourDispute.Type.values:
        errors["dispute_type"] = "请选择争议类型。"
    workers = _as_int(data.get("workers_involved"))
    if workers is None:
        errors["workers_involved"] = "请填写涉及职工人数。"
    elif workers < 1:
        errors["workers_involved"] = "涉及职工人数至少为 1 人。"
    elif workers > MAX_WORKERS:
        errors["workers_involved"] = "涉及职工人数不能超过 1,000,000。"
    amount = _as_decimal(data.get("amount"))
    if amount is None or not amount.is_finite():
        errors["amount"] = "请填写有效的金额。"
    elif amount < 0:
        errors["amount"] = "涉及金额不能为负数。"
    elif amount > MAX_AMOUNT:
        errors["amount"] = "金额过大。"
    occurred_on = data.get("occurred_on")
    if not isinstance(occurred_on, date):
        errors["occurred_on"] = "请填写发生日期。"
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = "发生日期不能晚于今天。"
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = "请填写争议情况。"
    elif len(description) > 4000:
        errors["description"] = "争议情况不能超过 4000 字。"
    if errors:
        raise ValidationError(errors)
    return {
        "dispute_type": dispute_type, "epidemic_related": bool(data.get("epidemic_related")),
        "workers_involved": workers, "amount": amount.quantize(Decimal("0.01")),
        "collective": bool(data.get("collective")) or collective_by_rule(workers),
        "occurred_on": occurred_on, "description": description,
    }


def _snapshot(dispute: LabourDispute, fields) -> dict:
    return {field: getattr(dispute, field) for field in fields}


def _locked(pk: int) -> LabourDispute:
    return LabourDispute.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "enterprise__district", "enterprise__union").get(pk=pk)


@transaction.atomic
def dispute_record(*, actor, enterprise, data: dict) -> LabourDispute:
    """Record a dispute of an enterprise in the actor's subtree; a collective or major one alerts at once."""
    if not can_record_for(actor, enterprise):
        raise PermissionDenied("只能登记本组织及下级组织企业的劳动争议。")
    values = _checked(data)
    dispute = LabourDispute(enterprise=enterprise, organization=actor.organization or enterprise.district,
                            recorded_by=actor, **values)
    dispute.full_clean()
    dispute.save()
    DisputeProgress.objects.create(dispute=dispute, happened_on=timezone.localdate(), note="登记争议。",
                                   status_after=S.REGISTERED, author=actor)
    audit_record(actor=actor, action="legal_aid.dispute.recorded", target=dispute,
                 organization=enterprise.district, after=_snapshot(dispute, EDITABLE))
    dispute_alert(dispute=dispute)
    return dispute


@transaction.atomic
def dispute_update(*, actor, dispute: LabourDispute, data: dict) -> LabourDispute:
    """Correct the facts of an open dispute; an edit that makes it collective or major alerts at once."""
    dispute = _locked(dispute.pk)
    if not can_record_for(actor, dispute.enterprise):
        raise PermissionDenied("只能修改本组织及下级组织企业的劳动争议。")
    if dispute.status == S.CLOSED:
        raise ValidationError("该争议已结，不能再修改。")
    values = _checked(data)
    first_step = dispute.progress.order_by("happened_on").values_list("happened_on", flat=True).first()
    if first_step and values["occurred_on"] > first_step:
        raise ValidationError({"occurred_on": "发生日期不能晚于已记录的处理进展日期。"})
    before = _snapshot(dispute, EDITABLE)
    changed = [field for field, value in values.items() if before[field] != value]
    for field in changed:
        setattr(dispute, field, values[field])
    if changed:
        dispute.full_clean()
        dispute.save(update_fields=changed)
        audit_record(actor=actor, action="legal_aid.dispute.changed", target=dispute,
                     organization=dispute.enterprise.district,
                     before={field: before[field] for field in changed},
                     after={field: values[field] for field in changed})
    dispute_alert(dispute=dispute)
    return dispute


@transaction.atomic
def dispute_progress(*, actor, dispute: LabourDispute, happened_on, note: str, to_status: str = "",
                     resolution: str = "") -> DisputeProgress:
    """A dated progress entry, moving the status when ``to_status`` is an allowed next step."""
    dispute = _locked(dispute.pk)
    if not can_record_for(actor, dispute.enterprise):
        raise PermissionDenied("只能处理本组织及下级组织企业的劳动争议。")
    if dispute.status == S.CLOSED:
        raise ValidationError({"note": "该争议已结，不能再添加进展。"})
    errors: dict[str, str] = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = "请填写进展情况。"
    elif len(note) > 2000:
        errors["note"] = "进展情况不能超过 2000 字。"
    if not isinstance(happened_on, date):
        errors["happened_on"] = "请填写日期。"
    elif happened_on > timezone.localdate():
        errors["happened_on"] = "进展日期不能晚于今天。"
    elif happened_on < dispute.occurred_on:
        errors["happened_on"] = "进展日期不能早于争议发生日期。"
    else:
        registered_on = dispute.progress.order_by("happened_on").values_list("happened_on", flat=True).first()
        if registered_on and happened_on < registered_on:
            errors["happened_on"] = f"进展日期不能早于登记日期（{registered_on:%Y-%m-%d}）。"
    to_status = to_status or ""
    if to_status and to_status not in DISPUTE_TRANSITIONS[dispute.status]:
        label = S(to_status).label if to_status in S.values else to_status
        errors["to_status"] = f"争议当前为「{dispute.get_status_display()}」，不能转为「{label}」。"
    resolution = (resolution or "").strip()
    if len(resolution) > 2000:
        errors["resolution"] = "处理结果不能超过 2000 字。"
    elif to_status == S.CLOSED and not (resolution or dispute.resolution):
        errors["resolution"] = "结案时请填写处理结果。"
    if errors:
        raise ValidationError(errors)
    before = dispute.status
    fields = []
    if to_status:
        dispute.status = to_status
        fields.append("status")
    if to_status == S.CLOSED:
        dispute.closed_at = timezone.now()
        fields.append("closed_at")
    if resolution:
        dispute.resolution = resolution
        fields.append("resolution")
    if fields:
        dispute.save(update_fields=fields)
    entry = DisputeProgress.objects.create(dispute=dispute, happened_on=happened_on, note=note,
                                           status_before=before if to_status else "", status_after=to_status,
                                           author=actor)
    audit_record(actor=actor, action="legal_aid.dispute.moved" if to_status else "legal_aid.dispute.progress",
                 target=dispute, organization=dispute.enterprise.district,
                 before={"status": before}, after={"status": dispute.status, "progress": entry.pk})
    return entry


def major_reasons(dispute: LabourDispute, thresholds: DisputeThresholds) -> list[tuple[str, str]]:
    """Why a dispute must be reported at once: (reason, a sentence a clerk reads)."""
    reasons = []
    if dispute.collective:
        reasons.append((R.COLLECTIVE, f"集体劳动争议，涉及 {dispute.workers_involved} 名职工"))
    if dispute.workers_involved >= thresholds.major_workers:
        reasons.append((R.WORKERS, f"涉及 {dispute.workers_involved} 人，"
                                   f"达到 {thresholds.major_workers} 人的重大争议标准"))
    if dispute.amount >= thresholds.major_amount:
        reasons.append((R.AMOUNT, f"涉及金额 {dispute.amount:,.2f} 元，"
                                  f"达到 {thresholds.major_amount:,.0f} 元的重大争议标准"))
    return reasons


@transaction.atomic
def dispute_alert(*, dispute: LabourDispute) -> list[DisputeAlert]:
    """Tell the county-level union's and the city's dispute staff at once, one alert per dispute and reason.

    Safe to call again or from two places at once: the dispute row is locked, and a reason already
    alerted has its unique ``DisputeAlert`` row, so nothing is sent twice.
    """
    dispute = _locked(dispute.pk)
    sent = set(dispute.alerts.values_list("reason", flat=True))
    due = [(reason, detail) for reason, detail in major_reasons(dispute, dispute_thresholds()) if reason not in sent]
    if not due:
        return []
    recipients = county_and_city_staff(dispute.enterprise.district, codename="record_dispute")
    now = timezone.now()
    created = []
    for reason, detail in due:
        try:
            with transaction.atomic():
                created.append(DisputeAlert.objects.create(dispute=dispute, reason=reason, detail=detail,
                                                           recipients=len(recipients), sent_at=now))
        except IntegrityError:  # the unique row is the guarantee should the lock ever be bypassed
            continue
    if not created:
        return []
    reasons = [alert.reason for alert in created]
    labels = "、".join(alert.get_reason_display() for alert in created)
    notify(recipients=recipients, title=f"劳动争议预警：{dispute.enterprise.name}（{labels}）",
           body="；".join(alert.detail for alert in created)
                + f"。争议类型：{dispute.get_dispute_type_display()}；发生日期：{dispute.occurred_on:%Y-%m-%d}。",
           link=reverse("legal_aid:dispute_detail", args=[dispute.pk]),
           key=_key(f"legal-dispute-{dispute.pk}-{'+'.join(sorted(reasons))}"))
    audit_record(actor=None, action="legal_aid.dispute.alerted", target=dispute,
                 organization=dispute.enterprise.district, after={"reasons": reasons, "recipients": len(recipients)})
    return created


@transaction.atomic
def thresholds_set(*, actor, major_workers, major_amount) -> DisputeThresholds:
    """The city changes the major-dispute thresholds (they apply from the next record or edit)."""
    if not sets_dispute_thresholds(actor):
        raise PermissionDenied("只有市总工会可以修改重大劳动争议标准。")
    errors: dict[str, str] = {}
    workers = _as_int(major_workers)
    if workers is None or not 1 <= workers <= MAX_WORKERS:
        errors["major_workers"] = "人数标准须在 1 到 1,000,000 之间。"
    amount = _as_decimal(major_amount)
    if amount is None or not amount.is_finite() or not Decimal(1) <= amount <= MAX_AMOUNT:
        errors["major_amount"] = "金额标准须为 1 元以上的有效金额。"
    if errors:
        raise ValidationError(errors)
    DisputeThresholds.objects.get_or_create(pk=1)
    row = DisputeThresholds.objects.select_for_update().get(pk=1)
    before = {"major_workers": row.major_workers, "major_amount": row.major_amount}
    row.major_workers, row.major_amount = workers, amount.quantize(Decimal("0.01"))
    row.updated_by, row.updated_at = actor, timezone.now()
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="legal_aid.dispute_thresholds.changed", target=row, before=before,
                 after={"major_workers": row.major_workers, "major_amount": row.major_amount})
    return row
