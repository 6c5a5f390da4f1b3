"""Transport subsidy programmes and applications: submit, confirm, review, approve, reject, correct."""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core import crypto
from apps.core.audit import audit_record
from apps.core.consent import consent_errors
from apps.core.models import Enterprise, Organization
from apps.core.registry import membership
from apps.core.services import consent_record, consent_withdraw
from apps.core.uploads import validate_upload
from apps.core.validators import mask_resident_id, normalize_mobile, normalize_resident_id
from apps.notifications.services import notify
from apps.relief.services import fund_reserve

from ..consents import TRANSPORT_SUBSIDY
from ..models import MAX_SUBSIDY, Application, ApplicationEvent, Programme, Receipt
from .common import mask_account, message_key, normalize_bank_account, require_level, require_perm, require_scope

S = Application.Status
MAX_RECEIPTS = 5

# action: (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({S.SUBMITTED}), S.CONFIRMED),
    "review": (frozenset({S.CONFIRMED}), S.REVIEWED),
    "approve": (frozenset({S.REVIEWED}), S.APPROVED),
    "reject": (frozenset({S.SUBMITTED, S.CONFIRMED, S.REVIEWED}), S.REJECTED),
    "withdraw": (frozenset({S.SUBMITTED}), S.WITHDRAWN),
    "batch": (frozenset({S.APPROVED}), S.BATCHED),
    "unbatch": (frozenset({S.BATCHED}), S.APPROVED),
    "pay": (frozenset({S.BATCHED}), S.PAID),
    "return": (frozenset({S.PAID}), S.RETURNED),
    "correct": (frozenset({S.RETURNED}), S.APPROVED),
}

_TOO_EARLY = {
    S.SUBMITTED: "须先由单位工会确认返岗，不能越级审批。",
    S.CONFIRMED: "须先经县级工会审核，不能越级审批。",
}


def move(application: Application, action: str, *, actor, comment: str = "") -> None:
    """Apply one transition of the table (the row is already locked), with its history line."""
    allowed, target = TRANSITIONS[action]
    if application.status not in allowed:
        message = _TOO_EARLY.get(application.status) if action in ("review", "approve") else None
        raise ValidationError(message or f"当前状态为“{application.get_status_display()}”，不能进行此操作。")
    before = application.status
    application.status = target
    if comment:
        application.comment = comment[:300]
    ApplicationEvent.objects.create(application=application, action=action, from_status=before, to_status=target,
                                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    comment=(comment or "")[:300])


def lock_application(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",))
            .select_related("programme", "programme__fund_account", "union", "enterprise", "applicant")
            .get(pk=application.pk))


def _staff_holding(organization: Organization | None, perm: str):
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    if organization is None:
        return get_user_model().objects.none()
    app_label, codename = perm.split(".", 1)
    return get_user_model().objects.filter(
        Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label),
        organization=organization, is_active=True).distinct()


