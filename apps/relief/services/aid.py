"""Tiered aid: the versioned tier table, applications, grassroots → county → city review, payment.

Approval at the city reserves the money in a fund account; payment disburses exactly that
reservation. Both steps lock the application row first, so a crowd of clicks pays once.

A payment the bank sends back (wrong card, account closed) is recorded as a return: the ledger
reverses that disbursement (once per disbursement), the application waits as 退回待重付, and
paying it again reserves and disburses anew under the reference of that attempt.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from apps.core.audit import audit_record
from apps.core.consent import require_consent
from apps.core.models import Organization
from apps.core.registry import membership
from apps.core.scoping import can_act_for, is_staff_member
from apps.core.services import consent_record, consent_withdraw
from apps.notifications.services import notify

from ..consents import AID_APPLICATION
from ..models import (
    AidApplication,
    AidPaymentReturn,
    AidStep,
    Cause,
    FundAccount,
    NeedyFile,
    NeedyHelp,
    Tier,
    TierRule,
    TierRuleSet,
)
from .common import message_key, money, require_perm
from .funds import fund_disburse, fund_reserve, fund_reverse

S = AidApplication.Status
OPEN_STATES = {S.GRASSROOTS, S.COUNTY, S.CITY, S.RETURNED, S.APPROVED, S.PAYMENT_RETURNED}
# The one table of allowed moves on approval (returns go to RETURNED from any review level).
NEXT_ON_APPROVAL: dict[str, str] = {S.GRASSROOTS: S.COUNTY, S.COUNTY: S.CITY, S.CITY: S.APPROVED}
REVIEW_LEVELS = {S.GRASSROOTS: "基层工会", S.COUNTY: "县（市、区）总工会", S.CITY: "市总工会"}


def level_of(user) -> str | None:
    """Which review level a staff member acts at: their organisation's place in the tree."""
    if not is_staff_member(user):
        return None
    if user.organization_id is None:
        return S.CITY if user.is_superuser else None
    kind = user.organization.org_type
    if kind == Organization.Type.CITY:
        return S.CITY
    if kind in (Organization.Type.COUNTY, Organization.Type.INDUSTRY):
        return S.COUNTY
    return S.GRASSROOTS


def current_ruleset() -> TierRuleSet | None:
    return TierRuleSet.objects.order_by("-version").first()


def tier_propose(*, ruleset: TierRuleSet | None, cause: str, household_size: int,
                 household_income: Decimal) -> TierRule | None:
    """The rule that fits the facts: the most generous one whose cause and income ceiling match."""
    if ruleset is None or household_size < 1:
        return None
    per_capita = Decimal(household_income) / household_size
    candidates = [rule for rule in ruleset.rules.all()
                  if rule.cause in ("", cause) and per_capita <= rule.income_ceiling]
    if not candidates:
        return None
    return max(candidates, key=lambda rule: (rule.amount, rule.cause == cause, -int(rule.tier)))


def rule_for(ruleset: TierRuleSet | None, tier: str, cause: str) -> TierRule | None:
    if ruleset is None:
        return None
    rules = {r.cause: r for r in ruleset.rules.filter(tier=tier)}
    return rules.get(cause) or rules.get("")


@transaction.atomic
def tier_rules_save(*, actor, rows: list[dict], note: str = "") -> TierRuleSet:
    """The city saves the table as its next version; earlier versions stay as applications used them."""
    require_perm(actor, "relief.edit_tier_rules")
    if level_of(actor) != S.CITY:
        raise PermissionDenied("档次标准由市总工会修订。")
    if not rows:
        raise ValidationError("至少需要一条档次规则。")
    latest = TierRuleSet.objects.select_for_update().order_by("-version").first()
    ruleset = TierRuleSet.objects.create(version=(latest.version + 1) if latest else 1, note=note[:200],
                                         created_by=actor)
    seen = set()
    for row in rows:
        key = (row["tier"], row.get("cause") or "")
        if key in seen:
            raise ValidationError("同一档次、同一原因只能有一条规则。")
        seen.add(key)
        rule = TierRule(ruleset=ruleset, tier=row["tier"], cause=row.get("cause") or "",
                        income_ceiling=row["income_ceiling"],
                        amount=money(row["amount"]), max_amount=money(row["max_amount"], label="最高金额"))
        if rule.max_amount < rule.amount:
            raise ValidationError("最高金额不能低于标准金额。")
        rule.full_clean()
        rule.save()
    audit_record(actor=actor, action="relief.tier_rules.saved", target=ruleset, after={"rules": len(rows)})
    return ruleset


