from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.training import services, tasks
from apps.training.models import Attempt

pytestmark = pytest.mark.django_db


def test_task_closes_overdue_attempts_once(worker, quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    assert tasks.expire_overdue_attempts.delay().get() == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED and attempt.submitted_at is not None
    assert tasks.expire_overdue_attempts.delay().get() == 0


def test_task_leaves_running_attempts_alone(worker, quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    tasks.expire_overdue_attempts.delay()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_periodic_task_is_declared():
    from django.apps import apps

    declared = apps.get_app_config("training").periodic_tasks
    assert declared[0]["task"] == "apps.training.tasks.expire_overdue_attempts"
