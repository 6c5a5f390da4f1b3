"""Periodic tasks declared by apps, created in django-celery-beat's tables after migrate.

An app lists them on its AppConfig::

    periodic_tasks = [
        {"name": "招聘：过期岗位自动下架", "task": "apps.recruitment.tasks.expire_job_posts",
         "crontab": {"minute": "5", "hour": "*"}},
    ]

A schedule is created once, when missing; staff may then change or disable it in the admin and
later migrations leave their change alone.
"""
from __future__ import annotations

from django.apps import apps
from django.conf import settings


def declared_periodic_tasks() -> list[dict]:
    return [task for config in apps.get_app_configs() for task in getattr(config, "periodic_tasks", [])]


def sync_periodic_tasks(**kwargs) -> None:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for declared in declared_periodic_tasks():
        if PeriodicTask.objects.filter(name=declared["name"]).exists():
            continue
        fields = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
                  **declared["crontab"]}
        schedule, _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
        PeriodicTask.objects.create(name=declared["name"], task=declared["task"], crontab=schedule,
                                    description=declared.get("description", ""))
