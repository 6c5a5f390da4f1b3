from __future__ import annotations

from .audit import current_ip


class RequestContextMiddleware:
    """Makes the client's address available to the audit trail for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(_client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def _client_ip(request) -> str | None:
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None
