"""A short-lived cache of whole public pages for anonymous visitors.

During a recruitment campaign the anonymous pages (home, job search, a job, training, a course)
take the load. Their HTML is the same for every anonymous visitor, so it is kept for
``PUBLIC_PAGE_CACHE_SECONDS`` under the full path and query, in the default cache (Redis when
``REDIS_URL`` is set, local memory otherwise).

What keeps it honest:

* only anonymous GET/HEAD requests without pending flash messages are served from or stored in it;
  a signed-in person always gets a fresh page (``Vary: Cookie`` tells proxies the same);
* a response is stored only when it is a plain 200 that set no cookie and used no CSRF token, so a
  cached page never carries per-person content or a token;
* each page names the content it shows (``"jobs"``, ``"training"`` …); the services that change that
  content call :func:`bump`, which changes the namespace's version and so the key of every page
  showing it. The home page is keyed by :data:`SITE` too, which every bump changes.

A cache outage never takes a page down: errors fall back to rendering the page.

Each process also keeps the pages it served last (at most ``LOCAL_ENTRIES``) for
``PUBLIC_PAGE_LOCAL_SECONDS`` (2 s by default; 0 switches it off, as the tests do): under load the
round trip to Redis costs more than the rest of a cached answer. A bump clears the bumping process's
copy at once; the other processes stop serving theirs within those seconds.
"""
from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

SITE = "site"
# Core's own records shown on other apps' public pages (an enterprise's name on a job card): core
# bumps it when one changes, and the pages that show them name it beside their own namespace.
ENTERPRISES = "enterprises"
_VERSION_KEY = "pagecache:v:{}"


LOCAL_ENTRIES = 256
# page key -> (monotonic expiry, versions, content type, content); namespace -> (expiry, version)
_local_pages: OrderedDict[str, tuple] = OrderedDict()
_local_versions: dict[str, tuple[float, str]] = {}


def _timeout() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 60)


def _local_seconds() -> float:
    return getattr(settings, "PUBLIC_PAGE_LOCAL_SECONDS", 2)


def clear_local() -> None:
    """Forget this process's copies (tests; a bump does it for its namespaces)."""
    _local_pages.clear()
    _local_versions.clear()
    _local_values.clear()


# key -> (monotonic expiry, value)
_local_values: dict[str, tuple[float, object]] = {}


def local_value(key: str, build):
    """A small value that a public page needs on every request and that changes only with rare edits
    (the counties of a filter, itself kept in the shared cache by ``build``): kept by this process
    for ``PUBLIC_PAGE_LOCAL_SECONDS``, like its pages, to save the round trip to Redis."""
    seconds = _local_seconds()
    if seconds <= 0:
        return build()
    now = time.monotonic()
    held = _local_values.get(key)
    if held is not None and held[0] >= now:
        return held[1]
    value = build()
    _local_values[key] = (now + seconds, value)
    return value


def _local_lookup(key: str, namespaces: tuple[str, ...]) -> tuple | None:
    now = time.monotonic()
    versions = []
    for ns in namespaces:
        held = _local_versions.get(ns)
        if held is None or held[0] < now:
            return None
        versions.append(held[1])
    page = _local_pages.get(key)
    if page is None or page[0] < now or list(page[1]) != versions:
        return None
    return page


def _local_store(key: str, namespaces: tuple[str, ...], versions: list[str], content_type: str,
                 content: bytes) -> None:
    seconds = _local_seconds()
    if seconds <= 0:
        return
    expires = time.monotonic() + seconds
    for ns, version in zip(namespaces, versions, strict=True):
        _local_versions[ns] = (expires, version)
    _local_pages[key] = (expires, tuple(versions), content_type, content)
    _local_pages.move_to_end(key)
    while len(_local_pages) > LOCAL_ENTRIES:
        _local_pages.popitem(last=False)


def _set_new_versions(namespaces: tuple[str, ...]) -> None:
    try:
        cache.set_many({_VERSION_KEY.format(ns): uuid.uuid4().hex for ns in (*namespaces, SITE)}, None)
    except Exception:  # noqa: BLE001 — a cache outage must not fail the write that called us
        logger.warning("page cache: could not bump %s", namespaces, exc_info=True)


def bump(*namespaces: str) -> None:
    """Forget every cached page showing ``namespaces`` (call from the services that change them).

    Bumped at once (so the writer's next read is fresh) and again after commit (so a page rendered
    by another request between the two, from the old rows, is not kept either).
    """
    for ns in (*namespaces, SITE):
        _local_versions.pop(ns, None)
    _set_new_versions(namespaces)
    transaction.on_commit(lambda: _set_new_versions(namespaces))


def _page_key(request) -> str:
    parts = ["GET" if request.method == "HEAD" else request.method, request.get_full_path(),
             str(timezone.localdate())]
    return "pagecache:page:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _lookup(request, namespaces: tuple[str, ...]) -> tuple[str, list[str], tuple | None]:
    """One round trip: the page's key, the current versions of its namespaces, the stored page if fresh.

    A page is stored with the versions it was rendered under; a bump makes them differ, so the page
    is no longer served (and is overwritten by the next render).
    """
    key = _page_key(request)
    versions, stored = _versioned_get(key, namespaces)
    return key, versions, stored


def _versioned_get(key: str, namespaces: tuple[str, ...]) -> tuple[list[str], tuple | None]:
    """One round trip for the namespaces' versions and the entry at ``key`` (``(versions, ...)``),
    the entry only if it was stored under the current versions."""
    versions, stored, _plain = _versioned_get_many([key], namespaces)
    return versions, stored.get(key)


