"""Payment batches: approved applications go into one batch each; marking paid debits the fund once."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.relief.services import fund_disburse, fund_reserve, fund_reverse

from ..models import Application, PaymentBatch, PaymentItem, Programme
from .applications import _notify_applicant, lock_application, move
from .common import require_perm, require_scope

MAX_BATCH = 500


def _lock_batch(batch: PaymentBatch) -> PaymentBatch:
    return (PaymentBatch.objects.select_for_update(of=("self",)).select_related("programme", "organization")
            .get(pk=batch.pk))


@transaction.atomic
def batch_create(*, actor, programme: Programme, applications=()) -> PaymentBatch:
    """A new draft batch of one programme, with the given approved applications."""
    require_perm(actor, "subsidies.pay_subsidy")
    require_scope(actor, programme.organization, "该项目不在您的管辖范围内。")
    batch = PaymentBatch.objects.create(programme=programme, organization=actor.organization or programme.organization,
                                        created_by=actor)
    audit_record(actor=actor, action="subsidies.batch.created", target=batch, organization=batch.organization)
    for application in applications:
        batch_add(actor=actor, batch=batch, application=application)
    return batch


@transaction.atomic
def batch_add(*, actor, batch: PaymentBatch, application: Application) -> PaymentItem:
    """Put one approved application into a draft batch (it can be in one live batch only)."""
    require_perm(actor, "subsidies.pay_subsidy")
    batch = _lock_batch(batch)
    require_scope(actor, batch.organization, "该批次不在您的管辖范围内。")
    if batch.status != PaymentBatch.Status.DRAFT:
        raise ValidationError("该批次已发放，不能再加入申请。")
    application = lock_application(application)
    require_scope(actor, application.union)
    if application.programme_id != batch.programme_id:
        raise ValidationError("只能加入同一补贴项目的申请。")
    if application.status == Application.Status.BATCHED:
        raise ValidationError(f"{application.real_name} 的申请已在另一个发放批次中。")
    if batch.items.count() >= MAX_BATCH:
        raise ValidationError(f"每个批次最多 {MAX_BATCH} 笔。")
    move(application, "batch", actor=actor)
    if application.reservation_id is None:
        # Paid again after a returned payment: the money is reserved anew, under a new reference.
        attempt = application.payment_items.count() + 1
        application.reservation = fund_reserve(
            account=application.programme.fund_account, amount=application.amount,
            reference=f"subsidies.application:{application.pk}:{attempt}", actor=actor,
            note=f"返岗交通补贴（重新发放）{application.real_name}")
    try:
        with transaction.atomic():
            item = PaymentItem.objects.create(batch=batch, application=application, amount=application.amount,
                                              reservation=application.reservation)
    except IntegrityError:
        raise ValidationError(f"{application.real_name} 的申请已在另一个发放批次中。") from None
    application.save(update_fields=["status", "reservation", "updated_at"])
    audit_record(actor=actor, action="subsidies.batch.added", target=batch,
                 after={"application": application.pk, "amount": str(item.amount)}, organization=batch.organization)
    return item


@transaction.atomic
def batch_remove(*, actor, item: PaymentItem) -> None:
    """Take a line out of a draft batch; the application waits for another batch (its money stays reserved)."""
    require_perm(actor, "subsidies.pay_subsidy")
    batch = _lock_batch(item.batch)
    require_scope(actor, batch.organization, "该批次不在您的管辖范围内。")
    if batch.status != PaymentBatch.Status.DRAFT:
        raise ValidationError("该批次已发放，不能移出。")
    item = PaymentItem.objects.select_for_update().get(pk=item.pk)
    application = lock_application(item.application)
    move(application, "unbatch", actor=actor)
    application.save(update_fields=["status", "updated_at"])
    item.delete()
    audit_record(actor=actor, action="subsidies.batch.removed", target=batch,
                 after={"application": application.pk}, organization=batch.organization)


@transaction.atomic
def batch_mark_paid(*, actor, batch: PaymentBatch) -> PaymentBatch:
    """The bank has paid the batch: each line is disbursed from the fund, once (a second call does nothing)."""
    require_perm(actor, "subsidies.pay_subsidy")
    batch = _lock_batch(batch)
    require_scope(actor, batch.organization, "该批次不在您的管辖范围内。")
    if batch.status == PaymentBatch.Status.PAID:
        return batch
    items = list(batch.items.select_for_update().filter(status=PaymentItem.Status.PENDING).order_by("id"))
    if not items:
        raise ValidationError("批次中没有待发放的申请。")
    now = timezone.now()
    for item in items:
        application = lock_application(item.application)
        item.disbursement = fund_disburse(reservation=item.reservation, actor=actor,
                                          note=f"发放批次 {batch.pk}")
        item.status = PaymentItem.Status.PAID
        item.save(update_fields=["disbursement", "status"])
        move(application, "pay", actor=actor)
        application.paid_at = now
        application.save(update_fields=["status", "paid_at", "updated_at"])
        _notify_applicant(application, f"您的返岗交通补贴 {item.amount} 元已发放", "paid")
    batch.status, batch.paid_by, batch.paid_at = PaymentBatch.Status.PAID, actor, now
    batch.save(update_fields=["status", "paid_by", "paid_at"])
    audit_record(actor=actor, action="subsidies.batch.paid", target=batch,
                 after={"items": len(items), "total": str(sum(i.amount for i in items))},
                 organization=batch.organization)
    return batch


@transaction.atomic
def item_return(*, actor, item: PaymentItem, reason: str) -> PaymentItem:
    """The bank returned one payment (wrong account): the money goes back to the fund, the worker corrects."""
    require_perm(actor, "subsidies.pay_subsidy")
    batch = _lock_batch(item.batch)
    require_scope(actor, batch.organization, "该批次不在您的管辖范围内。")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ValidationError({"reason": "请填写退回原因（不超过200个字）。"})
    item = PaymentItem.objects.select_for_update().get(pk=item.pk)
    if item.status == PaymentItem.Status.RETURNED:
        return item
    if item.status != PaymentItem.Status.PAID:
        raise ValidationError("只有已发放的款项可以登记退回。")
    application = lock_application(item.application)
    fund_reverse(disbursement=item.disbursement, actor=actor, note=reason)
    item.status, item.return_reason = PaymentItem.Status.RETURNED, reason
    item.save(update_fields=["status", "return_reason"])
    move(application, "return", actor=actor, comment=reason)
    application.paid_at = None
    application.reservation = None
    application.save(update_fields=["status", "comment", "paid_at", "reservation", "updated_at"])
    audit_record(actor=actor, action="subsidies.payment.returned", target=application,
                 after={"amount": str(item.amount), "reason": reason}, organization=batch.organization)
    _notify_applicant(application, "您的返岗交通补贴发放被银行退回，请更正收款账户", "returned")
    return item
