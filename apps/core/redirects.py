"""The one check for a ``next`` address taken from a request: only a path on this site is followed."""
from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, candidate: str | None) -> str | None:
    """``candidate`` when it is a local path (not //evil.example, not javascript:), otherwise None."""
    if not candidate or "\x00" in candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return None
    return candidate