def _versioned_get_many(keys: list[str], namespaces: tuple[str, ...], *,
                        plain: tuple[str, ...] = ()) -> tuple[list[str], dict, dict]:
    """As :func:`_versioned_get` for many keys: the versions, the entries stored under them, and the
    values found of the ``plain`` keys (not versioned), all in the same round trip."""
    version_keys = [_VERSION_KEY.format(ns) for ns in namespaces]
    found = cache.get_many([*version_keys, *keys, *plain])
    versions = []
    for version_key in version_keys:
        value = found.get(version_key)
        if value is None:
            value = uuid.uuid4().hex
            if not cache.add(version_key, value, None):  # two first visitors agree on one version
                value = cache.get(version_key, value)
        versions.append(str(value))
    stored = {}
    for key in keys:
        entry = found.get(key)
        if entry is not None and list(entry[0]) == versions:
            stored[key] = entry
    return versions, stored, {key: found[key] for key in plain if key in found}


def _fragment_key(key: str, today: str) -> str:
    return "pagecache:fragment:" + hashlib.sha256("\x00".join([key, today]).encode()).hexdigest()


def fragment(key: str, namespaces: tuple[str, ...], build, *, timeout: int | None = None,
             prefetch: tuple[str, ...] = ()):
    """A part of a page that is the same for everyone (e.g. the job search's result cards), kept
    under the same versions as the public pages: a :func:`bump` of any of ``namespaces`` drops it.

    ``key`` names the fragment and everything it depends on (the caller normalises it); ``build()``
    makes it on a miss and must return something picklable without per-person content or tokens.
    Also served to signed-in people, so it is today's (the date is part of the key) and never
    older than ``timeout`` (the page cache's). A cache outage builds it every time.
    ``prefetch``: other cache keys the build reads, fetched in the same round trip and passed to it
    as ``build(found)`` (a dict of those found). Returns ``(value, hit)``.
    """
    seconds = _timeout() if timeout is None else timeout

    def make(found: dict):
        return build(found) if prefetch else build()

    if seconds <= 0:
        return make({}), False
    full_key = _fragment_key(key, str(timezone.localdate()))
    try:
        versions, stored, found = _versioned_get_many([full_key], namespaces, plain=tuple(prefetch))
    except Exception:  # noqa: BLE001 — the fragment is built without the cache
        logger.warning("page cache unavailable", exc_info=True)
        return make({}), False
    if full_key in stored:
        return stored[full_key][1], True
    value = make(found)
    try:
        cache.set(full_key, (versions, value), seconds)
    except Exception:  # noqa: BLE001
        logger.warning("page cache unavailable", exc_info=True)
    return value, False


def fragments(keys: list[str], namespaces: tuple[str, ...], build, *, timeout: int | None = None) -> dict:
    """Many fragments of one kind at once (one job card per post on a result page): as :func:`fragment`,
    with one round trip for all of them, and one ``build(missing_keys)`` returning ``{key: value}``
    for those missing. Each key names everything its fragment depends on (a post's card: the post and
    when it last changed), so one changed post costs one fragment, not the page. Returns ``{key: value}``.
    """
    seconds = _timeout() if timeout is None else timeout
    if seconds <= 0 or not keys:
        return build(list(keys)) if keys else {}
    today = str(timezone.localdate())
    full_keys = {key: _fragment_key(key, today) for key in keys}
    try:
        versions, stored, _plain = _versioned_get_many(list(full_keys.values()), namespaces)
    except Exception:  # noqa: BLE001 — built without the cache
        logger.warning("page cache unavailable", exc_info=True)
        return build(list(keys))
    values = {key: stored[full][1] for key, full in full_keys.items() if full in stored}
    missing = [key for key in keys if key not in values]
    if missing:
        built = build(missing)
        values.update(built)
        try:
            cache.set_many({full_keys[key]: (versions, value) for key, value in built.items()}, seconds)
        except Exception:  # noqa: BLE001
            logger.warning("page cache unavailable", exc_info=True)
    return values


def _cacheable_request(request) -> bool:
    if _timeout() <= 0:
        return False
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # len() does not mark the messages as read; a page showing them is not everyone's page.
    return len(get_messages(request)) == 0


def _cacheable_response(request, response) -> bool:
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", ""))


def public_page(*namespaces: str):
    """Cache a public view's page for anonymous visitors (see the module docstring)."""
    spaces = tuple(namespaces) or (SITE,)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                response = view(request, *args, **kwargs)
                patch_vary_headers(response, ("Cookie",))
                return response
            local = _local_lookup(_page_key(request), spaces) if _local_seconds() > 0 else None
            if local is not None:
                key, versions, stored = None, [], local
            else:
                try:
                    key, versions, stored = _lookup(request, spaces)
                except Exception:  # noqa: BLE001 — the page still answers without the cache
                    logger.warning("page cache unavailable", exc_info=True)
                    key, versions, stored = None, [], None
                if stored is not None:
                    _local_store(key, spaces, versions, stored[1], stored[2])
            if stored is not None:
                response = HttpResponse(stored[-1], content_type=stored[-2])
                response["X-Page-Cache"] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if key and _cacheable_response(request, response):
                    if hasattr(response, "render") and callable(response.render):
                        response.render()
                    try:
                        cache.set(key, (versions, response["Content-Type"], response.content), _timeout())
                        _local_store(key, spaces, versions, response["Content-Type"], response.content)
                        response["X-Page-Cache"] = "miss"
                    except Exception:  # noqa: BLE001
                        logger.warning("page cache unavailable", exc_info=True)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorator
