"""Union dues deferral (工会经费缓缴): an enterprise's union applies, the county approves, reminders."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Enterprise, Organization
from apps.core.scoping import can_act_for
from apps.notifications.services import notify

from ..models import DuesDeferral
from .common import message_key, require_level, require_perm

D = DuesDeferral.Status
MAX_DEFERRAL = Decimal("100000000.00")
REMIND_DAYS = 7
_DECISIONS = {True: D.APPROVED, False: D.REJECTED}


def _enterprise_in_scope(user, enterprise: Enterprise) -> bool:
    return can_act_for(user, enterprise.union) or can_act_for(user, enterprise.district)


@transaction.atomic
def deferral_apply(*, actor, enterprise: Enterprise, period_start: date, period_end: date, deferred_until: date,
                   amount, reason: str) -> DuesDeferral:
    """An enterprise's union applies to defer its dues for a period (no overlapping open deferral)."""
    require_perm(actor, "subsidies.apply_deferral")
    if not _enterprise_in_scope(actor, enterprise):
        raise PermissionDenied("该企业不在您的管辖范围内。")
    errors = {}
    if not all(isinstance(d, date) for d in (period_start, period_end, deferred_until)):
        raise ValidationError("请填写完整的日期。")
    if period_end < period_start:
        errors["period_end"] = "所属期止不能早于所属期起。"
    if period_start.year < 2000 or period_end.year > 2100 or deferred_until.year > 2101:
        raise ValidationError({"period_start": "日期不在有效年份范围内（2000—2100年）。"})
    if deferred_until <= period_end:
        errors["deferred_until"] = "缓缴至日期须晚于所属期止。"
    elif deferred_until > period_end + timedelta(days=366):
        errors["deferred_until"] = "缓缴期限不能超过所属期止后一年（与税务缓缴期限一致）。"
    try:
        value = Decimal(str(amount))
        if isinstance(amount, float) or not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["amount"] = "缓缴金额不是有效的数字。"
    else:
        if value <= 0:
            errors["amount"] = "缓缴金额必须大于零。"
        elif value > MAX_DEFERRAL:
            errors["amount"] = "缓缴金额过大。"
        elif value != value.quantize(Decimal("0.01")):
            errors["amount"] = "缓缴金额最多精确到分。"
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        errors["reason"] = "请填写申请理由（不超过300个字）。"
    if errors:
        raise ValidationError(errors)
    Enterprise.objects.select_for_update(of=("self",)).get(pk=enterprise.pk)
    overlapping = DuesDeferral.objects.filter(enterprise=enterprise, status__in=[D.SUBMITTED, D.APPROVED],
                                              period_start__lte=period_end, period_end__gte=period_start)
    if overlapping.exists():
        raise ValidationError({"period_start": "该企业在这一所属期已有待审批或已批准的缓缴申请。"})
    district = enterprise.district.county or enterprise.district
    deferral = DuesDeferral(enterprise=enterprise, district=district, period_start=period_start,
                            period_end=period_end, deferred_until=deferred_until,
                            amount=value.quantize(Decimal("0.01")), reason=reason, applied_by=actor)
    deferral.full_clean()
    deferral.save()
    audit_record(actor=actor, action="subsidies.deferral.applied", target=deferral,
                 after={"amount": str(deferral.amount), "until": deferred_until}, organization=district)
    return deferral


def _lock(deferral: DuesDeferral) -> DuesDeferral:
    return (DuesDeferral.objects.select_for_update(of=("self",)).select_related("enterprise", "district", "applied_by")
            .get(pk=deferral.pk))


@transaction.atomic
def deferral_decide(*, actor, deferral: DuesDeferral, approve: bool, comment: str = "") -> DuesDeferral:
    """The county-level union approves or turns down a deferral."""
    require_perm(actor, "subsidies.approve_deferral")
    require_level(actor, Organization.Type.COUNTY, Organization.Type.CITY,
                  message="缓缴须由县（市、区）总工会审批。")
    deferral = _lock(deferral)
    if not can_act_for(actor, deferral.district):
        raise PermissionDenied("该申请不在您的管辖范围内。")
    if actor.pk == deferral.applied_by_id:
        raise PermissionDenied("不能审批本人提交的申请。")
    if deferral.status != D.SUBMITTED:
        raise ValidationError(f"当前状态为“{deferral.get_status_display()}”，不能审批。")
    comment = (comment or "").strip()[:300]
    if not approve and not comment:
        raise ValidationError({"comment": "请填写不予批准的理由。"})
    deferral.status, deferral.comment = _DECISIONS[bool(approve)], comment
    deferral.reviewed_by, deferral.reviewed_at = actor, timezone.now()
    deferral.save(update_fields=["status", "comment", "reviewed_by", "reviewed_at"])
    audit_record(actor=actor, action="subsidies.deferral.decided", target=deferral,
                 before={"status": D.SUBMITTED}, after={"status": deferral.status}, organization=deferral.district)
    notify(recipients=[deferral.applied_by], title=f"工会经费缓缴申请{deferral.get_status_display()}",
           link=reverse("subsidies:deferral_detail", args=[deferral.pk]),
           key=message_key(f"deferral-decided:{deferral.pk}"))
    return deferral


@transaction.atomic
def deferral_settle(*, actor, deferral: DuesDeferral) -> DuesDeferral:
    """The deferred dues have been paid in."""
    deferral = _lock(deferral)
    allowed = ((actor.has_perm("subsidies.approve_deferral") and can_act_for(actor, deferral.district))
               or (actor.has_perm("subsidies.apply_deferral") and _enterprise_in_scope(actor, deferral.enterprise)))
    if not allowed:
        raise PermissionDenied("没有权限进行此操作。")
    if deferral.status != D.APPROVED:
        raise ValidationError("只有已批准的缓缴可以登记补缴。")
    deferral.status = D.SETTLED
    deferral.save(update_fields=["status"])
    audit_record(actor=actor, action="subsidies.deferral.settled", target=deferral, organization=deferral.district)
    return deferral


@transaction.atomic
def deferral_remind_due(*, today: date | None = None) -> int:
    """Remind the applicant of each approved deferral falling due within a week, once."""
    today = today or timezone.localdate()
    due = list(DuesDeferral.objects.select_for_update(skip_locked=True).filter(
        status=D.APPROVED, reminded_at__isnull=True, deferred_until__gte=today,
        deferred_until__lte=today + timedelta(days=REMIND_DAYS)).select_related("enterprise", "applied_by"))
    now = timezone.now()
    for deferral in due:
        notify(recipients=[deferral.applied_by],
               title=f"{deferral.enterprise.name} 缓缴的工会经费 {deferral.amount} 元将于 "
                     f"{deferral.deferred_until:%Y年%m月%d日} 到期，请按时补缴",
               link=reverse("subsidies:deferral_detail", args=[deferral.pk]),
               key=message_key(f"deferral-due:{deferral.pk}"))
        deferral.reminded_at = now
        deferral.save(update_fields=["reminded_at"])
    return len(due)
