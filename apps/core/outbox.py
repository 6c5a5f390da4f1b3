"""One way for every app to hand work to Celery without losing it when the broker is down.

``enqueue(task, *args, **kwargs)`` writes an OutboxMessage in the caller's transaction; once that
commits the message is published and its row deleted. If the broker does not answer, the row
stays and ``outbox_sweep`` (a periodic task, every minute) publishes it when the broker is back.
Delivery is at least once: tasks are idempotent (notify() by its key, recomputations by id).
Arguments must be JSON: ids and plain values, never model instances.
"""
from __future__ import annotations

import logging
import threading
import time
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
    transaction.on_commit(lambda: outbox_send(message_id=message_id, after_commit=True))
    return message


# After the broker refused a publish, a request's other messages wait for the sweep instead of
# each waiting for its own connection timeout (a notify() of 5,000 people is ten messages).
BROKER_PAUSE = 5.0
_broker_pause = threading.local()

SENT, BROKER_DOWN, UNKNOWN_TASK = "sent", "broker_down", "unknown_task"


def outbox_send(*, message_id: int, after_commit: bool = False) -> str:
    """Publish one message and delete its row. The row stays (error noted) when the broker refuses."""
    eager = current_app.conf.task_always_eager
    if after_commit and not eager and time.monotonic() < getattr(_broker_pause, "until", 0.0):
        return BROKER_DOWN
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:  # already sent, or being sent by someone else right now
            return SENT
        task = current_app.tasks.get(message.task_name)
        if task is None:  # a process that has not imported every app's tasks module yet
            current_app.loader.import_default_modules()
            task = current_app.tasks.get(message.task_name)
        if task is None:
            logger.error("Outbox message #%s names an unknown task %s; kept", message.pk, message.task_name)
            _note_failure(message, f"unknown task {message.task_name}")
            return UNKNOWN_TASK
        try:
            task.apply_async(args=message.args, kwargs=message.kwargs)
        except BROKER_ERRORS as error:
            logger.warning("Broker unavailable, %s #%s kept in the outbox: %s", message.task_name, message.pk, error)
            _note_failure(message, f"{error.__class__.__name__}: {error}")
            _broker_pause.until = time.monotonic() + BROKER_PAUSE
            return BROKER_DOWN
        message.delete()
    _broker_pause.until = 0.0
    return SENT


def _note_failure(message: OutboxMessage, error: str) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1, last_error=error[:300])


def outbox_sweep() -> int:
    """Publish what the broker refused before; stops while it still refuses. Returns how many went out."""
    cutoff = timezone.now() - SWEEP_GRACE
    pending = list(OutboxMessage.objects.filter(created_at__lte=cutoff).order_by("pk")
                   .values_list("pk", flat=True)[:SWEEP_BATCH])
    sent = 0
    for message_id in pending:
        outcome = outbox_send(message_id=message_id)
        if outcome == BROKER_DOWN:
            break
        sent += outcome == SENT
    if sent:
        logger.info("Outbox sweep published %d queued task(s)", sent)
    return sent
