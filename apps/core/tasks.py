from __future__ import annotations

from celery import shared_task

from .outbox import outbox_sweep


@shared_task(soft_time_limit=110, time_limit=120)
def sweep_outbox() -> int:
    """Publish the tasks the broker refused while it was down."""
    return outbox_sweep()
