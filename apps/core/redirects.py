"""Where to go after a form: the ``next`` parameter, checked in one place.

Only a path on this site (or an absolute address of this very host) is followed; anything else —
another host, ``//evil.example``, ``javascript:``, a backslash trick, control characters — falls
back to the default. Every view that honours ``next`` goes through ``safe_next``.
"""
from __future__ import annotations

import unicodedata

from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(request, url: str | None) -> bool:
    if not url or any(unicodedata.category(char)[0] in "CZ" and char != " " for char in url):
        return False  # control, invisible or line-breaking characters have no place in our own paths
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def safe_next(request, default: str, *, param: str = "next") -> str:
    """The ``next`` address of the request (POST first, then GET) if it stays on this site, else ``default``.

    ``default`` may be a URL name, as for ``redirect``.
    """
    candidate = request.POST.get(param) or request.GET.get(param)
    if is_safe_next(request, candidate):
        return candidate
    return resolve_url(default)


def redirect_next(request, default: str, *, param: str = "next"):
    return redirect(safe_next(request, default, param=param))


class SafeNextMixin:
    """For Django's auth views (LoginView, LogoutView): their ``next`` goes through ``is_safe_next`` too."""

    def get_redirect_url(self):
        candidate = self.request.POST.get(self.redirect_field_name, self.request.GET.get(self.redirect_field_name))
        return candidate if is_safe_next(self.request, candidate) else ""
