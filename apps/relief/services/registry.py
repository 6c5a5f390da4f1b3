"""The needy-worker registry: filing, yearly reviews (with reminders), help given, closing, reveals."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.crypto import encrypt, pii_digest
from apps.core.validators import mask_resident_id, normalize_resident_id
from apps.notifications.services import notify

from ..models import NeedyFile, NeedyHelp, NeedyReview
from .common import message_key, money, require_perm, require_scope

REVIEW_INTERVAL = timedelta(days=365)
REMIND_AHEAD = timedelta(days=30)


def _id_fields(id_number: str) -> dict[str, str]:
    try:
        normalized = normalize_resident_id(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    return {"id_digest": pii_digest(normalized), "id_cipher": encrypt(normalized),
            "id_masked": mask_resident_id(normalized)}


@transaction.atomic
def needy_file_create(*, actor, real_name: str, id_number: str, workplace: str, category: str,
                      household_size: int, household_income: Decimal, hardship: str, phone: str = "",
                      worker=None, filed_on: date | None = None) -> NeedyFile:
    """File a worker facing hardship; one open file per person (found by the keyed hash of the ID number)."""
    require_perm(actor, "relief.manage_registry")
    fields = _id_fields(id_number)
    if NeedyFile.objects.filter(id_digest=fields["id_digest"], status=NeedyFile.Status.OPEN).exists():
        raise ValidationError({"id_number": "该职工已建档，不能重复建档。"})
    filed_on = filed_on or timezone.localdate()
    file = NeedyFile(organization=actor.organization, real_name=real_name, workplace=workplace, category=category,
                     household_size=household_size, household_income=household_income, hardship=hardship,
                     phone=phone, worker=worker, filed_on=filed_on, next_review_on=filed_on + REVIEW_INTERVAL,
                     created_by=actor, **fields)
    file.full_clean(exclude=["id_digest", "id_cipher", "id_masked"])
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:  # the same person filed at the same moment elsewhere
        raise ValidationError({"id_number": "该职工已建档，不能重复建档。"}) from None
    audit_record(actor=actor, action="relief.registry.filed", target=file, after={"category": category},
                 organization=file.organization)
    return file


def _locked(file: NeedyFile) -> NeedyFile:
    return NeedyFile.objects.select_for_update().select_related("organization").get(pk=file.pk)


@transaction.atomic
def needy_file_review(*, actor, file: NeedyFile, household_income: Decimal, note: str,
                      reviewed_on: date | None = None) -> NeedyReview:
    require_perm(actor, "relief.manage_registry")
    file = _locked(file)
    require_scope(actor, file.organization)
    if file.status != NeedyFile.Status.OPEN:
        raise ValidationError("已销档的档案不能复核。")
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "复核日期不能晚于今天。"})
    review = NeedyReview(file=file, reviewed_on=reviewed_on, household_income=household_income, note=note,
                         on_time=reviewed_on <= file.next_review_on, reviewer=actor)
    review.full_clean()
    review.save()
    file.household_income, file.reminded_for = household_income, None
    file.next_review_on = reviewed_on + REVIEW_INTERVAL
    file.save(update_fields=["household_income", "next_review_on", "reminded_for"])
    audit_record(actor=actor, action="relief.registry.reviewed", target=file, after={"on_time": review.on_time})
    return review


@transaction.atomic
def needy_file_close(*, actor, file: NeedyFile, reason: str) -> NeedyFile:
    require_perm(actor, "relief.manage_registry")
    file = _locked(file)
    require_scope(actor, file.organization)
    if file.status == NeedyFile.Status.CLOSED:
        raise ValidationError("该档案已销档。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "销档时请写明原因（如已解困）。"})
    file.status, file.closed_on, file.closed_reason = NeedyFile.Status.CLOSED, timezone.localdate(), reason.strip()
    file.save(update_fields=["status", "closed_on", "closed_reason"])
    audit_record(actor=actor, action="relief.registry.closed", target=file, after={"reason": reason.strip()})
    return file


@transaction.atomic
def needy_help_record(*, actor, file: NeedyFile, source: str, amount: Decimal, description: str,
                      given_on: date) -> NeedyHelp:
    require_perm(actor, "relief.manage_registry")
    file = _locked(file)
    require_scope(actor, file.organization)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "帮扶日期不能晚于今天。"})
    value = Decimal("0") if amount in (None, "", 0) else money(amount)
    help_row = NeedyHelp(file=file, source=source, amount=value, description=description, given_on=given_on,
                         recorded_by=actor)
    help_row.full_clean()
    help_row.save()
    audit_record(actor=actor, action="relief.registry.help_recorded", target=file,
                 after={"source": source, "amount": value})
    return help_row


def needy_reveal_id_number(*, actor, file: NeedyFile) -> str:
    """The whole ID number, for staff who hold the right; every reveal is written to the audit trail."""
    from apps.core.crypto import decrypt

    if not actor.has_perm("relief.reveal_id_number"):
        raise PermissionDenied("没有查看完整身份证号码的权限。")
    require_scope(actor, file.organization)
    audit_record(actor=actor, action="relief.registry.id_revealed", target=file, organization=file.organization)
    return decrypt(file.id_cipher)


def needy_reviews_remind() -> int:
    """Beat: remind each file's union staff once, 30 days before its yearly review falls due."""
    from .common import staff_holding

    today = timezone.localdate()
    due = NeedyFile.objects.filter(status=NeedyFile.Status.OPEN, next_review_on__lte=today + REMIND_AHEAD
                                   ).exclude(reminded_for=F("next_review_on")).select_related("organization")
    sent = 0
    for file in due[:500]:
        with transaction.atomic():
            locked = NeedyFile.objects.select_for_update(skip_locked=True).filter(pk=file.pk).first()
            if locked is None or locked.reminded_for == locked.next_review_on:
                continue
            recipients = list(staff_holding(locked.organization, "relief.manage_registry"))
            if recipients:
                overdue = "已逾期" if locked.next_review_on < today else f"应于{locked.next_review_on:%Y年%m月%d日}前"
                notify(recipients=recipients, title="困难职工档案年度复核提醒",
                       body=f"{locked.real_name} 的档案{overdue}完成年度复核。",
                       link=reverse("relief:registry_detail", args=[locked.pk]),
                       key=message_key(f"registry:{locked.pk}:review:{locked.next_review_on}"))
            locked.reminded_for = locked.next_review_on
            locked.save(update_fields=["reminded_for"])
            sent += 1
    return sent

