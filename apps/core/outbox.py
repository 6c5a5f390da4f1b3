"""One way for every app to hand work to Celery without losing it when the broker is down.

``enqueue(task, *args, **kwargs)`` writes an OutboxMessage in the caller's transaction; once that
commits the message is published and its row deleted. If the broker does not answer, the row
stays and ``outbox_sweep`` (a periodic task, every minute) publishes it when the broker is back.
Delivery is at least once: tasks are idempotent (notify() by its key, recomputations by id).
Arguments must be JSON: ids and plain values, never model instances.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from .models import OutboxMessage

logger = logging.getLogger("jiaozuo.outbox")
# A row younger than this may still be published by its own on_commit hook; the sweep leaves it.
SWEEP_GRACE = timedelta(seconds=30)
SWEEP_BATCH = 500
BROKER_ERRORS = (OperationalError, RedisError, OSError)


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Publish ``task(*args, **kwargs)`` after the current transaction commits; kept until sent."""
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    message_id = message.pk
    transaction.on_commit(lambda: outbox_send(message_id=message_id))
    return message


def outbox_send(*, message_id: int) -> bool:
    """Publish one message and delete its row; False (row kept, error noted) when the broker refuses."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:  # already sent, or being sent by someone else right now
            return True
        task = current_app.tasks[message.task_name]
        try:
            task.apply_async(args=message.args, kwargs=message.kwargs)
        except BROKER_ERRORS as error:
            logger.warning("Broker unavailable, %s #%s kept in the outbox: %s", message.task_name, message.pk, error)
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, last_error=f"{error.__class__.__name__}: {error}"[:300])
            return False
        message.delete()
    return True


def outbox_sweep() -> int:
    """Publish what the broker refused before; stops at the first refusal. Returns how many went out."""
    cutoff = timezone.now() - SWEEP_GRACE
    pending = list(OutboxMessage.objects.filter(created_at__lte=cutoff).order_by("pk")
                   .values_list("pk", flat=True)[:SWEEP_BATCH])
    sent = 0
    for message_id in pending:
        if not outbox_send(message_id=message_id):
            break
        sent += 1
    if sent:
        logger.info("Outbox sweep published %d queued task(s)", sent)
    return sent
