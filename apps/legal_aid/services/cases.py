"""Legal-aid cases (法律援助绿色通道): apply, accept or decline, assign a lawyer, record dated stage
entries, close with an outcome; the worker may withdraw before acceptance.

Every transition is one function below, atomic, locking the case row first, audited
(``legal_aid.case.<event>``), and allowed only by ``CASE_TRANSITIONS``.
"""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role, user_has_role
from apps.core.audit import audit_record
from apps.core.consent import consent_errors
from apps.core.models import Enterprise, Organization
from apps.core.registry import membership
from apps.core.scoping import can_act_for
from apps.core.services import consent_record, consent_withdraw
from apps.core.validators import normalize_mobile
from apps.notifications.services import notify

from ..consents import CASE_APPLICATION
from ..models import (
    MAX_CASE_AMOUNT,
    MAX_WORKERS_INVOLVED,
    STAGE_ORDER,
    CaseEntry,
    CaseNumberSequence,
    CaseStage,
    Consultation,
    ConsultationCategory,
    LegalAidCase,
)
from ..permissions import is_case_lawyer, is_case_staff
from .common import _clean_text, _key

CS = LegalAidCase.Status
# The one table of allowed moves: action → {from status: to status}.
CASE_TRANSITIONS: dict[str, dict[str, str]] = {
    "accept": {CS.SUBMITTED: CS.ACCEPTED},
    "decline": {CS.SUBMITTED: CS.DECLINED},
    "withdraw": {CS.SUBMITTED: CS.WITHDRAWN},
    "green_channel": {CS.SUBMITTED: CS.SUBMITTED, CS.ACCEPTED: CS.ACCEPTED},
    "assign": {CS.ACCEPTED: CS.ACCEPTED},
    "record_stage": {CS.ACCEPTED: CS.ACCEPTED},
    "close": {CS.ACCEPTED: CS.CLOSED},
}
# Stages a dated entry may record while the case runs; closing has its own service.
RUNNING_STAGES = [CaseStage.CONSULTATION, CaseStage.MEDIATION, CaseStage.ARBITRATION, CaseStage.LITIGATION]
COUNTY_TYPES = (Organization.Type.COUNTY, Organization.Type.INDUSTRY)


def _case_move(case: LegalAidCase, action: str) -> str:
    target = CASE_TRANSITIONS[action].get(case.status)
    if target is None:
        if action == "accept" and case.case_number:
            raise ValidationError(f"该申请已受理（案号 {case.case_number}），不能重复受理。")
        raise ValidationError(f"案件当前状态为「{case.get_status_display()}」，不能进行此操作。")
    return target


def _case_locked(case_id: int) -> LegalAidCase:
    return LegalAidCase.objects.select_for_update().get(pk=case_id)


def _case_link(case: LegalAidCase) -> str:
    return reverse("legal_aid:case_detail", args=[case.pk])


def _require_case_staff(actor, case: LegalAidCase) -> None:
    if not (is_case_staff(actor) and can_act_for(actor, case.organization)):
        raise PermissionDenied("只能办理本组织及下级组织的法律援助案件。")
    if actor.pk == case.worker_id:
        raise PermissionDenied("不能办理本人申请的法律援助案件。")


def _require_case_handler(actor, case: LegalAidCase) -> None:
    """The assigned volunteer lawyer, or legal-department staff of the case's subtree."""
    if case.lawyer_id == actor.pk and is_case_lawyer(actor):
        return
    _require_case_staff(actor, case)


def case_money(value, *, field: str, label: str) -> Decimal:
    """An amount in yuan, zero or more, exact to the fen, at most ten million (floats refused: not exact)."""
    if value is None or value == "":
        raise ValidationError({field: f"请填写{label}。"})
    if isinstance(value, (float, bool)):
        raise ValidationError({field: f"{label}必须以精确的小数表示。"})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}不是有效的数字。"}) from None
    if not amount.is_finite():
        raise ValidationError({field: f"{label}不是有效的数字。"})
    if amount < 0:
        raise ValidationError({field: f"{label}不能为负数。"})
    if amount > MAX_CASE_AMOUNT:
        raise ValidationError({field: f"{label}不能超过 {MAX_CASE_AMOUNT:,.0f} 元，请核对是否多输了位数。"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label}最多精确到分（两位小数）。"})
    return amount.quantize(Decimal("0.01"))


def green_channel_for(*, is_migrant_worker: bool, is_needy_worker: bool, is_epidemic_related: bool,
                      needy_confirmed: bool | None = None) -> bool:
    """Migrant workers, needy workers (unless staff found the declaration untrue) and epidemic-related
    disputes take the green channel."""
    needy = bool(is_needy_worker) and needy_confirmed is not False
    return bool(is_migrant_worker) or needy or bool(is_epidemic_related)


def _computed_green(case: LegalAidCase) -> bool:
    return green_channel_for(is_migrant_worker=case.is_migrant_worker, is_needy_worker=case.is_needy_worker,
                             is_epidemic_related=case.is_epidemic_related, needy_confirmed=case.needy_confirmed)


def _apply_green(case: LegalAidCase, *, green: bool | None, reason: str) -> None:
    """Staff confirm the computed green channel, or override it with a reason."""
    reason = (reason or "").strip()
    computed = _computed_green(case)
    wanted = computed if green is None else bool(green)
    if len(reason) > 300:
        raise ValidationError({"green_reason": "理由不能超过 300 字。"})
    if wanted == computed:
        case.green_channel_overridden, case.green_channel_reason = False, ""
    else:
        keeps_override = case.green_channel_overridden and wanted == case.green_channel
        if not reason and not keeps_override:
            raise ValidationError({"green_reason": "与申报情况不一致地调整绿色通道时，请写明理由。"})
        case.green_channel_overridden = True
        case.green_channel_reason = reason or case.green_channel_reason
    case.green_channel = wanted


def _valid_lawyer(lawyer) -> None:
    if lawyer is None or not lawyer.is_active or not user_has_role(lawyer, Role.VOLUNTEER_LAWYER):
        raise ValidationError({"lawyer": "请选择一位在册的志愿律师。"})


def _next_case_number(year: int) -> str:
    """焦工援〔2026〕0001: the year's row is created once (a concurrent insert is ignored), then locked."""
    CaseNumberSequence.objects.bulk_create([CaseNumberSequence(year=year)], ignore_conflicts=True)
    sequence = CaseNumberSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"焦工援〔{year}〕{sequence.last:04d}"


def _last_entry_date(case: LegalAidCase) -> date | None:
    return case.entries.order_by("-happened_on").values_list("happened_on", flat=True).first()


def _check_entry_date(case: LegalAidCase, happened_on, *, field: str) -> date:
    if not isinstance(happened_on, date):
        raise ValidationError({field: "请填写日期。"})
    if happened_on > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天。"})
    previous = _last_entry_date(case)
    if previous is not None and happened_on < previous:
        raise ValidationError({field: f"日期不能早于上一条进展的日期（{previous:%Y-%m-%d}）。"})
    return happened_on


def _entry(case: LegalAidCase, *, stage: str, happened_on: date, body: str, author,
           request_key: uuid.UUID | None = None) -> CaseEntry:
    return CaseEntry.objects.create(case=case, stage=stage, happened_on=happened_on, body=body, author=author,
                                    created_at=timezone.now(), request_key=request_key)


def _lawyer_name(user) -> str:
    return (user.real_name or user.username) if user else ""


# --- the worker ------------------------------------------------------------------------------------

@transaction.atomic
def case_apply(*, worker, category: ConsultationCategory, opponent_name: str, facts: str, contact_phone: str,
               amount_claimed, workers_involved: int = 1, is_migrant_worker: bool = False,
               is_needy_worker: bool = False, is_epidemic_related: bool = False,
               district: Organization | None = None, consultation: Consultation | None = None,
               attachment=None, sensitive_consent: bool) -> LegalAidCase:
    """A signed-in worker applies for legal aid for themselves; the green channel follows their circumstances.

    Needs their separate consent to process the dispute and their circumstances (PIPL art. 29), recorded with it.
    """
    from django.contrib.auth import get_user_model

    if not getattr(worker, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    errors: dict[str, str] = {}
    if category is None:
        errors["category"] = "请选择纠纷类型。"
    opponent_name = " ".join((opponent_name or "").split())
    if not opponent_name:
        errors["opponent_name"] = "请填写对方当事人（单位名称或个人姓名）。"
    elif len(opponent_name) > 120:
        errors["opponent_name"] = "对方当事人不能超过 120 字。"
    try:
        facts = _clean_text(facts, field="facts", label="纠纷经过")
        if len(facts) < 10:
            errors["facts"] = "请把纠纷经过写得具体些（至少 10 个字）。"
    except ValidationError as error:
        errors.update({key: value[0] for key, value in error.message_dict.items()})
    try:
        contact_phone = normalize_mobile(contact_phone or "")
    except ValidationError as error:
        errors["contact_phone"] = error.messages[0]
    try:
        amount_claimed = case_money(amount_claimed, field="amount_claimed", label="请求金额")
    except ValidationError as error:
        errors.update({key: value[0] for key, value in error.message_dict.items()})
    if isinstance(workers_involved, bool) or not isinstance(workers_involved, int) \
            or not 1 <= workers_involved <= MAX_WORKERS_INVOLVED:
        errors["workers_involved"] = f"涉及职工人数应在 1 到 {MAX_WORKERS_INVOLVED:,} 之间。"
    if consultation is not None and consultation.worker_id != worker.pk:
        errors["consultation"] = "只能关联您本人的法律咨询。"
    organization = membership.union_of(worker)
    if organization is None:
        if district is None or district.org_type not in COUNTY_TYPES:
            errors["district"] = "请选择您所在的县（市、区）总工会。"
        organization = district
    errors.update(consent_errors(sensitive_consent))
    if errors:
        raise ValidationError(errors)
    # One pending application against the same party: a resent form does not file twice.
    get_user_model().objects.select_for_update().filter(pk=worker.pk).first()
    if LegalAidCase.objects.filter(worker=worker, opponent_name=opponent_name, status=CS.SUBMITTED).exists():
        raise ValidationError({"opponent_name": "您对该当事人已有一份待受理的法律援助申请，请等待工会受理。"})
    matches = list(Enterprise.objects.filter(name=opponent_name).values_list("pk", flat=True)[:2])
    case = LegalAidCase(
        worker=worker, organization=organization, consultation=consultation, category=category,
        contact_phone=contact_phone, opponent_name=opponent_name,
        opponent_enterprise_id=matches[0] if len(matches) == 1 else None,
        amount_claimed=amount_claimed, workers_involved=workers_involved,
        is_migrant_worker=bool(is_migrant_worker), is_needy_worker=bool(is_needy_worker),
        is_epidemic_related=bool(is_epidemic_related), facts=facts, submitted_at=timezone.now())
    case.green_channel = _computed_green(case)
    if attachment:
        case.attachment = attachment
    case.full_clean(exclude=["attachment"])
    case.save()
    consent_record(subject=worker, purpose=CASE_APPLICATION, given=sensitive_consent, target=case)
    audit_record(actor=worker, action="legal_aid.case.submitted", target=case, organization=organization,
                 after={"green_channel": case.green_channel, "amount_claimed": case.amount_claimed})
    return case


@transaction.atomic
def case_withdraw(*, worker, case: LegalAidCase) -> LegalAidCase:
    """The worker withdraws an application not yet accepted."""
    case = _case_locked(case.pk)
    if case.worker_id != worker.pk:
        raise PermissionDenied("只能撤回本人的申请。")
    case.status = _case_move(case, "withdraw")
    case.withdrawn_at = timezone.now()
    case.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(actor=worker, action="legal_aid.case.withdrawn", target=case, organization=case.organization,
                 before={"status": CS.SUBMITTED}, after={"status": case.status})
    consent_withdraw(subject=worker, purpose=CASE_APPLICATION, target=case)
    return case


# --- the legal department --------------------------------------------------------------------------

@transaction.atomic
def case_accept(*, actor, case: LegalAidCase, green_channel: bool | None = None, green_reason: str = "",
                needy_confirmed: bool | None = None, lawyer=None) -> LegalAidCase:
    """Accept an application: a case number of the year, the green channel confirmed or overridden with a
    reason, optionally the lawyer. Accepting twice is refused (one number per case)."""
    case = _case_locked(case.pk)
    _require_case_staff(actor, case)
    target = _case_move(case, "accept")
    if lawyer is not None:
        _valid_lawyer(lawyer)
    if case.is_needy_worker and needy_confirmed is not None:
        case.needy_confirmed = bool(needy_confirmed)
    before = {"status": case.status, "green_channel": case.green_channel}
    _apply_green(case, green=green_channel, reason=green_reason)
    now = timezone.now()
    case.case_number = _next_case_number(timezone.localdate().year)
    case.status, case.stage = target, CaseStage.CONSULTATION
    case.accepted_at = case.decided_at = now
    case.decided_by = actor
    case.lawyer = lawyer
    case.save(update_fields=["case_number", "status", "stage", "accepted_at", "decided_at", "decided_by", "lawyer",
                             "needy_confirmed", "green_channel", "green_channel_overridden",
                             "green_channel_reason", "updated_at"])
    body = f"受理法律援助申请，案号 {case.case_number}" + ("，走绿色通道优先办理" if case.green_channel else "") + "。"
    if lawyer is not None:
        body += f"指派{_lawyer_name(lawyer)}承办。"
    _entry(case, stage=CaseStage.CONSULTATION, happened_on=timezone.localdate(), body=body, author=actor)
    audit_record(actor=actor, action="legal_aid.case.accepted", target=case, organization=case.organization,
                 before=before, after={"status": case.status, "case_number": case.case_number,
                                       "green_channel": case.green_channel, "lawyer": case.lawyer_id})
    notify(recipients=[case.worker_id], title="您的法律援助申请已受理",
           body=f"案号 {case.case_number}。" + (f"承办律师：{_lawyer_name(lawyer)}。" if lawyer else ""),
           link=_case_link(case), key=_key(f"case-{case.pk}-accepted"))
    if lawyer is not None:
        _notify_lawyer(case, lawyer)
    return case


@transaction.atomic
def case_decline(*, actor, case: LegalAidCase, reason: str) -> LegalAidCase:
    """Decline an application; the worker is told why."""
    case = _case_locked(case.pk)
    _require_case_staff(actor, case)
    target = _case_move(case, "decline")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "不予受理时请写明理由。"})
    if len(reason) > 500:
        raise ValidationError({"reason": "理由不能超过 500 字。"})
    case.status = target
    case.decline_reason = reason
    case.decided_at, case.decided_by = timezone.now(), actor
    case.save(update_fields=["status", "decline_reason", "decided_at", "decided_by", "updated_at"])
    audit_record(actor=actor, action="legal_aid.case.declined", target=case, organization=case.organization,
                 before={"status": CS.SUBMITTED}, after={"status": case.status, "reason": reason})
    notify(recipients=[case.worker_id], title="您的法律援助申请未予受理", body=f"理由：{reason}",
           link=_case_link(case), key=_key(f"case-{case.pk}-declined"))
    return case


