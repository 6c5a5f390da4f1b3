from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.notifications.models import Notification
from apps.reports import tasks
from apps.reports.models import ExportJob, ReportTask

from .factories import make_task

pytestmark = pytest.mark.django_db


def test_create_due_rounds_opens_the_new_week(city_staff, org_tree, monkeypatch):
    today = timezone.localdate()
    task = make_task(city_staff, period=ReportTask.Period.WEEKLY, start_date=today - timedelta(days=7),
                     end_date=None, due_date=None, today=today - timedelta(days=1))
    assert task.rounds.count() == 1
    assert tasks.create_due_rounds.delay().get() == 1
    assert tasks.create_due_rounds.delay().get() == 0  # idempotent


def test_send_reminders_task_notifies_on_the_due_date(city_staff, xiuwu_staff, org_tree, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    task = make_task(city_staff, due_date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_reminders.delay().get()
    assert result == {"organizations": 2, "summaries": 1}
    assert Notification.objects.filter(recipient=xiuwu_staff, title__contains=task.title).exists()


def test_export_task_is_idempotent(city_staff, org_tree):
    task = make_task(city_staff)
    job = ExportJob.objects.create(round=task.rounds.get(), requested_by=city_staff)
    tasks.export_round.delay(job.pk)
    job.refresh_from_db()
    first_file = job.file.name
    tasks.export_round.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file.name == first_file


def test_beat_schedules_are_declared(db):
    from apps.core.schedules import sync_periodic_tasks

    sync_periodic_tasks()
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"apps.reports.tasks.create_due_rounds", "apps.reports.tasks.send_reminders"} <= names


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_export_runs_on_a_real_worker_through_redis(city_staff, xiuwu_staff, org_tree):
    import time

    from apps.reports import services
    from apps.reports.models import Submission
    from tests.conftest import real_worker, require_postgres, require_redis

    require_redis()
    require_postgres()
    task = make_task(city_staff)
    services.submission_submit(actor=xiuwu_staff, values={"applications": 5, "hired": 1, "narrative": "好"},
                               submission=Submission.objects.get(round__task=task, organization=org_tree.xiuwu))
    with real_worker("reports"):
        job = services.export_job_create(actor=city_staff, round_=task.rounds.get())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
                break
            time.sleep(0.3)
    assert job.status == ExportJob.Status.DONE and job.progress == 2 and job.file