def _step(application, kind, actor, *, level="", reason="") -> AidStep:
    return AidStep.objects.create(application=application, kind=kind, level=level, reason=reason, actor=actor,
                                  organization=getattr(actor, "organization", None))


def _link(application) -> str:
    return reverse("relief:aid_detail", args=[application.pk])


def _facts(application, *, cause, household_size, household_income, description) -> None:
    if cause not in Cause.values:
        raise ValidationError({"cause": "请选择致困原因。"})
    application.cause, application.household_size = cause, household_size
    application.household_income, application.description = household_income, description
    application.ruleset = current_ruleset()
    rule = tier_propose(ruleset=application.ruleset, cause=cause, household_size=household_size,
                        household_income=Decimal(household_income))
    application.proposed_tier = rule.tier if rule else ""
    application.proposed_amount = rule.amount if rule else None


@transaction.atomic
def aid_apply(*, actor, worker, real_name: str, workplace: str, cause: str, household_size: int,
              household_income: Decimal, description: str, sensitive_consent: bool, document=None,
              organization: Organization | None = None) -> AidApplication:
    """A worker applies, or their union applies on their behalf (its entry stands for its own review).

    Needs the worker's separate consent to process the hardship facts (PIPL art. 29), or, for an entry on
    their behalf, the staff member's confirmation that the worker's written consent was obtained.
    """
    from django.contrib.auth import get_user_model

    require_consent(sensitive_consent, attested=actor.pk != worker.pk)

    get_user_model().objects.select_for_update().filter(pk=worker.pk).first()  # one open application each
    if AidApplication.objects.filter(worker=worker, status__in=OPEN_STATES).exists():
        raise ValidationError("该职工已有一份正在办理的帮扶申请，办结后才能再次申请。")
    if actor.pk == worker.pk:
        union = membership.union_of(worker)
        organization = union or organization
        if organization is None or organization.org_type == Organization.Type.CITY:
            raise ValidationError({"organization": "请选择您所在的县（市、区）总工会。"})
        status, kind = (S.GRASSROOTS if organization.org_type == Organization.Type.GRASSROOTS else S.COUNTY,
                        AidStep.Kind.SUBMITTED)
    else:
        require_perm(actor, "relief.enter_aid")
        if is_staff_member(worker):
            raise ValidationError({"worker": "请填写职工本人的账户。"})
        level = level_of(actor)
        if level not in (S.GRASSROOTS, S.COUNTY):
            raise PermissionDenied("代为申请由职工所在的基层工会或县（市、区）总工会填报。")
        organization = actor.organization
        status, kind = (S.COUNTY if level == S.GRASSROOTS else S.CITY), AidStep.Kind.ENTERED
    application = AidApplication(worker=worker, entered_by=actor, organization=organization,
                                 real_name=real_name, workplace=workplace, status=status,
                                 submitted_at=timezone.now())
    _facts(application, cause=cause, household_size=household_size, household_income=household_income,
           description=description)
    if document:
        application.document = document
    application.full_clean(exclude=["document"])
    application.save()
    _step(application, kind, actor)
    consent_record(subject=worker, actor=actor, purpose=AID_APPLICATION, given=sensitive_consent, target=application)
    audit_record(actor=actor, action="relief.aid.submitted", target=application,
                 after={"status": status, "worker": worker.pk}, organization=organization)
    return application


def _locked(application) -> AidApplication:
    return AidApplication.objects.select_for_update(of=("self",)).select_related(
        "organization", "worker", "entered_by", "ruleset").get(pk=application.pk)


def _require_reviewer(actor, application) -> None:
    require_perm(actor, "relief.review_aid")
    if not can_act_for(actor, application.organization):
        raise PermissionDenied("该申请不在您的管辖范围内。")
    if actor.pk in (application.worker_id, application.entered_by_id):
        raise PermissionDenied("不能审核本人提交或本人代为填报的申请。")
    if application.status not in NEXT_ON_APPROVAL:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不在审核环节。")
    if level_of(actor) != application.status:
        raise ValidationError(f"当前应由{REVIEW_LEVELS[application.status]}审核，不能越级或重复审核。")