def _money(value, *, field: str, label: str) -> Decimal:
    if isinstance(value, float | bool):
        raise ValidationError({field: f"{label}必须以精确的小数表示。"})
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}不是有效的数字。"}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: f"{label}不是有效的金额。"})
    if amount > MAX_SUBSIDY:
        raise ValidationError({field: f"{label}过大。"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: f"{label}最多精确到分。"})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def programme_save(*, actor, programme: Programme | None = None, **fields) -> Programme:
    """Create or change a programme; its amounts never exceed its cap and its fund must allow subsidies."""
    require_perm(actor, "subsidies.manage_programme")
    if programme is not None:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        require_scope(actor, programme.organization, "该项目不在您的管辖范围内。")
    else:
        programme = Programme(organization=actor.organization, created_by=actor)
    for name, value in fields.items():
        setattr(programme, name, value)
    cap = _money(programme.cap, field="cap", label="补贴上限")
    if cap <= 0:
        raise ValidationError({"cap": "补贴上限必须大于零。"})
    amounts = ["flat_amount"] if programme.rule == Programme.Rule.FLAT else ["near_amount", "mid_amount", "far_amount"]
    labels = {"flat_amount": "统一补贴金额", "near_amount": "省内补贴金额", "mid_amount": "省外1000公里以内补贴金额",
              "far_amount": "省外1000公里以上补贴金额"}
    for name in amounts:
        value = _money(getattr(programme, name), field=name, label=labels[name])
        if value <= 0:
            raise ValidationError({name: f"{labels[name]}必须大于零。"})
        if value > cap:
            raise ValidationError({name: f"{labels[name]}不能超过每人补贴上限 {cap} 元。"})
    account = programme.fund_account
    if not account.fund.allows("subsidy") or not account.fund.is_open:
        raise ValidationError({"fund_account": "该资金不可用于补贴发放。"})
    require_scope(actor, account.organization, "不能使用其他单位的资金。")
    if programme.apply_until < programme.return_from:
        raise ValidationError({"apply_until": "申请截止日期不能早于返岗日期起。"})
    programme.full_clean()
    creating = programme.pk is None
    programme.save()
    audit_record(actor=actor, action="subsidies.programme.created" if creating else "subsidies.programme.changed",
                 target=programme, after={"cap": str(programme.cap), "rule": programme.rule},
                 organization=programme.organization)
    return programme


def _route_union(applicant, enterprise: Enterprise) -> Organization:
    """Her enterprise's union confirms; a member of a union within the district may be confirmed by it."""
    if enterprise.union_id:
        return enterprise.union
    member_union = membership.union_of(applicant)
    if member_union is not None and member_union.is_within(enterprise.district):
        return member_union
    return enterprise.district


