from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

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
