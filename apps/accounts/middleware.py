from __future__ import annotations

from django.conf import settings

from apps.core.scoping import is_staff_member


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after ``STAFF_IDLE_TIMEOUT`` seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_member(getattr(request, "user", None)):
            request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT)
        return self.get_response(request)
