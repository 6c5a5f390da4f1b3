"""Helpers shared by the legal-aid services."""
from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError


def _key(text: str) -> uuid.UUID:
    """The same message key for the same event, so a retried call notifies once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"jiaozuo-legal-aid:{text}")



def _clean_text(value: str, *, field: str, label: str, limit: int = 4000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过 {limit} 字。"})
    return text


def county_and_city_staff(organization, *, codename: str) -> list[int]:
    """Active staff holding ``legal_aid.<codename>`` in the county-level union above ``organization``
    (the organisation itself when it is one) and in the city federation: who an early warning goes to."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    county = organization.county or organization
    city_path = county.path.split("/")[0] + "/"
    return list(get_user_model().objects.filter(
        Q(organization__path=county.path) | Q(organization__path=city_path), is_active=True,
        groups__permissions__codename=codename, groups__permissions__content_type__app_label="legal_aid",
    ).distinct().order_by("pk").values_list("pk", flat=True))