def _receipt_digest(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


@transaction.atomic
def application_submit(*, applicant, programme: Programme, real_name: str, id_number: str, phone: str,
                       enterprise: Enterprise, origin: str, band: str, returned_on: date, bank_name: str,
                       bank_account: str, receipts: list, sensitive_consent: bool) -> Application:
    """A worker applies; one application per person (by the ID number's keyed hash) per programme.

    The ID and bank card numbers need the worker's separate consent (PIPL art. 29), recorded with it.
    """
    if not getattr(applicant, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not programme.is_open or today > programme.apply_until:
        raise ValidationError("该项目已停止受理申请。")
    real_name = (real_name or "").strip()
    if not real_name or len(real_name) > 30:
        errors["real_name"] = "请填写姓名（不超过30个字）。"
    try:
        id_number = normalize_resident_id(id_number)
    except ValidationError as error:
        errors["id_number"] = error.messages[0]
    try:
        phone = normalize_mobile(phone)
    except ValidationError as error:
        errors["phone"] = error.messages[0]
    if not isinstance(returned_on, date) or not programme.return_from <= returned_on <= programme.return_until:
        errors["returned_on"] = (f"返岗日期须在 {programme.return_from:%Y年%m月%d日} 至 "
                                 f"{programme.return_until:%Y年%m月%d日} 之间。")
    elif returned_on > today:
        errors["returned_on"] = "返岗日期不能晚于今天。"
    if band not in Application.Band.values:
        errors["band"] = "请选择出发地距离。"
    origin = (origin or "").strip()
    if not origin or len(origin) > 60:
        errors["origin"] = "请填写出发地（不超过60个字）。"
    bank_name = (bank_name or "").strip()
    if not bank_name or len(bank_name) > 40:
        errors["bank_name"] = "请填写开户银行（不超过40个字）。"
    try:
        bank_account = normalize_bank_account(bank_account)
    except ValidationError as error:
        errors["bank_account"] = error.message_dict["bank_account"][0]
    if not (enterprise.is_verified and enterprise.district.is_within(programme.organization)):
        errors["enterprise"] = "只有焦作市内已复工并经核实的企业的职工可以申请。"
    if not receipts:
        errors["receipts"] = "请上传车票或票据的照片或PDF。"
    elif len(receipts) > MAX_RECEIPTS:
        errors["receipts"] = f"最多上传 {MAX_RECEIPTS} 个文件。"
    else:
        for uploaded in receipts:
            try:
                validate_upload(uploaded, "receipt")
            except ValidationError as error:
                errors["receipts"] = f"{uploaded.name[:40]}：{error.messages[0]}"
                break
    errors.update(consent_errors(sensitive_consent))
    if errors:
        raise ValidationError(errors)
    amount = programme.amount_for(band)
    application = Application(
        programme=programme, applicant=applicant, real_name=real_name, id_hash=crypto.pii_digest(id_number),
        id_encrypted=crypto.encrypt(id_number), id_masked=mask_resident_id(id_number), phone=phone,
        enterprise=enterprise, union=_route_union(applicant, enterprise), origin=origin, band=band,
        returned_on=returned_on, bank_name=bank_name, account_hash=crypto.pii_digest("bank:" + bank_account),
        account_encrypted=crypto.encrypt(bank_account), account_masked=mask_account(bank_account), amount=amount)
    duplicate = ValidationError({"id_number": "该身份证号已申请过本项目的补贴，每人限领一次。"})
    if Application.objects.filter(programme=programme, id_hash=application.id_hash).exists():
        raise duplicate
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # The unique constraint decides between two applications arriving at the same moment.
        raise duplicate from None
    for uploaded in receipts:
        Receipt.objects.create(application=application, file=uploaded, sha256=_receipt_digest(uploaded))
    ApplicationEvent.objects.create(application=application, action="submit", to_status=S.SUBMITTED,
                                    actor=applicant)
    consent_record(subject=applicant, purpose=TRANSPORT_SUBSIDY, given=sensitive_consent, target=application)
    audit_record(actor=applicant, action="subsidies.application.submitted", target=application,
                 after={"amount": str(amount), "programme": programme.pk}, organization=application.union)
    notify(recipients=_staff_holding(application.union, "subsidies.confirm_return"),
           title="有职工申请返岗交通补贴，请确认其已返岗",
           link=reverse("subsidies:application_detail", args=[application.pk]),
           key=message_key(f"submitted:{application.pk}"))
    return application


def _not_own(actor, application: Application) -> None:
    if actor.pk == application.applicant_id:
        raise PermissionDenied("不能审核或审批本人的申请。")


def _notify_applicant(application: Application, title: str, step: str) -> None:
    notify(recipients=[application.applicant], title=title, link=reverse("subsidies:my_application",
                                                                        args=[application.pk]),
           key=message_key(f"{step}:{application.pk}:{application.events.count()}"))


@transaction.atomic
def application_confirm(*, actor, application: Application, comment: str = "") -> Application:
    """Her enterprise's union confirms she is back at work."""
    require_perm(actor, "subsidies.confirm_return")
    application = lock_application(application)
    require_scope(actor, application.union)
    _not_own(actor, application)
    move(application, "confirm", actor=actor, comment=comment)
    application.confirmed_by = actor
    application.save(update_fields=["status", "comment", "confirmed_by", "updated_at"])
    audit_record(actor=actor, action="subsidies.application.confirmed", target=application,
                 before={"status": S.SUBMITTED}, after={"status": application.status})
    notify(recipients=_staff_holding(application.union.county, "subsidies.review_application"),
           title="有返岗交通补贴申请待县级审核",
           link=reverse("subsidies:application_detail", args=[application.pk]),
           key=message_key(f"confirmed:{application.pk}"))
    return application


@transaction.atomic
def application_review(*, actor, application: Application, comment: str = "") -> Application:
    """The county-level union reviews a confirmed application."""
    require_perm(actor, "subsidies.review_application")
    require_level(actor, Organization.Type.COUNTY, Organization.Type.INDUSTRY,
                  message="县级审核须由县（市、区）总工会办理。")
    application = lock_application(application)
    require_scope(actor, application.union)
    _not_own(actor, application)
    move(application, "review", actor=actor, comment=comment)
    application.reviewed_by = actor
    application.save(update_fields=["status", "comment", "reviewed_by", "updated_at"])
    audit_record(actor=actor, action="subsidies.application.reviewed", target=application,
                 before={"status": S.CONFIRMED}, after={"status": application.status})
    return application


@transaction.atomic
def application_approve(*, actor, application: Application, amount=None, comment: str = "") -> Application:
    """The city approves: the money is reserved in the programme's fund account."""
    require_perm(actor, "subsidies.approve_application")
    require_level(actor, Organization.Type.CITY, message="市级审批须由市总工会办理。")
    application = lock_application(application)
    require_scope(actor, application.union)
    _not_own(actor, application)
    programme = application.programme
    if amount not in (None, ""):
        value = _money(amount, field="amount", label="补贴金额")
        if value <= 0:
            raise ValidationError({"amount": "补贴金额必须大于零。"})
        if value > programme.cap:
            raise ValidationError({"amount": f"补贴金额不能超过每人上限 {programme.cap} 元。"})
        application.amount = value
    if application.amount <= 0:
        raise ValidationError({"amount": "补贴金额必须大于零。"})
    before = application.status
    move(application, "approve", actor=actor, comment=comment)
    application.reservation = fund_reserve(account=programme.fund_account, amount=application.amount,
                                           reference=f"subsidies.application:{application.pk}:1", actor=actor,
                                           note=f"返岗交通补贴 {application.real_name}")
    application.approved_by = actor
    application.save(update_fields=["status", "comment", "approved_by", "amount", "reservation", "updated_at"])
    audit_record(actor=actor, action="subsidies.application.approved", target=application,
                 before={"status": before}, after={"status": application.status, "amount": str(application.amount)})
    _notify_applicant(application, "您的返岗交通补贴申请已批准，等待发放", "approved")
    return application


@transaction.atomic
def application_reject(*, actor, application: Application, comment: str) -> Application:
    """A reviewer at the application's current level turns it down, with the reason."""
    application = lock_application(application)
    perm = {S.SUBMITTED: "subsidies.confirm_return", S.CONFIRMED: "subsidies.review_application",
            S.REVIEWED: "subsidies.approve_application"}.get(application.status, "subsidies.approve_application")
    require_perm(actor, perm)
    require_scope(actor, application.union)
    _not_own(actor, application)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写不予通过的理由。"})
    before = application.status
    move(application, "reject", actor=actor, comment=comment)
    application.save(update_fields=["status", "comment", "updated_at"])
    audit_record(actor=actor, action="subsidies.application.rejected", target=application,
                 before={"status": before}, after={"status": application.status, "comment": comment[:300]})
    _notify_applicant(application, "您的返岗交通补贴申请未通过", "rejected")
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application) -> Application:
    application = lock_application(application)
    if actor.pk != application.applicant_id:
        raise PermissionDenied("只能撤回本人的申请。")
    move(application, "withdraw", actor=actor)
    application.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="subsidies.application.withdrawn", target=application)
    consent_withdraw(subject=actor, purpose=TRANSPORT_SUBSIDY, target=application)
    return application


@transaction.atomic
def application_correct_account(*, actor, application: Application, bank_name: str,
                                bank_account: str) -> Application:
    """After a returned payment the worker gives the right account; it can then be paid again."""
    application = lock_application(application)
    if actor.pk != application.applicant_id:
        raise PermissionDenied("只能更正本人的申请。")
    bank_name = (bank_name or "").strip()
    if not bank_name or len(bank_name) > 40:
        raise ValidationError({"bank_name": "请填写开户银行（不超过40个字）。"})
    digits = normalize_bank_account(bank_account)
    move(application, "correct", actor=actor, comment="职工已更正收款账户")
    application.bank_name = bank_name
    application.account_hash = crypto.pii_digest("bank:" + digits)
    application.account_encrypted = crypto.encrypt(digits)
    application.account_masked = mask_account(digits)
    application.reservation = None  # the next batch reserves the money again
    application.save(update_fields=["status", "comment", "bank_name", "account_hash", "account_encrypted",
                                    "account_masked", "reservation", "updated_at"])
    audit_record(actor=actor, action="subsidies.application.account_corrected", target=application,
                 after={"account": application.account_masked})
    return application
