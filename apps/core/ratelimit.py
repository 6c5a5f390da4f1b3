"""The one rate limit: a counter per key in the cache, for a window that starts with the first hit.

    outcome = ratelimit.hit(("sms-codes-from", address), limit=20, window_seconds=3600, fail_open=False)
    if outcome.unavailable: ...   # the cache did not answer and the caller asked to fail closed
    elif outcome.limited: ...     # more than ``limit`` hits in this window

Counting is atomic (``add`` creates the counter at 0 with its time to live, ``incr`` counts), so
parallel requests each get their own number; the time to live is set once, by whoever creates
the counter, and a hit never extends the window.

When the cache is down (``core.cache.CacheUnavailable``: Redis does not answer, or its breaker
is open and writes degrade to misses) the caller has said in advance which way to fail:

- ``fail_open=True``: the hit is let through. For public forms where something durable still
  holds the line (a database constraint, a daily rule), a cache outage must not refuse everyone.
- ``fail_open=False``: the hit is refused (``unavailable`` is set, so the caller can say why), or,
  when the caller gives ``fallback``, counted there instead: ``fallback()`` returns how many hits
  the caller's own durable record (audit rows, say) holds for this window, and this hit is one
  more. Parallel hits then slip through one at a time, never more than that.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache

from .cache import CacheUnavailable

PREFIX = "ratelimit"
_MAX_KEY = 200


@dataclass(frozen=True)
class Outcome:
    count: int  # this hit's number within its window (0 when nothing could count it)
    limit: int
    unavailable: bool = False  # the cache did not answer and the hit was not counted anywhere

    @property
    def limited(self) -> bool:
        """Refuse this hit: over the limit, or not countable while failing closed."""
        return self.unavailable or self.count > self.limit

    @property
    def allowed(self) -> bool:
        return not self.limited


def cache_key(key_parts: Iterable[object]) -> str:
    """``ratelimit:<part>:<part>``; hashed when a part could upset a cache backend (spaces, length)."""
    joined = ":".join(str(part) for part in key_parts)
    if len(joined) > _MAX_KEY or not joined.isprintable() or any(c.isspace() for c in joined):
        joined = "sha256-" + hashlib.sha256(joined.encode()).hexdigest()
    return f"{PREFIX}:{joined}"


def _count(key: str, window_seconds: int) -> int:
    created = cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add and incr (or add was dropped): start a new window.
        if cache.add(key, 1, window_seconds):
            return 1
        count = cache.incr(key)
    if count == 1 and not created:
        # Redis creates a missing key on INCR without a time to live; the first hit of a window
        # makes sure its counter expires (once: later hits never extend the window).
        cache.touch(key, window_seconds)
    return count


def hit(key_parts: Iterable[object], *, limit: int, window_seconds: int, fail_open: bool,
        fallback: Callable[[], int] | None = None) -> Outcome:
    """Count one hit on ``key_parts`` and say whether it is within ``limit`` per window."""
    if fallback is not None and fail_open:
        raise ValueError("fallback only applies when failing closed")
    try:
        return Outcome(count=_count(cache_key(key_parts), window_seconds), limit=limit)
    except (CacheUnavailable, OSError):
        if fail_open:
            return Outcome(count=0, limit=limit)
        if fallback is not None:
            return Outcome(count=1 + fallback(), limit=limit)
        return Outcome(count=0, limit=limit, unavailable=True)


def reset(key_parts: Iterable[object]) -> None:
    """Forget the window (a right answer clears the wrong-code count); a cache outage is ignored."""
    cache.delete(cache_key(key_parts))
