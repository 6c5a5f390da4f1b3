from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3, soft_time_limit=120, time_limit=150)
def expire_overdue_attempts() -> int:
    """Close attempts whose time ran out and were never handed in (idempotent)."""
    return services.expire_overdue()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3, soft_time_limit=120, time_limit=150)
def announce_closed_leaderboards() -> int:
    """Notify participants of contests that have closed that the leaderboard is published (once per contest)."""
    return services.announce_closed_leaderboards()
