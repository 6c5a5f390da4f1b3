"""Services: studios."""
from __future__ import annotations

from django.db import transaction

from apps.core import pagecache
from apps.core.audit import audit_record

from ..models import (
    Studio,
)
from .common import _require_org


@transaction.atomic
def studio_save(*, actor, data: dict, studio: Studio | None = None) -> Studio:
    """Create or change an innovation studio listed by a union in the actor's subtree."""
    _require_org(actor, data["organization"])
    creating = studio is None
    if not creating:
        studio = Studio.objects.select_for_update().get(pk=studio.pk)
        _require_org(actor, studio.organization)
    studio = studio or Studio()
    for key, value in data.items():
        setattr(studio, key, value)
    studio.full_clean()
    studio.save()
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.studio.{'created' if creating else 'updated'}", target=studio)
    return studio