@transaction.atomic
def case_set_green_channel(*, actor, case: LegalAidCase, green_channel: bool, reason: str = "",
                           needy_confirmed: bool | None = None) -> LegalAidCase:
    """Confirm or override the green channel (with a reason when it departs from the worker's circumstances)."""
    case = _case_locked(case.pk)
    _require_case_staff(actor, case)
    _case_move(case, "green_channel")
    before = {"green_channel": case.green_channel, "needy_confirmed": case.needy_confirmed}
    if case.is_needy_worker and needy_confirmed is not None:
        case.needy_confirmed = bool(needy_confirmed)
    _apply_green(case, green=green_channel, reason=reason)
    case.save(update_fields=["green_channel", "green_channel_overridden", "green_channel_reason",
                             "needy_confirmed", "updated_at"])
    audit_record(actor=actor, action="legal_aid.case.green_channel_set", target=case,
                 organization=case.organization, before=before,
                 after={"green_channel": case.green_channel, "needy_confirmed": case.needy_confirmed,
                        "reason": case.green_channel_reason})
    return case


def _notify_lawyer(case: LegalAidCase, lawyer) -> None:
    notify(recipients=[lawyer.pk], title=f"您有一件新分派的法律援助案件：{case.case_number}",
           body=f"纠纷类型：{case.category.name}；对方当事人：{case.opponent_name}。",
           link=_case_link(case), key=_key(f"case-{case.pk}-lawyer-{lawyer.pk}"))


