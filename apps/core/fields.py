"""Model and form fields shared by every app."""
from __future__ import annotations

from django import forms
from django.db import models

from .params import parse_id
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


class ModelMultipleIdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of records whose ids are checked to fit a database column before any query.

    Django's own field hands ``10**30`` to the database, which on SQLite raises OverflowError (a 500);
    here such a value is an invalid choice like any other. Use it for every multiple choice of records
    (``Meta.field_classes`` for a ModelForm's many-to-many field).
    """

    def _check_values(self, value):
        pk_field = self.queryset.model._meta.pk
        if self.to_field_name is None and isinstance(pk_field, models.IntegerField):
            for pk in value:
                if parse_id(pk) is None:
                    raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                                params={"pk": str(pk)[:30]})
        return super()._check_values(value)
