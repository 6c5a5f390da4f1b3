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
