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
"""
from __future__ import annotations

import hashlib
import logging
import uuid
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
_VERSION_KEY = "pagecache:v:{}"


def _timeout() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 60)


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
    version_keys = [_VERSION_KEY.format(ns) for ns in namespaces]
    found = cache.get_many([*version_keys, key])
    versions = []
    for version_key in version_keys:
        value = found.get(version_key)
        if value is None:
            value = uuid.uuid4().hex
            if not cache.add(version_key, value, None):  # two first visitors agree on one version
                value = cache.get(version_key, value)
        versions.append(str(value))
    stored = found.get(key)
    if stored is not None and list(stored[0]) == versions:
        return key, versions, stored
    return key, versions, None


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
            try:
                key, versions, stored = _lookup(request, spaces)
            except Exception:  # noqa: BLE001 — the page still answers without the cache
                logger.warning("page cache unavailable", exc_info=True)
                key, versions, stored = None, [], None
            if stored is not None:
                response = HttpResponse(stored[2], content_type=stored[1])
                response["X-Page-Cache"] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if key and _cacheable_response(request, response):
                    if hasattr(response, "render") and callable(response.render):
                        response.render()
                    try:
                        cache.set(key, (versions, response["Content-Type"], response.content), _timeout())
                        response["X-Page-Cache"] = "miss"
                    except Exception:  # noqa: BLE001
                        logger.warning("page cache unavailable", exc_info=True)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorator
