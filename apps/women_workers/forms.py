from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from apps.core.forms import SensitiveConsentMixin
from apps.core.models import Organization
from apps.core.scoping import org_scope_q
from apps.core.validators import normalize_mobile

from .consents import ARRANGEMENT, COUNSELLING
from .models import Arrangement, Booking, CareFamily, Commendation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ArrangementForm(SensitiveConsentMixin, forms.Form):
    consent_purpose = ARRANGEMENT

    kind = forms.ChoiceField(label="希望的安排", choices=Arrangement.Kind.choices, widget=forms.RadioSelect)
    period = forms.ChoiceField(label="特殊时期", choices=Arrangement.Period.choices, widget=forms.RadioSelect)
    child_birth_date = forms.DateField(label="子女出生日期", required=False, widget=DATE,
                                       help_text="哺乳期必填；安排只到子女满一周岁")
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    employer_name = forms.CharField(label="用人单位", max_length=120)
    reason = forms.CharField(label="情况说明", max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text="可说明身体情况、通勤等（选填）")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class OnBehalfForm(ArrangementForm):
    consent_attested = True
    worker_phone = forms.CharField(label="职工手机号", max_length=20, help_text="她在本平台注册的手机号")

    field_order = ["worker_phone"]

    def clean_worker_phone(self):
        phone = normalize_mobile(self.cleaned_data["worker_phone"])
        worker = get_user_model().objects.filter(phone=phone, is_active=True).first() if phone else None
        if worker is None:
            raise forms.ValidationError("没有找到这个手机号注册的职工。")
        self.worker = worker
        return phone


class NegotiationForm(forms.Form):
    outcome = forms.ChoiceField(label="协商进展", choices=[
        (Arrangement.Status.NEGOTIATING, "仍在协商"), (Arrangement.Status.AGREED, "已达成"),
        (Arrangement.Status.PARTLY_AGREED, "部分达成"), (Arrangement.Status.REFUSED, "企业未同意")])
    note = forms.CharField(label="与企业协商的情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    outcome_note = forms.CharField(label="告诉她的结果", max_length=1000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="有结果时填写，会通知本人")


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label="开始时间", widget=DATETIME,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    minutes = forms.IntegerField(label="时长（分钟）", initial=50, min_value=15, max_value=180)
    repeat_weeks = forms.IntegerField(label="每周重复（周数）", initial=1, min_value=1, max_value=12,
                                      help_text="1 表示只发布这一次")
    modes = forms.MultipleChoiceField(label="咨询方式", choices=Booking.Mode.choices,
                                      widget=forms.CheckboxSelectMultiple, initial=["video", "phone"])
    place = forms.CharField(label="面谈地点", max_length=120, required=False)


class BookingForm(SensitiveConsentMixin, forms.Form):
    consent_purpose = COUNSELLING

    mode = forms.ChoiceField(label="咨询方式", choices=Booking.Mode.choices, widget=forms.RadioSelect)
    topic = forms.CharField(label="想聊的话题", max_length=200, required=False,
                            help_text="可以不填，咨询师会为您保密")
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False, help_text="电话咨询必填")

    def __init__(self, *args, slot=None, **kwargs):
        super().__init__(*args, **kwargs)
        if slot is not None:
            allowed = slot.modes.split(",")
            self.fields["mode"].choices = [c for c in Booking.Mode.choices if c[0] in allowed]

    def clean_contact_phone(self):
        value = self.cleaned_data["contact_phone"].strip()
        if value and not normalize_mobile(value):
            raise forms.ValidationError("请填写 11 位手机号码。")
        return normalize_mobile(value) if value else ""


class SessionNoteForm(forms.Form):
    note = forms.CharField(label="咨询记录（保密）", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    crisis = forms.BooleanField(label="存在危机风险，立即通知女职工部", required=False)


class FamilyForm(forms.ModelForm):
    needs = forms.CharField(label="家庭困难与需求", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                            help_text="每行一项，如：孩子网课无人辅导")

    class Meta:
        model = CareFamily
        fields = ["member_name", "member_role", "deployed_to", "family_contact", "family_phone", "address", "district"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Organization.objects.filter(org_scope_q(user)).order_by("path")

    def clean_family_phone(self):
        phone = normalize_mobile(self.cleaned_data["family_phone"])
        if not phone:
            raise forms.ValidationError("请填写 11 位手机号码。")
        return phone

    def clean_needs(self):
        lines = [line.strip() for line in self.cleaned_data["needs"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError("请至少填写一项需求。")
        if any(len(line) > 200 for line in lines) or len(lines) > 20:
            raise forms.ValidationError("每项需求不超过 200 字，最多 20 项。")
        return lines


class HelpersForm(forms.Form):
    helpers = forms.ModelMultipleChoiceField(label="帮扶人", queryset=get_user_model().objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helpers"].queryset = get_user_model().objects.filter(
            org_scope_q(user, "organization"), is_active=True).order_by("username")


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="走访日期", widget=DATE)
    help_given = forms.CharField(label="帮扶内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class CommendationForm(forms.ModelForm):
    class Meta:
        model = Commendation
        fields = ["kind", "name", "organization", "workplace", "front_line", "deeds"]
        widgets = {"deeds": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(org_scope_q(user)).order_by("path")
