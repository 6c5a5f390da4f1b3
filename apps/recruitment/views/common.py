"""Views: common."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from .. import selectors
from ..models import JobPost


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)




def employer_required(view):
    """Only people holding an active employer membership; others are sent to register."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_employer(request.user):
            messages.info(request, "请先申请企业招聘账号，经工会核实后即可发布岗位。")
            return redirect("recruitment:employer_register")
        return view(request, *args, **kwargs)

    return wrapper


APPLY_DRAFT = "recruitment_apply_draft"


def _apply_draft(request, post: JobPost) -> str | None:
    """The note typed on this post before being sent to 求职登记, kept in the session until it is sent."""
    draft = request.session.get(APPLY_DRAFT) if request.user.is_authenticated else None
    if isinstance(draft, dict) and draft.get("post") == post.pk:
        return str(draft.get("cover_letter", ""))[:1000]
    return None
