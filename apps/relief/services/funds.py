"""The fund ledger: create, allocate down the tree, reserve, release, disburse, reverse.

These are also the services other apps (subsidies) pay through: keyword-only, atomic, row-locked
on the account, audited, and idempotent by the caller's ``reference``.

Lock order, everywhere: the reservation row (when there is one), then the account row(s) in id order.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.scoping import can_act_for, is_staff_member

from ..models.funds import ZERO, Disbursement, Fund, FundAccount, LedgerEntry, Reservation, Reversal
from .common import money, require_perm, require_scope

K = LedgerEntry.Kind


def _lock_account(account_id: int) -> FundAccount:
    return FundAccount.objects.select_for_update(of=("self",)).select_related("fund", "organization").get(
        pk=account_id)


def _entry(account: FundAccount, kind: str, amount: Decimal, *, actor, reference: str = "", note: str = "",
           counterpart: FundAccount | None = None, reservation: Reservation | None = None) -> LedgerEntry:
    return LedgerEntry.objects.create(
        account=account, kind=kind, amount=amount, counterpart=counterpart, reservation=reservation,
        reference=reference[:120], note=(note or "")[:300], available_after=account.available,
        actor=actor if getattr(actor, "is_authenticated", False) else None)


def _save(account: FundAccount) -> None:
    account.save(update_fields=["received", "allocated_out", "reserved", "spent", "available"])


def _require_payer(actor, account: FundAccount) -> None:
    """Only staff whose subtree holds the account may move its money."""
    if not is_staff_member(actor) or not can_act_for(actor, account.organization):
        raise PermissionDenied("不能使用其他单位的资金。")


@transaction.atomic
def fund_create(*, actor, name: str, source: str, year: int, total, purposes: list[str],
                organization: Organization | None = None) -> Fund:
    """Set up a fund; its whole total lands in the creating organisation's root account."""
    require_perm(actor, "relief.manage_fund")
    organization = organization or actor.organization
    require_scope(actor, organization)
    amount = money(total, field="total", label="资金总额")
    unknown = [p for p in purposes if p not in Fund.Purpose.values]
    if not purposes or unknown:
        raise ValidationError({"purposes": "请至少选择一项允许的用途。"})
    fund = Fund(name=name, source=source, year=year, total=amount, purposes=Fund.encode_purposes(purposes),
                organization=organization, created_by=actor)
    fund.full_clean()
    fund.save()
    account = FundAccount.objects.create(fund=fund, organization=organization, received=amount, available=amount)
    _entry(account, K.FUNDING, amount, actor=actor, reference=f"relief.fund:{fund.pk}", note=source)
    audit_record(actor=actor, action="relief.fund.created", target=fund, after={"total": str(amount), "year": year},
                 organization=organization)
    return fund


@transaction.atomic
def fund_allocate(*, actor, source: FundAccount, organization: Organization, amount, note: str = "") -> FundAccount:
    """Pass part of ``source``'s available money to an organisation below it (refused beyond the balance)."""
    require_perm(actor, "relief.allocate_fund")
    value = money(amount)
    source = _lock_account(source.pk)
    _require_payer(actor, source)
    if not source.fund.is_open:
        raise ValidationError("该专项资金已停用。")
    if organization.pk == source.organization_id or not organization.is_within(source.organization):
        raise ValidationError({"organization": "只能分配给本单位的下级单位。"})
    target = FundAccount.objects.filter(fund=source.fund, organization=organization).first()
    if target is not None and target.parent_id != source.pk:
        raise ValidationError({"organization": "该单位已从其他上级账户获得本资金，请由该上级分配。"})
    if value > source.available:
        raise ValidationError({"amount": f"超出可分配余额（当前可用 {source.available} 元）。"})
    if target is None:
        # Creation is serialised by the lock on the one parent account the target may have.
        target = FundAccount.objects.create(fund=source.fund, organization=organization, parent=source)
    target = _lock_account(target.pk)
    source.available -= value
    source.allocated_out += value
    target.received += value
    target.available += value
    _save(source)
    _save(target)
    reference = f"relief.allocation:{source.pk}:{target.pk}:{timezone.now():%Y%m%d%H%M%S%f}"
    _entry(source, K.ALLOCATION_OUT, value, actor=actor, reference=reference, note=note, counterpart=target)
    _entry(target, K.ALLOCATION_IN, value, actor=actor, reference=reference, note=note, counterpart=source)
    audit_record(actor=actor, action="relief.fund.allocated", target=target,
                 after={"amount": str(value), "from": source.organization.name, "to": organization.name},
                 organization=source.organization)
    return target


