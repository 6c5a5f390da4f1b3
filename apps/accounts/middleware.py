from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from apps.core.scoping import is_staff_member

from .two_factor.services import needs_second_factor


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after ``STAFF_IDLE_TIMEOUT`` seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_member(getattr(request, "user", None)):
            request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT)
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """The one place the second factor is enforced (after django-otp's OTPMiddleware).

    A signed-in account that needs it (see ``two_factor.services.needs_second_factor``) and whose
    session has not passed it is sent to the verify page from every address — the console, the
    admin, every app's staff pages, the public pages too — except the second-step pages
    themselves, signing out, static files and the health check. Workers and employers pass.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (
                reverse("accounts:two_factor_setup"), reverse("accounts:two_factor_verify"),
                reverse("accounts:logout"), reverse("core:healthz"), settings.STATIC_URL,
            )
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.exempt_paths())
            and needs_second_factor(user)
        ):
            return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
