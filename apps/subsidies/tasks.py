from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3, time_limit=300)
def send_deferral_reminders() -> int:
    from .services import deferral_remind_due

    return deferral_remind_due()
