from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=10, time_limit=3600, soft_time_limit=3500,
             acks_late=True)
def run_census_import(self, import_id: int) -> str:
    from .services.census import census_import_run

    return census_import_run(import_id=import_id).status


@shared_task(bind=True, max_retries=3, default_retry_delay=60, time_limit=600)
def remind_overdue_elections(self) -> int:
    from .services.elections import remind_overdue_elections as remind

    return remind()
