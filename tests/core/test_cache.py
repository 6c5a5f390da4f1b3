"""The Redis cache builds one client per connection pool, not one per operation."""
from __future__ import annotations

import uuid

from apps.core.cache import ForgivingRedisCache
from tests.conftest import require_redis


def test_one_redis_client_serves_every_operation():
    require_redis()
    from django.conf import settings

    cache = ForgivingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("k", {"a": 1}, 30)
    client = cache._cache.get_client(write=True)
    assert cache.get("k") == {"a": 1}
    assert cache.get_many(["k", "missing"]) == {"k": {"a": 1}}
    assert cache._cache.get_client(write=True) is client
    cache.delete("k")
    assert cache.get("k") is None