@transaction.atomic
def aid_return(*, actor, application: AidApplication, reason: str) -> AidApplication:
    """Send the application back to the applicant with a reason (any review level)."""
    application = _locked(application)
    _require_reviewer(actor, application)
    if not (reason or "").strip():
        raise ValidationError({"reason": "退回时请写明理由。"})
    before = application.status
    application.returned_from, application.status = before, S.RETURNED
    application.save(update_fields=["status", "returned_from"])
    _step(application, AidStep.Kind.RETURNED, actor, level=REVIEW_LEVELS[before], reason=reason.strip())
    audit_record(actor=actor, action="relief.aid.returned", target=application,
                 before={"status": before}, after={"status": S.RETURNED, "reason": reason.strip()})
    notify(recipients={application.worker_id, application.entered_by_id}, title="帮扶申请被退回",
           body=f"{REVIEW_LEVELS[before]}退回了您的帮扶申请：{reason.strip()}", link=_link(application),
           key=message_key(f"aid:{application.pk}:returned:{application.steps.count()}"))
    return application


@transaction.atomic
def aid_approve(*, actor, application: AidApplication, reason: str = "", tier: str = "",
                amount: Decimal | None = None, account: FundAccount | None = None) -> AidApplication:
    """Pass the application to the next level; at the city, fix tier and amount and reserve the money."""
    application = _locked(application)
    _require_reviewer(actor, application)
    before = application.status
    target = NEXT_ON_APPROVAL[before]
    if target == S.APPROVED:
        if tier not in Tier.values:
            raise ValidationError({"tier": "请选择核定档次。"})
        value = money(amount)
        rule = rule_for(application.ruleset, tier, application.cause)
        if rule is None:
            raise ValidationError({"tier": "该档次在适用的标准中没有对应规则。"})
        if value > rule.max_amount:
            raise ValidationError({"amount": f"超过{rule.get_tier_display()}的最高金额 {rule.max_amount} 元。"})
        if account is None:
            raise ValidationError({"account": "请选择支出资金。"})
        if not account.fund.allows("aid"):
            raise ValidationError({"account": "该专项资金不允许用于帮扶。"})
        if not application.organization.is_within(account.organization):
            raise ValidationError({"account": "只能使用申请人所在单位或其上级持有的资金。"})
        application.reservation = fund_reserve(account=account, amount=value, reference=f"relief.aid:{application.pk}",
                                               actor=actor, note=f"{application.real_name} 分类梯度帮扶")
        application.tier, application.amount, application.approved_at = tier, value, timezone.now()
    application.status = target
    application.save(update_fields=["status", "tier", "amount", "approved_at", "reservation"])
    kind = AidStep.Kind.RESERVED if target == S.APPROVED else AidStep.Kind.APPROVED
    _step(application, kind, actor, level=REVIEW_LEVELS[before], reason=(reason or "").strip())
    audit_record(actor=actor, action="relief.aid.approved", target=application,
                 before={"status": before}, after={"status": target, "amount": application.amount})
    if target == S.APPROVED:
        notify(recipients=[application.worker_id], title="帮扶申请已批准",
               body=f"您的帮扶申请已获批准，金额 {application.amount} 元，待发放。", link=_link(application),
               key=message_key(f"aid:{application.pk}:approved"))
    return application


@transaction.atomic
def aid_resubmit(*, actor, application: AidApplication, cause: str, household_size: int,
                 household_income: Decimal, description: str, document=None) -> AidApplication:
    """The applicant (or the union that entered it) corrects a returned application; review starts again."""
    application = _locked(application)
    if actor.pk not in (application.worker_id, application.entered_by_id):
        raise PermissionDenied("只有申请人或代为填报的工会可以重新提交。")
    if application.status != S.RETURNED:
        raise ValidationError("只有被退回的申请可以修改后重新提交。")
    _facts(application, cause=cause, household_size=household_size, household_income=household_income,
           description=description)
    if document:
        application.document = document
    entered_by_staff = application.entered_by_id != application.worker_id
    if entered_by_staff:
        application.status = S.COUNTY if level_of(application.entered_by) == S.GRASSROOTS else S.CITY
    else:
        application.status = (S.GRASSROOTS if application.organization.org_type == Organization.Type.GRASSROOTS
                              else S.COUNTY)
    application.returned_from = ""
    application.full_clean(exclude=["document"])
    application.save()
    _step(application, AidStep.Kind.RESUBMITTED, actor)
    audit_record(actor=actor, action="relief.aid.resubmitted", target=application,
                 after={"status": application.status})
    return application


