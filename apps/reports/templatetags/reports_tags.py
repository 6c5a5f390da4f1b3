from __future__ import annotations

from django import template

register = template.Library()

_TONES = {"pending": "secondary", "draft": "info", "submitted": "primary", "returned": "warning",
          "accepted": "success", "active": "success", "closed": "secondary",
          "done": "success", "failed": "danger", "running": "primary"}


@register.filter
def status_tone(status: str) -> str:
    return _TONES.get(status, "secondary")


@register.filter
def show_value(value) -> str:
    """A stored value as people read it; blanks as a dash."""
    if value in (None, ""):
        return "—"
    return str(value)


@register.filter
def warnings_for(warnings: dict, key: str) -> list[str]:
    """The warnings of one field from a ``{field key: [message]}`` dict."""
    return warnings.get(key, []) if isinstance(warnings, dict) else []
