from __future__ import annotations

from celery import shared_task


@shared_task(soft_time_limit=120, time_limit=180, autoretry_for=(ConnectionError,), retry_backoff=True,
             max_retries=3)
def escalate_overdue_consultations() -> int:
    from .services import escalate_overdue

    return escalate_overdue()
