"""The portal's own error pages: Chinese, in the site's layout, with a way back.

Wired in ``jiaozuo_union/urls.py`` (``handler400`` …) and ``CSRF_FAILURE_VIEW``. The 500 page is
rendered without a request context: nothing on it may need the database or the session.
"""
from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseServerError
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _render(request, template: str, status: int, context: dict | None = None):
    response = TemplateResponse(request, template, context or {}, status=status)
    return response.render()


def required_role_text(exception) -> str:
    """What the refused person would need, in words: the message, or the permission and its roles."""
    from .permissions import RoleRequired

    if isinstance(exception, RoleRequired):
        return exception.describe()
    if isinstance(exception, PermissionDenied) and exception.args and isinstance(exception.args[0], str):
        return exception.args[0]
    return ""


@requires_csrf_token
@login_not_required
def bad_request(request, exception=None):
    return _render(request, "400.html", 400)


@requires_csrf_token
@login_not_required
def permission_denied(request, exception=None):
    return _render(request, "403.html", 403, {"required": required_role_text(exception)})


@requires_csrf_token
@login_not_required
def page_not_found(request, exception=None):
    return _render(request, "404.html", 404)


@requires_csrf_token
@login_not_required
def server_error(request):
    # No RequestContext: context processors could fail for the very reason the page is shown.
    return HttpResponseServerError(loader.get_template("500.html").render({}))


@login_not_required
def csrf_failure(request, reason: str = ""):
    logger.info("CSRF failure on %s: %s", request.path, reason)
    return _render(request, "403_csrf.html", 403)
