"""Views: common."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from apps.core.params import parse_id
from apps.core.registry import membership

from .. import services
from ..forms import (
    ParticipantOrgForm,
)


def _int(value) -> int:
    return parse_id(value) or 0


def _error_text(error: ValidationError) -> str:
    return "；".join(error.messages)


def _participant_form(request):
    """The choose-your-union form, pre-filled with the remembered union."""
    current = services.participant_organization(request.user) if request.user.is_authenticated else None
    form = ParticipantOrgForm(request.POST or None, initial={"organization": current})
    # A union member's union comes from their membership and is not chosen here.
    form.member_union = membership.union_of(request.user)
    return form, current


# --- public: overview, courses ----------------------------------------------------------------

