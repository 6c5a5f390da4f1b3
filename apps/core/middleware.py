from __future__ import annotations

from .audit import current_ip
from .net import client_ip


class RequestContextMiddleware:
    """Makes the client's address available to the audit trail for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

