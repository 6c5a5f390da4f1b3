"""The one rate limit (apps.core.ratelimit): counting, the window, and a cache outage both ways."""
from __future__ import annotations

import threading
import time
import warnings

import pytest
from django.core.cache import CacheKeyWarning, cache
from django.test import override_settings

from apps.core import ratelimit
from tests.conftest import require_redis

REDIS_DOWN = {"default": {"BACKEND": "apps.core.cache.ForgivingRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


def _hit(parts=("test", "10.0.0.1"), **kwargs):
    options = {"limit": 3, "window_seconds": 60, "fail_open": False, **kwargs}
    return ratelimit.hit(parts, **options)


def test_hits_up_to_the_limit_pass_and_the_next_is_limited():
    outcomes = [_hit() for _ in range(4)]
    assert [o.count for o in outcomes] == [1, 2, 3, 4]
    assert [o.allowed for o in outcomes] == [True, True, True, False]
    assert outcomes[-1].limited and not outcomes[-1].unavailable


def test_each_key_counts_on_its_own():
    for _ in range(4):
        _hit(("test", "10.0.0.1"))
    assert _hit(("test", "10.0.0.2")).count == 1
    assert _hit(("other", "10.0.0.1")).count == 1


def test_the_window_expires_and_a_hit_does_not_extend_it():
    _hit(window_seconds=1)
    time.sleep(0.6)
    assert _hit(window_seconds=1).count == 2  # inside the window, which this hit does not prolong
    time.sleep(0.6)
    fresh = _hit(window_seconds=1)
    assert fresh.count == 1 and fresh.allowed


def test_reset_starts_a_new_window():
    for _ in range(4):
        _hit()
    ratelimit.reset(("test", "10.0.0.1"))
    assert _hit().count == 1


def test_awkward_key_parts_are_hashed_not_refused():
    parts = ("test", "有 空格", "x" * 300)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        assert _hit(parts).count == 1
        assert _hit(parts).count == 2
    key = ratelimit.cache_key(parts)
    assert key.startswith("ratelimit:sha256-") and len(key) < 100
    assert ratelimit.cache_key(("sms", "10.0.0.1")) == "ratelimit:sms:10.0.0.1"


def test_a_fallback_only_makes_sense_when_failing_closed():
    with pytest.raises(ValueError):
        _hit(fail_open=True, fallback=lambda: 0)


def test_a_counter_created_without_time_to_live_gets_one():
    """Redis INCR on a key that just expired creates it without a TTL; the first hit sets it."""

    class RacedCache:
        touched = None

        def add(self, key, value, timeout):
            return False  # the key still existed here...

        def incr(self, key):
            return 1  # ...and expired just before INCR, which created it anew

        def touch(self, key, timeout):
            self.touched = (key, timeout)

    raced = RacedCache()
    original = ratelimit.cache
    ratelimit.cache = raced
    try:
        assert _hit(window_seconds=90).count == 1
    finally:
        ratelimit.cache = original
    assert raced.touched == ("ratelimit:test:10.0.0.1", 90)


@pytest.mark.django_db(transaction=True)
def test_parallel_hits_are_counted_exactly_on_redis():
    require_redis()
    barrier = threading.Barrier(12)
    outcomes = []

    def run():
        barrier.wait()
        outcomes.append(_hit(("parallel",), limit=5))

    threads = [threading.Thread(target=run) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.count for o in outcomes) == list(range(1, 13))
    assert sum(o.allowed for o in outcomes) == 5


def test_the_window_is_set_once_on_redis():
    require_redis()
    _hit(window_seconds=60)
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key(ratelimit.cache_key(("test", "10.0.0.1")))
    first_ttl = client.ttl(key)
    assert 0 < first_ttl <= 60
    time.sleep(1.1)
    _hit(window_seconds=60)
    assert client.ttl(key) < first_ttl


@override_settings(CACHES=REDIS_DOWN)
def test_cache_down_failing_open_lets_the_hit_through():
    outcomes = [_hit(fail_open=True) for _ in range(10)]
    assert all(o.allowed and not o.unavailable for o in outcomes)


@override_settings(CACHES=REDIS_DOWN)
def test_cache_down_failing_closed_refuses_and_says_why():
    outcome = _hit(fail_open=False)
    assert outcome.limited and outcome.unavailable and not outcome.allowed


@override_settings(CACHES=REDIS_DOWN)
def test_cache_down_failing_closed_counts_with_the_callers_fallback():
    recorded = []
    outcomes = []
    for _ in range(5):
        outcome = _hit(fallback=lambda: len(recorded))
        outcomes.append(outcome)
        recorded.append(outcome.count)
    assert [o.count for o in outcomes] == [1, 2, 3, 4, 5]
    assert [o.allowed for o in outcomes] == [True, True, True, False, False]
    assert not any(o.unavailable for o in outcomes)


@override_settings(CACHES=REDIS_DOWN)
def test_reset_with_the_cache_down_does_not_fail():
    ratelimit.reset(("test", "10.0.0.1"))
