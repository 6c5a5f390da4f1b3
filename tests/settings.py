"""The project's settings for the test run; with pytest-xdist each worker gets its own Redis database.

Tests clear the cache (``FLUSHDB``) and start Celery workers on the broker, so two pytest-xdist
workers sharing one Redis database would wipe each other's keys and take each other's tasks. Worker
``gwN`` uses database ``base + N`` of REDIS_URL (cache and broker alike: both follow REDIS_URL);
pytest-django already gives each worker its own test database, live servers take free ports.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def _worker_redis_url(url: str, worker: str) -> str:
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _worker_redis_url(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])

from jiaozuo_union.settings import *  # noqa: E402, F403
