"""A real Celery worker, started here against Redis, delivers notifications."""
from __future__ import annotations

import time

import pytest

from apps.notifications.models import Notification
from apps.notifications.services import notify
from tests.conftest import real_worker, require_redis
from tests.factories import UserFactory


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_writes_inbox_rows():
    require_redis()
    from jiaozuo_union.celery import app

    people = UserFactory.create_batch(3)
    app.conf.task_always_eager = False
    with real_worker("notifications"):
        notify(recipients=people, title="真实队列投递", body="来自 Celery 工作进程")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Notification.objects.filter(title="真实队列投递").count() < 3:
            time.sleep(0.2)
    assert set(Notification.objects.filter(title="真实队列投递").values_list("recipient_id", flat=True)) == {
        p.pk for p in people
    }


def test_task_has_retry_backoff_and_time_limits():
    from apps.notifications.tasks import deliver_notifications

    assert deliver_notifications.max_retries and deliver_notifications.retry_backoff
    assert deliver_notifications.time_limit and deliver_notifications.soft_time_limit < deliver_notifications.time_limit
    from django.conf import settings

    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
