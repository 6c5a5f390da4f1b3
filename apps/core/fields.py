"""Model and form fields shared by every app."""
from __future__ import annotations

from django import forms
from django.db import models

from .validators import validate_web_link


class WebLinkFormField(forms.URLField):
    """An ``http``/``https`` address typed by a person; a bare host name gets ``https://``."""

    default_validators = [validate_web_link]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class WebLinkField(models.URLField):
    """A link shown to others as ``href``: only ``http``/``https``, checked on ``full_clean`` too."""

    default_validators = [validate_web_link]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebLinkFormField, **kwargs})
