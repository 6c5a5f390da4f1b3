"""A Redis cache that never takes a page down.

The cache is an optimisation: when Redis does not answer, reads miss, writes are dropped and the
page is computed from the database. After a failure the cache is skipped for ``RETRY_AFTER``
seconds, so a page with many cache calls does not wait on a dead server once per call.

``incr`` is the exception: counters back rate limits, and a missing counter cannot be read as
"zero so far". It raises ``CacheUnavailable``, and apps.core.ratelimit (the one rate limit) fails
the way its caller chose: the SMS limit refuses (texts cost money and are the target of abuse),
the second factor counts audit rows instead, public forms let the request through.
"""
from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("jiaozuo.cache")
RETRY_AFTER = 5.0


class CacheUnavailable(Exception):
    """Redis did not answer an operation whose result cannot be guessed (a counter)."""


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One ``redis.Redis`` per connection pool instead of a new one per operation.

    Django builds a fresh client for every cache call, and building one fills its table of ~170
    response callbacks: about 0.2 ms each, nine times on a job search page. A client is thread-safe
    (each command borrows a connection from the pool) and the pool resets itself after a fork.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        if self._available():
            logger.warning("Cache unavailable during %s (%s: %s); pages are served without it for %ss",
                           operation, error.__class__.__name__, error, RETRY_AFTER)
        self._down_until = time.monotonic() + RETRY_AFTER

    def _call(self, operation: str, fallback, *args, **kwargs):
        if not self._available():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._failed(operation, error)
            return fallback

    def ping(self) -> None:
        """Round trip to Redis, raising on failure (for /healthz), whatever the breaker says."""
        self._cache.get_client(write=True).ping()
        self._down_until = 0.0

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", None)

    def incr(self, key, delta=1, version=None):
        if not self._available():
            raise CacheUnavailable("缓存服务暂不可用")
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as error:
            self._failed("incr", error)
            raise CacheUnavailable("缓存服务暂不可用") from error

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
