"""Beat tasks: thin, idempotent (each escalation step and each reminder is recorded once)."""
from __future__ import annotations

from celery import shared_task

from . import services

_RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 3}


@shared_task(soft_time_limit=600, time_limit=660, **_RETRY)
def escalate_overdue_hazards() -> int:
    return services.hazards_escalate()


@shared_task(soft_time_limit=300, time_limit=330, **_RETRY)
def send_follow_up_reminders() -> int:
    return services.visits_send_follow_up_reminders()
