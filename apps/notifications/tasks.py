from __future__ import annotations

from celery import shared_task

from .services import notifications_deliver


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=110,
    time_limit=120,
    acks_late=True,
)
def deliver_notifications(self, recipient_ids: list[int], payload: dict) -> int:
    """Deliver one chunk of a notification; safe to run twice."""
    return notifications_deliver(recipient_ids=recipient_ids, payload=payload)
