"""A person's small cached values, read in one round trip per request.

Every signed-in page reads a few small values kept per person in the cache: whether the person holds
a role group (accounts' second factor), the navigation (core's layout), the unread count
(notifications), the posts they saved (recruitment). Read one by one, each is a round trip to Redis.

Apps register the keys they keep per person (``person_cache_keys`` in core.registry, from
``providers.register()``). During a request (``RequestContextMiddleware`` opens the scope), the first
:func:`get` for a person fetches all of that person's registered keys with one ``get_many``; later reads
in the same request are answered from it. :func:`set` and :func:`delete_many` write through to the
cache and to this request's copy, so a request that changes a value reads its own write. Outside a
request (tasks, the shell), every call is the plain cache call.

Only for values whose owner drops them on change (each app's ``forget_*``): the copy lives for one
request, so another request's change is seen by the next request, as before.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

from .registry import person_cache_keys

# person pk -> (the registered keys, the values found); None outside a request.
_bundles: ContextVar[dict | None] = ContextVar("person_cache_bundles", default=None)


@contextmanager
def request_scope():
    token = _bundles.set({})
    try:
        yield
    finally:
        _bundles.reset(token)


def _bundle(person_pk: int) -> tuple[set[str], dict] | None:
    bundles = _bundles.get()
    if bundles is None:
        return None
    bundle = bundles.get(person_pk)
    if bundle is None:
        keys = {key for keys_of in person_cache_keys for key in keys_of(person_pk)}
        bundle = bundles[person_pk] = (keys, cache.get_many(sorted(keys)) if keys else {})
    return bundle


def get(person_pk: int, key: str, default=None):
    bundle = _bundle(person_pk)
    if bundle is None or key not in bundle[0]:
        return cache.get(key, default)
    return bundle[1].get(key, default)


def set(person_pk: int, key: str, value, timeout: int) -> None:  # noqa: A001 — the cache's own verb
    cache.set(key, value, timeout)
    bundle = (_bundles.get() or {}).get(person_pk)  # not read yet: the next get reads the cache
    if bundle is not None and key in bundle[0]:
        bundle[1][key] = value


def delete_many(keys) -> None:
    """Drop ``keys`` from the cache and from this request's copies."""
    keys = list(keys)
    if not keys:
        return
    cache.delete_many(keys)
    for _registered, values in (_bundles.get() or {}).values():
        for key in keys:
            values.pop(key, None)


def forget(keys) -> None:
    """What an app's ``forget_*`` does after a change: drop ``keys`` now and again after commit, so
    that a request reading the old rows in between does not keep them."""
    keys = list(keys)
    if keys:
        delete_many(keys)
        transaction.on_commit(lambda: delete_many(keys))