@transaction.atomic
def fund_reserve(*, account: FundAccount, amount: Decimal, reference: str, actor, note: str = "") -> Reservation:
    """Set money aside for one payment. Repeating the same ``reference`` returns the first reservation."""
    value = money(amount)
    reference = (reference or "").strip()
    if not reference or len(reference) > 120:
        raise ValidationError({"reference": "业务编号必填，且不超过120个字符。"})
    account = _lock_account(account.pk)
    _require_payer(actor, account)
    existing = Reservation.objects.filter(reference=reference).first()
    if existing is not None:
        if existing.account_id != account.pk or existing.amount != value:
            raise ValidationError("该业务编号已用于另一笔预留。")
        return existing
    if not account.fund.is_open:
        raise ValidationError("该专项资金已停用。")
    if value > account.available:
        raise ValidationError({"amount": f"资金余额不足（当前可用 {account.available} 元）。"})
    reservation = Reservation.objects.create(account=account, amount=value, reference=reference,
                                             note=(note or "")[:300], created_by=_person(actor))
    account.available -= value
    account.reserved += value
    _save(account)
    _entry(account, K.RESERVATION, value, actor=actor, reference=reference, note=note, reservation=reservation)
    audit_record(actor=actor, action="relief.fund.reserved", target=reservation,
                 after={"amount": str(value), "account": account.pk}, organization=account.organization)
    return reservation


def _lock_reservation(reservation: Reservation) -> tuple[Reservation, FundAccount]:
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    return locked, _lock_account(locked.account_id)


@transaction.atomic
def fund_release(*, reservation: Reservation, actor, note: str = "") -> None:
    """Return an unused reservation to the account's available balance (a second call does nothing)."""
    reservation, account = _lock_reservation(reservation)
    _require_payer(actor, account)
    if reservation.status == Reservation.Status.RELEASED:
        return
    if reservation.status == Reservation.Status.DISBURSED:
        raise ValidationError("该笔资金已支出，不能释放；如款项退回请办理退回。")
    account.reserved -= reservation.amount
    account.available += reservation.amount
    _save(account)
    reservation.status, reservation.closed_at = Reservation.Status.RELEASED, timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    _entry(account, K.RELEASE, reservation.amount, actor=actor, reference=reservation.reference, note=note,
           reservation=reservation)
    audit_record(actor=actor, action="relief.fund.released", target=reservation,
                 after={"amount": str(reservation.amount)}, organization=account.organization)


@transaction.atomic
def fund_disburse(*, reservation: Reservation, actor, note: str = "") -> Disbursement:
    """Pay out exactly the reserved amount, once; a repeated call returns the same disbursement."""
    reservation, account = _lock_reservation(reservation)
    _require_payer(actor, account)
    if reservation.status == Reservation.Status.DISBURSED:
        return reservation.disbursement
    if reservation.status == Reservation.Status.RELEASED:
        raise ValidationError("该笔预留已释放，不能支出。")
    account.reserved -= reservation.amount
    account.spent += reservation.amount
    _save(account)
    reservation.status, reservation.closed_at = Reservation.Status.DISBURSED, timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    disbursement = Disbursement.objects.create(reservation=reservation, account=account, amount=reservation.amount,
                                               note=(note or "")[:300], paid_by=_person(actor))
    _entry(account, K.DISBURSEMENT, reservation.amount, actor=actor, reference=reservation.reference, note=note,
           reservation=reservation)
    audit_record(actor=actor, action="relief.fund.disbursed", target=disbursement,
                 after={"amount": str(reservation.amount), "reference": reservation.reference},
                 organization=account.organization)
    return disbursement


@transaction.atomic
def fund_reverse(*, disbursement: Disbursement, actor, note: str = "") -> Reversal:
    """A payment came back: its money returns to the account's available balance, once."""
    reservation, account = _lock_reservation(disbursement.reservation)
    _require_payer(actor, account)
    disbursement = Disbursement.objects.get(pk=disbursement.pk)
    existing = Reversal.objects.filter(disbursement=disbursement).first()
    if existing is not None:
        return existing
    account.spent -= disbursement.amount
    account.available += disbursement.amount
    _save(account)
    reversal = Reversal.objects.create(disbursement=disbursement, amount=disbursement.amount,
                                       note=(note or "")[:300], reversed_by=_person(actor))
    _entry(account, K.REVERSAL, disbursement.amount, actor=actor, reference=reservation.reference, note=note,
           reservation=reservation)
    audit_record(actor=actor, action="relief.fund.reversed", target=reversal,
                 after={"amount": str(disbursement.amount), "reference": reservation.reference},
                 organization=account.organization)
    return reversal


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


__all__ = ["ZERO", "fund_allocate", "fund_create", "fund_disburse", "fund_release", "fund_reserve", "fund_reverse"]
