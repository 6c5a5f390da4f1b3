"""Hazards: reported → assigned → rectified (with evidence) → verified, or reopened; escalation when overdue."""
from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Enterprise
from apps.notifications.services import notify

from ..models import Hazard, HazardEscalation, HazardEvent, SupervisionVisit
from .common import city_of, message_key, require_enterprise, require_perm, staff_holding

S = Hazard.Status
# The one table of allowed moves.
TRANSITIONS: dict[str, set[str]] = {
    S.REPORTED: {S.ASSIGNED},
    S.ASSIGNED: {S.RECTIFIED},
    S.REOPENED: {S.RECTIFIED},
    S.RECTIFIED: {S.VERIFIED, S.REOPENED},
    S.VERIFIED: {S.REOPENED},
}
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PUBLIC_REPORTS_PER_HOUR = 5
PUBLIC_LOOKUPS_PER_HOUR = 30


def _new_reference() -> str:
    while True:
        reference = "YH" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        if not Hazard.objects.filter(reference=reference).exists():
            return reference


def _transition(hazard: Hazard, target: str) -> None:
    if target not in TRANSITIONS.get(hazard.status, set()):
        raise ValidationError(f"隐患当前为“{hazard.get_status_display()}”，不能{S(target).label}。")


def _locked(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().select_related("enterprise", "enterprise__district").get(pk=hazard.pk)


def _link(hazard: Hazard) -> str:
    return reverse("protection:hazard_detail", args=[hazard.pk])


def _create(*, enterprise: Enterprise, source: str, description: str, level: str = Hazard.Level.GENERAL,
            location: str = "", photo=None, reported_by=None, reporter_name: str = "", reporter_phone: str = "",
            inspection_answer=None, visit: SupervisionVisit | None = None) -> Hazard:
    now = timezone.now()
    hazard = Hazard(
        reference=_new_reference(), enterprise=enterprise, routed_to=enterprise.union or enterprise.district,
        source=source, level=level, location=location, description=description, reported_by=reported_by,
        reporter_name=reporter_name, reporter_phone=reporter_phone, inspection_answer=inspection_answer, visit=visit,
        reported_at=now, deadline=Hazard.deadline_for(level, timezone.localdate(now)),
    )
    if photo:
        hazard.photo = photo
    hazard.full_clean(exclude=["photo"])
    hazard.save()
    HazardEvent.objects.create(hazard=hazard, kind=HazardEvent.Kind.REPORTED, actor=reported_by,
                               note=Hazard.Source(source).label)
    return hazard


def _tell_handlers(hazard: Hazard, title: str) -> None:
    recipients = set(staff_holding(hazard.enterprise.district, "protection.handle_hazard").values_list("pk", flat=True))
    if hazard.routed_to_id != hazard.enterprise.district_id:
        recipients |= set(staff_holding(hazard.routed_to, "protection.rectify_hazard").values_list("pk", flat=True))
    notify(recipients=recipients, title=title, body=f"{hazard.enterprise.name}：{hazard.description[:80]}",
           link=_link(hazard), key=message_key(f"protection:hazard:{hazard.pk}:{title}"))


@transaction.atomic
def hazard_report_public(*, enterprise: Enterprise, description: str, location: str = "", photo=None,
                         reporter_name: str = "", reporter_phone: str = "") -> Hazard:
    """A worker's report through the public form, routed to the enterprise's union (else its district's)."""
    hazard = _create(enterprise=enterprise, source=Hazard.Source.PUBLIC, description=description, location=location,
                     photo=photo, reporter_name=reporter_name, reporter_phone=reporter_phone)
    audit_record(actor=None, action="protection.hazard.reported_public", target=hazard,
                 after={"enterprise": enterprise.pk, "reference": hazard.reference}, organization=hazard.routed_to)
    _tell_handlers(hazard, "收到职工举报的风险隐患")
    return hazard


@transaction.atomic
def hazard_raise(*, actor, enterprise: Enterprise, description: str, level: str, location: str = "", photo=None,
                 visit: SupervisionVisit | None = None) -> Hazard:
    """Staff record a hazard found during a supervision visit."""
    require_perm(actor, "protection.handle_hazard")
    require_enterprise(actor, enterprise)
    if visit is not None and visit.enterprise_id != enterprise.pk:
        raise ValidationError("隐患企业与监督检查的企业不一致。")
    hazard = _create(enterprise=enterprise, source=Hazard.Source.VISIT, description=description, level=level,
                     location=location, photo=photo, reported_by=actor, visit=visit)
    audit_record(actor=actor, action="protection.hazard.raised", target=hazard,
                 after={"level": level, "visit": visit.pk if visit else None})
    return hazard


@transaction.atomic
def hazard_assign(*, actor, hazard: Hazard, level: str, responsible_person: str, note: str = "") -> Hazard:
    """Confirm the level and hand the hazard to the enterprise with a person responsible and a deadline."""
    require_perm(actor, "protection.handle_hazard")
    hazard = _locked(hazard)
    require_enterprise(actor, hazard.enterprise)
    _transition(hazard, S.ASSIGNED)
    if level not in Hazard.Level.values:
        raise ValidationError({"level": "请选择隐患等级。"})
    if not responsible_person.strip():
        raise ValidationError({"responsible_person": "请填写整改责任人。"})
    before = {"status": hazard.status, "level": hazard.level, "deadline": str(hazard.deadline)}
    hazard.level, hazard.status = level, S.ASSIGNED
    hazard.responsible_person = responsible_person.strip()
    hazard.deadline = Hazard.deadline_for(level, timezone.localdate(hazard.reported_at))
    hazard.save(update_fields=["level", "status", "responsible_person", "deadline"])
    HazardEvent.objects.create(hazard=hazard, kind=HazardEvent.Kind.ASSIGNED, actor=actor,
                               note=f"{hazard.get_level_display()}隐患，责任人 {hazard.responsible_person}，"
                                    f"{hazard.deadline:%Y-%m-%d} 前整改。{note}".strip())
    audit_record(actor=actor, action="protection.hazard.assigned", target=hazard, before=before,
                 after={"status": hazard.status, "level": level, "deadline": str(hazard.deadline)})
    recipients = staff_holding(hazard.enterprise.union, "protection.rectify_hazard") if hazard.enterprise.union else []
    notify(recipients=recipients, title="请按期整改风险隐患",
           body=f"{hazard.enterprise.name}：{hazard.description[:80]}，期限 {hazard.deadline:%Y-%m-%d}",
           link=_link(hazard),
           key=message_key(f"protection:hazard:{hazard.pk}:assigned:{hazard.events.count()}"))
    return hazard


@transaction.atomic
def hazard_rectify(*, actor, hazard: Hazard, note: str, evidence) -> Hazard:
    """The enterprise reports the hazard removed; a photo of the result is the evidence."""
    require_perm(actor, "protection.rectify_hazard")
    hazard = _locked(hazard)
    require_enterprise(actor, hazard.enterprise)
    _transition(hazard, S.RECTIFIED)
    if not evidence:
        raise ValidationError({"evidence": "请上传整改后的现场照片作为证据。"})
    if not note.strip():
        raise ValidationError({"note": "请说明整改措施。"})
    before = {"status": hazard.status}
    now = timezone.now()
    hazard.status, hazard.rectified_by, hazard.rectified_at = S.RECTIFIED, actor, now
    hazard.save(update_fields=["status", "rectified_by", "rectified_at"])
    event = HazardEvent(hazard=hazard, kind=HazardEvent.Kind.RECTIFIED, actor=actor, note=note.strip())
    event.evidence = evidence
    event.save()
    audit_record(actor=actor, action="protection.hazard.rectified", target=hazard, before=before,
                 after={"status": hazard.status, "evidence": event.evidence.name})
    notify(recipients=staff_holding(hazard.enterprise.district, "protection.handle_hazard"),
           title="隐患已整改，请验收", body=f"{hazard.enterprise.name}：{hazard.description[:80]}",
           link=_link(hazard), key=message_key(f"protection:hazard:{hazard.pk}:rectified:{event.pk}"))
    return hazard


def hazard_verify(*, actor, hazard: Hazard, note: str = "") -> Hazard:
    """Another person checks the rectification and closes the hazard; the rectifier is refused (and audited)."""
    try:
        return _hazard_verify(actor=actor, hazard=hazard, note=note)
    except _RectifierRefused:
        # Recorded outside the rolled-back transaction, so the refusal stays in the trail.
        audit_record(actor=actor, action="protection.hazard.verify_refused", target=hazard, outcome="denied",
                     after={"reason": "rectifier"})
        raise PermissionDenied("整改人不能验收自己整改的隐患，请由其他工作人员验收。") from None


class _RectifierRefused(Exception):
    pass


@transaction.atomic
def _hazard_verify(*, actor, hazard: Hazard, note: str) -> Hazard:
    require_perm(actor, "protection.handle_hazard")
    hazard = _locked(hazard)
    require_enterprise(actor, hazard.enterprise)
    _transition(hazard, S.VERIFIED)
    if hazard.rectified_by_id == actor.pk:
        raise _RectifierRefused
    hazard.status, hazard.verified_by, hazard.verified_at = S.VERIFIED, actor, timezone.now()
    hazard.save(update_fields=["status", "verified_by", "verified_at"])
    HazardEvent.objects.create(hazard=hazard, kind=HazardEvent.Kind.VERIFIED, actor=actor, note=note.strip())
    audit_record(actor=actor, action="protection.hazard.verified", target=hazard, before={"status": S.RECTIFIED},
                 after={"status": hazard.status})
    return hazard


@transaction.atomic
def hazard_reopen(*, actor, hazard: Hazard, note: str) -> Hazard:
    """The rectification is not accepted (or the hazard came back): the enterprise must rectify again."""
    require_perm(actor, "protection.handle_hazard")
    hazard = _locked(hazard)
    require_enterprise(actor, hazard.enterprise)
    _transition(hazard, S.REOPENED)
    if not note.strip():
        raise ValidationError({"note": "请说明退回重新整改的原因。"})
    before = {"status": hazard.status}
    hazard.status, hazard.verified_by, hazard.verified_at = S.REOPENED, None, None
    hazard.save(update_fields=["status", "verified_by", "verified_at"])
    HazardEvent.objects.create(hazard=hazard, kind=HazardEvent.Kind.REOPENED, actor=actor, note=note.strip())
    audit_record(actor=actor, action="protection.hazard.reopened", target=hazard, before=before,
                 after={"status": hazard.status})
    recipients = staff_holding(hazard.enterprise.union, "protection.rectify_hazard") if hazard.enterprise.union else []
    notify(recipients=recipients, title="隐患整改未通过验收，请重新整改", body=note.strip()[:200],
           link=_link(hazard),
           key=message_key(f"protection:hazard:{hazard.pk}:reopened:{hazard.events.count()}"))
    return hazard


def hazards_escalate(*, today: date | None = None) -> int:
    """Escalate overdue hazards: to the county-level union, and for serious and major ones to the city.

    Each hazard reaches each step once (a unique row per step); running again sends nothing new.
    """
    from ..selectors import overdue_hazards

    today = today or timezone.localdate()
    sent = 0
    candidates = overdue_hazards(today).select_related("enterprise", "enterprise__district")
    for hazard in candidates.iterator(chunk_size=200):
        steps = [HazardEscalation.Step.COUNTY]
        if hazard.level in (Hazard.Level.SERIOUS, Hazard.Level.MAJOR):
            steps.append(HazardEscalation.Step.CITY)
        for step in steps:
            sent += _escalate_one(hazard_id=hazard.pk, step=step, today=today)
    return sent


@transaction.atomic
def _escalate_one(*, hazard_id: int, step: str, today: date) -> int:
    hazard = Hazard.objects.select_for_update().select_related("enterprise", "enterprise__district").get(pk=hazard_id)
    if not hazard.is_overdue(today) or HazardEscalation.objects.filter(hazard=hazard, step=step).exists():
        return 0
    district = hazard.enterprise.district
    organization = district if step == HazardEscalation.Step.COUNTY else city_of(district)
    if organization is None:
        return 0
    HazardEscalation.objects.create(hazard=hazard, step=step, organization=organization)
    label = HazardEscalation.Step(step).label
    HazardEvent.objects.create(hazard=hazard, kind=HazardEvent.Kind.ESCALATED,
                               note=f"超过整改期限 {hazard.deadline:%Y-%m-%d}，{label}。")
    audit_record(actor=None, action="protection.hazard.escalated", target=hazard, organization=organization,
                 after={"step": step, "deadline": str(hazard.deadline)})
    notify(recipients=staff_holding(organization, "protection.handle_hazard"),
           title=f"逾期隐患督办：{hazard.enterprise.name}",
           body=f"{hazard.get_level_display()}隐患“{hazard.description[:60]}”"
                f"已超过整改期限 {hazard.deadline:%Y-%m-%d}。",
           link=_link(hazard), key=message_key(f"protection:escalation:{hazard.pk}:{step}"))
    return 1
