from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html

from .consent import (
    ATTESTATION,
    CONSENT_FIELD,
    ConsentPurpose,
    consent_error,
)
from .models import Enterprise, Organization
from .selectors import organizations_for_user
from .validators import normalize_credit_code


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each field's message next to its field (the
    shared error summary lists them), anything else at the top of the form."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash_service_errors(request, error: ValidationError | PermissionDenied) -> None:
    """A refused action with no form to show it on (a button): each reason as an error message."""
    if isinstance(error, ValidationError):
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.error(request, str(error) or "没有权限进行此操作。")


class ConsentCheckbox(forms.CheckboxInput):
    """The consent checkbox, preceded by the wording it agrees to, so the person reads it before ticking."""

    def __init__(self, *, notice, **kwargs):
        super().__init__(**kwargs)
        self.notice = notice

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        notice_id = f"{attrs.get('id') or 'id_' + name}_notice"
        attrs["aria-describedby"] = notice_id
        checkbox = super().render(name, value, attrs, renderer)
        return format_html('<div id="{}">{}</div>{}', notice_id, self.notice, checkbox)


class SensitiveConsentMixin:
    """Adds the separate-consent checkbox (PIPL art. 29) after the form's own fields.

    A form declares ``consent_purpose = SOME_PURPOSE``; a form staff fill in on a worker's behalf also
    sets ``consent_attested = True`` (the staff member confirms the worker's written consent). The
    cleaned value is ``sensitive_consent``; the service refuses again without it.
    """

    consent_purpose: ConsentPurpose
    consent_attested = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        purpose = self.consent_purpose
        if self.consent_attested:
            label = "已取得职工本人的书面同意"
            notice = format_html("{}<p class=\"small mt-1\">{}</p>", purpose.html(), ATTESTATION)
        else:
            label = "我已阅读上述说明，单独同意处理以上敏感个人信息"
            notice = purpose.html()
        self.fields[CONSENT_FIELD] = forms.BooleanField(
            label=label, required=True, widget=ConsentCheckbox(notice=notice),
            error_messages={"required": consent_error(attested=self.consent_attested)})


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "district", "industry", "size", "employee_count",
            "address", "has_union", "union", "contact_name", "contact_phone",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = organizations_for_user(user)
        root = user.organization
        districts = Organization.objects.filter(org_type=Organization.Type.COUNTY)
        if root is not None and root.org_type != Organization.Type.CITY:
            # Staff below the city register enterprises in their own county.
            county = root.county
            districts = districts.filter(pk=county.pk) if county and county.org_type == "county" else districts
        self.fields["district"].queryset = districts.order_by("code")
        if len(self.fields["district"].queryset) == 1 and not self.instance.pk:
            self.fields["district"].initial = self.fields["district"].queryset[0].pk
        self.fields["credit_code"].help_text = "18 位，末位为校验码，例如 91410800MA00000000"
        self.fields["union"].queryset = visible.filter(org_type=Organization.Type.GRASSROOTS)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data["credit_code"])
