"""Services: participants."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.models import Organization
from apps.core.registry import membership

from ..models import (
    ParticipantProfile,
)
from .common import PARTICIPANT_ORG_TYPES


def participant_organization(user) -> Organization | None:
    """A member trains for their union (asked of the membership app through core); others for the
    union they chose, kept on their ParticipantProfile."""
    union = membership.union_of(user)
    if union is not None:
        return union
    profile = ParticipantProfile.objects.select_related("organization").filter(user=user).first()
    return profile.organization if profile else None


@transaction.atomic
def participant_set_organization(*, user, organization: Organization) -> ParticipantProfile:
    """Remember the union a worker trains and competes for."""
    if organization is None or organization.org_type not in PARTICIPANT_ORG_TYPES or not organization.is_active:
        raise ValidationError({"organization": "请选择所在的基层工会或县（市、区）总工会。"})
    profile, _ = ParticipantProfile.objects.update_or_create(user=user, defaults={"organization": organization})
    return profile


def _participant_org(user, organization: Organization | None) -> Organization:
    union = membership.union_of(user)
    if union is not None:
        # A member's union is known: the choice on the form does not apply to them.
        return union
    if organization is not None:
        participant_set_organization(user=user, organization=organization)
        return organization
    found = participant_organization(user)
    if found is None:
        raise ValidationError({"organization": "请先选择您所在的工会。"})
    return found


# --- courses ----------------------------------------------------------------------------------