# Not yet decided: the worker may still withdraw (and so withdraw the consent given with it).
WITHDRAWABLE = {S.GRASSROOTS, S.COUNTY, S.CITY, S.RETURNED}


@transaction.atomic
def aid_withdraw(*, actor, application: AidApplication) -> AidApplication:
    """The worker withdraws their own application before it is approved; the consent given with it is
    withdrawn too (a new consent row). An application their union entered is theirs to withdraw as well."""
    application = _locked(application)
    if actor.pk != application.worker_id:
        raise PermissionDenied("只能撤回本人的申请。")
    if application.status not in WITHDRAWABLE:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，已批准或已办结的申请不能撤回。")
    before = application.status
    application.status = S.WITHDRAWN
    application.returned_from = ""
    application.save(update_fields=["status", "returned_from"])
    _step(application, AidStep.Kind.WITHDRAWN, actor)
    audit_record(actor=actor, action="relief.aid.withdrawn", target=application, organization=application.organization,
                 before={"status": before}, after={"status": application.status})
    consent_withdraw(subject=actor, purpose=AID_APPLICATION, target=application)
    return application


def _locked_for_payer(actor, application) -> AidApplication:
    require_perm(actor, "relief.pay_aid")
    application = _locked(application)
    if not can_act_for(actor, application.organization):
        raise PermissionDenied("该申请不在您的管辖范围内。")
    return application


@transaction.atomic
def aid_pay(*, actor, application: AidApplication, note: str = "") -> AidApplication:
    """Pay an approved application from its reservation, exactly once."""
    application = _locked_for_payer(actor, application)
    if application.status == S.PAID:
        raise ValidationError("该申请已发放，不能重复发放。")
    if application.status != S.APPROVED or application.reservation_id is None:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不能发放。")
    if actor.pk in (application.worker_id, application.entered_by_id):
        raise PermissionDenied("不能为本人提交或本人代为填报的申请发放资金。")
    application.disbursement = fund_disburse(reservation=application.reservation, actor=actor,
                                             note=note or f"{application.real_name} 分类梯度帮扶")
    application.status, application.paid_at = S.PAID, timezone.now()
    application.save(update_fields=["status", "paid_at", "disbursement"])
    _step(application, AidStep.Kind.PAID, actor, level="资金发放", reason=note)
    file = NeedyFile.objects.filter(worker=application.worker, status=NeedyFile.Status.OPEN).first()
    if file is not None:
        NeedyHelp.objects.get_or_create(
            file=file, reference=f"relief.aid:{application.pk}",
            defaults={"source": NeedyHelp.Source.AID, "amount": application.amount, "recorded_by": actor,
                      "description": f"分类梯度帮扶{application.get_tier_display()}",
                      "given_on": timezone.localdate()})
    audit_record(actor=actor, action="relief.aid.paid", target=application,
                 after={"amount": application.amount, "disbursement": application.disbursement.pk})
    notify(recipients=[application.worker_id], title="帮扶资金已发放",
           body=f"您的帮扶资金 {application.amount} 元已发放。", link=_link(application),
           key=message_key(f"aid:{application.pk}:paid"))
    return application


RETURN_REASON_MAX = 200


