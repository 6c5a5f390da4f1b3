"""Redis or the broker down: pages still answer, nothing queued is lost, /healthz names the part.

The settings are pointed at a closed port (nothing listens on 127.0.0.1:1), which is what a
stopped Redis looks like to the portal.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from apps.core.cache import CacheUnavailable
from apps.core.models import OutboxMessage
from apps.core.outbox import enqueue, outbox_sweep
from apps.notifications.models import Notification
from apps.notifications.services import notify

CLOSED = "redis://127.0.0.1:1/0"
REDIS_DOWN = {"default": {"BACKEND": "apps.core.cache.ForgivingRedisCache", "LOCATION": CLOSED,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


@contextmanager
def broker_down():
    """The Celery app publishes to a closed port (not eager), with fresh connection pools."""
    from jiaozuo_union.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url, app.conf.task_always_eager = CLOSED, False
    app._pool, app.amqp._producer_pool = None, None
    try:
        with override_settings(REDIS_URL=CLOSED):
            yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
@pytest.mark.parametrize("url", ["/", "/jobs/"])
def test_pages_answer_within_seconds_when_redis_is_down(client, worker, url):
    client.force_login(worker)
    started = time.monotonic()
    response = client.get(url)
    assert response.status_code == 200
    assert time.monotonic() - started < 5


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
def test_anonymous_job_search_answers_when_redis_is_down(client):
    started = time.monotonic()
    assert client.get("/jobs/", {"q": "焊工"}).status_code == 200
    assert time.monotonic() - started < 5


@override_settings(CACHES=REDIS_DOWN)
def test_after_one_failure_the_cache_is_skipped_for_a_while():
    from django.core.cache import cache

    assert cache.get("a", "missing") == "missing"
    started = time.monotonic()
    for _ in range(200):
        cache.set("a", 1)
        assert cache.get("a") is None
    assert time.monotonic() - started < 0.5
    with pytest.raises(CacheUnavailable):
        cache.incr("a")


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
def test_sms_limit_fails_closed_with_a_clear_message(client, django_capture_on_commit_callbacks):
    from apps.accounts.models import SmsVerification

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("accounts:send_code", args=["register"]), {"phone": "13912345678"})
    assert response.status_code == 200
    assert "短信服务暂时繁忙，请稍后再试。" in response.content.decode()
    assert not SmsVerification.objects.exists() and not callbacks


@pytest.mark.django_db
@override_settings(CACHES=REDIS_DOWN)
def test_healthz_names_the_cache_and_the_broker_when_they_are_down(client):
    with broker_down():
        started = time.monotonic()
        response = client.get("/healthz")
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    data = response.json()
    assert data["database"] == "ok"
    assert data["cache"].startswith("error") and data["broker"].startswith("error")


@pytest.mark.django_db(transaction=True)
def test_notify_commits_with_the_broker_down_and_is_delivered_after_recovery(worker):
    with broker_down():
        started = time.monotonic()
        key = notify(recipients=[worker], title="面试通知", body="明天九点")
        assert time.monotonic() - started < 5
    assert not Notification.objects.filter(key=key).exists()
    pending = OutboxMessage.objects.get()
    assert pending.task_name == "apps.notifications.tasks.deliver_notifications"
    assert pending.attempts == 1 and pending.last_error

    # Recovery: the broker answers again (eager here) and the periodic sweep publishes the row.
    OutboxMessage.objects.update(created_at=pending.created_at - timedelta(minutes=1))
    assert outbox_sweep() == 1
    assert Notification.objects.filter(key=key, recipient=worker, title="面试通知").exists()
    assert not OutboxMessage.objects.exists()
    assert outbox_sweep() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_queues_nothing(worker):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[worker], title="不会发出")
        raise RuntimeError
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sweep_leaves_fresh_rows_to_their_own_commit_hook_and_stops_while_the_broker_is_down(worker):
    from apps.notifications.tasks import deliver_notifications

    key = str(uuid.uuid4())
    with broker_down():
        for _ in range(3):
            enqueue(deliver_notifications, [worker.pk], {"title": "t", "body": "", "link": "", "key": key,
                                                         "channels": ["site"]})
        assert OutboxMessage.objects.count() == 3
        # The first publish failed; the next two did not wait for the broker again.
        assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 0, 0]
        assert outbox_sweep() == 0  # all younger than the grace period
        OutboxMessage.objects.update(created_at=OutboxMessage.objects.first().created_at - timedelta(minutes=5))
        assert outbox_sweep() == 0
        assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [2, 0, 0]  # stopped at the first
    assert outbox_sweep() == 3
    assert Notification.objects.filter(key=key).count() == 1


def test_every_enqueue_in_the_apps_goes_through_the_outbox():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "apps"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "outbox.py" and re.search(r"\.delay\(|\.apply_async\(", path.read_text())]
    assert offenders == []


@pytest.mark.django_db(transaction=True)
def test_a_message_naming_an_unknown_task_does_not_block_the_others(worker):
    from apps.notifications.tasks import deliver_notifications

    key = str(uuid.uuid4())
    poison = OutboxMessage.objects.create(task_name="apps.gone.tasks.removed", args=[1])
    enqueue(deliver_notifications, [worker.pk], {"title": "t", "body": "", "link": "", "key": key,
                                                 "channels": ["site"]})
    OutboxMessage.objects.update(created_at=poison.created_at - timedelta(minutes=5))
    assert outbox_sweep() == 0  # the good one went out right after its commit
    assert Notification.objects.filter(key=key).exists()
    poison.refresh_from_db()
    assert poison.attempts == 1 and "unknown task" in poison.last_error


@pytest.mark.django_db(transaction=True)
def test_a_large_notify_waits_for_the_broker_once(worker, other_worker):
    from apps.notifications import services

    with broker_down(), override_settings():
        original = services.CHUNK_SIZE
        services.CHUNK_SIZE = 1
        try:
            started = time.monotonic()
            notify(recipients=[worker, other_worker], title="大通知")
        finally:
            services.CHUNK_SIZE = original
        assert time.monotonic() - started < 5
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 0]
