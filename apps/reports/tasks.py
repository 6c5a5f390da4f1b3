from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import exports, services

_RETRY = {"autoretry_for": (Exception,), "retry_backoff": 10, "retry_backoff_max": 600, "retry_jitter": True,
          "max_retries": 3, "acks_late": True}


@shared_task(soft_time_limit=600, time_limit=660, **_RETRY)
def export_round(job_id: int) -> int:
    """Write the Excel file of an export job; a finished job is left alone."""
    return exports.export_job_run(job_id=job_id).pk


@shared_task(soft_time_limit=300, time_limit=330, **_RETRY)
def create_due_rounds() -> int:
    """Open each recurring task's round for the period that has begun."""
    return services.rounds_create_due(today=timezone.localdate())


@shared_task(soft_time_limit=300, time_limit=330, **_RETRY)
def send_reminders() -> dict:
    """Remind organisations still missing a round; a summary to the city office. Once per day per round."""
    return services.reminders_send(today=timezone.localdate())
