"""The client's address, decided in one place for the whole portal.

Behind reverse proxies each proxy appends the address it received the request from to
``X-Forwarded-For``. Only the entries written by our own proxies can be trusted, and they are
the right-most ones: with ``TRUSTED_PROXY_COUNT`` proxies in front of the application the client
is the ``TRUSTED_PROXY_COUNT``-th entry from the right. Anything to its left was written by
the client and is ignored. Without proxies (count 0) the header is ignored altogether.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the party that connected to our outermost trusted proxy (or to us)."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = header.split(",") if header.strip() else []
    if len(forwarded) < proxies:
        # Our proxies did not all write the header (a direct request, e.g. a health check):
        # the connecting address is the only one we know to be true.
        return remote
    return _valid_ip(forwarded[-proxies]) or remote