@transaction.atomic
def case_assign(*, actor, case: LegalAidCase, lawyer) -> LegalAidCase:
    """Assign (or change) the volunteer lawyer of an accepted case."""
    case = _case_locked(case.pk)
    _require_case_staff(actor, case)
    _case_move(case, "assign")
    _valid_lawyer(lawyer)
    if case.lawyer_id == lawyer.pk:
        return case  # already theirs: a resent form changes nothing and tells nobody twice
    before = case.lawyer_id
    case.lawyer = lawyer
    case.save(update_fields=["lawyer", "updated_at"])
    audit_record(actor=actor, action="legal_aid.case.assigned", target=case, organization=case.organization,
                 before={"lawyer": before}, after={"lawyer": lawyer.pk})
    _notify_lawyer(case, lawyer)
    return case


# --- the case's progress ---------------------------------------------------------------------------

@transaction.atomic
def case_record_stage(*, actor, case: LegalAidCase, stage: str, happened_on: date, body: str,
                      request_key: uuid.UUID | None = None) -> CaseEntry:
    """A dated entry of the case's progress by the lawyer or staff; the stage moves forward, never back."""
    case = _case_locked(case.pk)
    _require_case_handler(actor, case)
    if request_key is not None:
        # Read after the lock: a concurrent copy of the same form has committed its entry by now.
        done = CaseEntry.objects.filter(request_key=request_key, case_id=case.pk).first()
        if done is not None:
            return done  # the same form sent again
    _case_move(case, "record_stage")
    if stage not in RUNNING_STAGES:
        raise ValidationError({"stage": "请选择阶段（结案请使用“结案”）。"})
    if case.stage and STAGE_ORDER[stage] < STAGE_ORDER[case.stage]:
        raise ValidationError({"stage": f"案件已进入「{case.get_stage_display()}」阶段，不能退回到"
                                        f"「{CaseStage(stage).label}」。"})
    happened_on = _check_entry_date(case, happened_on, field="happened_on")
    body = _clean_text(body, field="body", label="办理情况", limit=2000)
    before = case.stage
    entry = _entry(case, stage=stage, happened_on=happened_on, body=body, author=actor, request_key=request_key)
    case.stage = stage
    case.save(update_fields=["stage", "updated_at"])
    audit_record(actor=actor, action="legal_aid.case.stage_recorded", target=case, organization=case.organization,
                 before={"stage": before}, after={"stage": stage, "entry": entry.pk})
    notify(recipients=[case.worker_id], title=f"法律援助案件 {case.case_number} 有新进展",
           body=f"{entry.get_stage_display()}（{happened_on:%Y-%m-%d}）：{body[:100]}", link=_case_link(case),
           key=_key(f"case-{case.pk}-entry-{entry.pk}"))
    return entry


@transaction.atomic
def case_close(*, actor, case: LegalAidCase, outcome: str, amount_recovered, closed_on: date,
               note: str = "") -> LegalAidCase:
    """Close the case with its outcome and the amount recovered for the worker."""
    case = _case_locked(case.pk)
    _require_case_handler(actor, case)
    target = _case_move(case, "close")
    errors: dict[str, str] = {}
    if outcome not in LegalAidCase.Outcome.values:
        errors["outcome"] = "结案时请选择办理结果。"
    try:
        amount_recovered = case_money(amount_recovered, field="amount_recovered", label="追回金额")
    except ValidationError as error:
        errors.update({key: value[0] for key, value in error.message_dict.items()})
    try:
        closed_on = _check_entry_date(case, closed_on, field="closed_on")
    except ValidationError as error:
        errors.update({key: value[0] for key, value in error.message_dict.items()})
    note = (note or "").strip()
    if len(note) > 1000:
        errors["note"] = "结案说明不能超过 1000 字。"
    if errors:
        raise ValidationError(errors)
    before = {"status": case.status, "stage": case.stage}
    case.status, case.stage = target, CaseStage.CLOSED
    case.outcome, case.amount_recovered, case.outcome_note = outcome, amount_recovered, note
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "stage", "outcome", "amount_recovered", "outcome_note", "closed_at",
                             "updated_at"])
    summary = f"结案：{case.get_outcome_display()}，追回金额 {amount_recovered} 元。" + (f"{note}" if note else "")
    _entry(case, stage=CaseStage.CLOSED, happened_on=closed_on, body=summary[:2000], author=actor)
    audit_record(actor=actor, action="legal_aid.case.closed", target=case, organization=case.organization,
                 before=before, after={"status": case.status, "outcome": outcome,
                                       "amount_recovered": amount_recovered})
    notify(recipients=[case.worker_id], title=f"法律援助案件 {case.case_number} 已结案",
           body=f"办理结果：{case.get_outcome_display()}；追回金额 {amount_recovered} 元。", link=_case_link(case),
           key=_key(f"case-{case.pk}-closed"))
    return case
