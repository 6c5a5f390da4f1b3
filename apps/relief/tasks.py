"""Thin beat tasks of the relief app."""
from __future__ import annotations

from celery import shared_task


@shared_task(soft_time_limit=300, time_limit=330, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def remind_registry_reviews() -> int:
    from .services import needy_reviews_remind

    return needy_reviews_remind()