@transaction.atomic
def aid_payment_return(*, actor, application: AidApplication, reason: str, returned_on: date | None,
                       amount) -> AidPaymentReturn:
    """The bank sent a paid aid payment back: reverse it in the ledger, once, and wait to pay again.

    A second click (or a second clerk) on the same payment gets the first record back.
    """
    application = _locked_for_payer(actor, application)
    if actor.pk in (application.worker_id, application.entered_by_id):
        raise PermissionDenied("不能为本人提交或本人代为填报的申请登记退回。")
    if application.status == S.PAYMENT_RETURNED:
        existing = AidPaymentReturn.objects.filter(disbursement_id=application.disbursement_id).first()
        if existing is not None:
            return existing
    if application.status != S.PAID or application.disbursement_id is None:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，只有已发放的帮扶可以登记退回。")
    disbursement = application.disbursement
    errors = {}
    reason = (reason or "").replace("\x00", "").strip()
    if not reason or len(reason) > RETURN_REASON_MAX:
        errors["reason"] = f"请填写退回原因（不超过{RETURN_REASON_MAX}个字）。"
    if returned_on is None:
        errors["returned_on"] = "请填写退回日期。"
    elif returned_on > timezone.localdate():
        errors["returned_on"] = "退回日期不能晚于今天。"
    elif returned_on < (paid_on := timezone.localdate(disbursement.paid_at)):
        errors["returned_on"] = f"退回日期不能早于发放日期（{date_format(paid_on, 'DATE_FORMAT')}）。"
    try:
        value = money(amount)
    except ValidationError as error:
        errors.update({"amount": error.message_dict["amount"]})
    else:
        if value != disbursement.amount:
            errors["amount"] = f"退回金额应与已发放金额 {disbursement.amount} 元一致。"
    if errors:
        raise ValidationError(errors)
    reversal = fund_reverse(disbursement=disbursement, actor=actor, note=f"帮扶资金退回：{reason}")
    record = AidPaymentReturn(application=application, disbursement=disbursement, reversal=reversal,
                              amount=disbursement.amount, reason=reason, returned_on=returned_on,
                              recorded_by=actor)
    record.full_clean()
    record.save()
    application.status, application.paid_at = S.PAYMENT_RETURNED, None
    application.save(update_fields=["status", "paid_at"])
    _step(application, AidStep.Kind.PAYMENT_RETURNED, actor, level="资金发放",
          reason=f"退回 {record.amount} 元：{reason}")
    audit_record(actor=actor, action="relief.aid.payment_returned", target=application,
                 before={"status": S.PAID}, after={"status": S.PAYMENT_RETURNED, "amount": record.amount,
                                                   "reason": reason, "returned_on": returned_on,
                                                   "reversal": reversal.pk})
    union = application.organization.name
    notify(recipients=[application.worker_id], title="帮扶资金被银行退回，请更新银行卡",
           body=(f"您的帮扶资金 {record.amount} 元被银行退回（{reason}）。请尽快向{union}提供新的银行卡信息，"
                 "更新后将重新支付。"),
           link=_link(application), key=message_key(f"aid:{application.pk}:payment_returned:{record.pk}"))
    return record


@transaction.atomic
def aid_repay(*, actor, application: AidApplication, note: str = "") -> AidApplication:
    """Pay a returned payment again, once: reserve and disburse anew from the account it went back to."""
    application = _locked_for_payer(actor, application)
    if actor.pk in (application.worker_id, application.entered_by_id):
        raise PermissionDenied("不能为本人提交或本人代为填报的申请发放资金。")
    if application.status != S.PAYMENT_RETURNED:
        if application.status == S.PAID:
            raise ValidationError("该申请已重新支付，不能重复支付。")
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不能重新支付。")
    returned = AidPaymentReturn.objects.select_related("disbursement__account").get(
        disbursement_id=application.disbursement_id)
    attempt = AidPaymentReturn.objects.filter(application=application).count() + 1
    reservation = fund_reserve(account=returned.disbursement.account, amount=application.amount,
                               reference=f"relief.aid:{application.pk}:{attempt}", actor=actor,
                               note=f"{application.real_name} 分类梯度帮扶（退回后重新支付）")
    disbursement = fund_disburse(reservation=reservation, actor=actor,
                                 note=note or f"{application.real_name} 分类梯度帮扶（重新支付）")
    application.reservation, application.disbursement = reservation, disbursement
    application.status, application.paid_at = S.PAID, timezone.now()
    application.save(update_fields=["status", "paid_at", "reservation", "disbursement"])
    _step(application, AidStep.Kind.REPAID, actor, level="资金发放", reason=note)
    audit_record(actor=actor, action="relief.aid.repaid", target=application,
                 before={"status": S.PAYMENT_RETURNED},
                 after={"status": S.PAID, "amount": application.amount, "disbursement": disbursement.pk,
                        "attempt": attempt})
    notify(recipients=[application.worker_id], title="帮扶资金已重新支付",
           body=f"您的帮扶资金 {application.amount} 元已重新支付，请留意银行卡到账。", link=_link(application),
           key=message_key(f"aid:{application.pk}:repaid:{attempt}"))
    return application
