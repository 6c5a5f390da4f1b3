from __future__ import annotations

from django.http import HttpResponseBadRequest

from . import personcache
from .audit import current_ip
from .net import client_ip


class RequestContextMiddleware:
    """Makes the client's address available to the audit trail for the length of the request, and
    opens the request's scope of the person cache (apps.core.personcache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            with personcache.request_scope():
                return self.get_response(request)
        finally:
            current_ip.reset(token)



def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class RefuseNulBytesMiddleware:
    """A NUL byte in the address, the query string or a form answers 400, before any view runs.

    PostgreSQL cannot store or even compare text containing NUL, so without this every search box
    and form would answer 500 to ``%00``. Uploaded files are not looked at; only form fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (
            request.method == "POST" and request.content_type in _FORM_TYPES and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest("请求中含有无效字符（NUL）。".encode(),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
