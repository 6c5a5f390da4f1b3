"""With Redis (as in CI), the recruitment tasks run on a real worker consuming the "matching" queue."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.recruitment.models import JobPost
from tests.conftest import real_worker, require_redis

from .factories import JobPostFactory


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_expiry_runs_on_a_real_worker_from_the_matching_queue(xiuwu_enterprise):
    require_redis()
    from apps.recruitment import tasks
    from jiaozuo_union.celery import app

    stale = JobPostFactory(enterprise=xiuwu_enterprise, valid_until=timezone.localdate() - timedelta(days=1))
    assert app.amqp.router.route({}, tasks.expire_job_posts.name)["queue"].name == "matching"
    with real_worker("matching", shutdown_timeout=10):
        tasks.expire_job_posts.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            stale.refresh_from_db()
            if stale.status == JobPost.Status.EXPIRED:
                break
            time.sleep(0.2)
    assert stale.status == JobPost.Status.EXPIRED
