"""Scheduled clean-up that keeps personal data no longer than the privacy notice says."""
from __future__ import annotations

from celery import shared_task

from . import services

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 3, "soft_time_limit": 300,
         "time_limit": 330}


@shared_task(**RETRY)
def purge_sms_codes() -> int:
    return services.sms_codes_purge()


@shared_task(**RETRY)
def purge_expired_sessions() -> int:
    return services.sessions_purge()
