from __future__ import annotations

from celery import shared_task


@shared_task(soft_time_limit=300, time_limit=360)
def release_overdue_claims() -> int:
    """Hourly: micro-wish claims past their deadline go back to the list (idempotent)."""
    from .services import release_overdue_claims as release

    return release()
