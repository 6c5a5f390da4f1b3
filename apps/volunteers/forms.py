from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from apps.core.models import Organization
from apps.core.uploads import UploadField
from apps.core.validators import normalize_mobile

from .models import Activity, Volunteer, Wish

_DT = {"type": "datetime-local"}


def _clean_text(value: str) -> str:
    if "\x00" in (value or ""):
        raise forms.ValidationError("内容中含有无效字符。")
    return (value or "").strip()


class VolunteerForm(forms.ModelForm):
    district = forms.ModelChoiceField(
        label="服务县（市、区）",
        queryset=Organization.objects.filter(org_type=Organization.Type.COUNTY, is_active=True),
        error_messages={"required": "请选择服务的县（市、区）。", "invalid_choice": "请选择列表中的县（市、区）。"})

    class Meta:
        model = Volunteer
        fields = ["skills", "availability", "district"]
        widgets = {"skills": forms.TextInput(attrs={"placeholder": "如：心理咨询、法律、文艺、电工维修"}),
                   "availability": forms.TextInput(attrs={"placeholder": "如：周末全天、工作日晚上"})}
        error_messages = {"skills": {"required": "请填写您的特长技能。"},
                          "availability": {"required": "请填写您可以服务的时间。"}}

    def clean_skills(self):
        return _clean_text(self.cleaned_data["skills"])

    def clean_availability(self):
        return _clean_text(self.cleaned_data["availability"])


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "kind", "description", "starts_at", "ends_at", "place", "online_link", "capacity",
                  "cancel_hours"]
        widgets = {"starts_at": forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"),
                   "ends_at": forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"),
                   "description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"title": {"required": "请填写活动名称。"}, "kind": {"required": "请选择服务类型。"},
                          "starts_at": {"required": "请填写开始时间。", "invalid": "请填写正确的日期时间。"},
                          "ends_at": {"required": "请填写结束时间。", "invalid": "请填写正确的日期时间。"},
                          "capacity": {"required": "请填写招募人数。"}}

    def clean_title(self):
        return _clean_text(self.cleaned_data["title"])

    def clean_place(self):
        return _clean_text(self.cleaned_data["place"])

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data["starts_at"].year > 2100:
            self.add_error("starts_at", "请填写合理的活动日期。")
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "结束时间须晚于开始时间。")
        return data


class HoursForm(forms.Form):
    hours = forms.DecimalField(label="服务时长（小时）", min_value=Decimal("0"), max_value=Decimal("24"),
                               max_digits=4, decimal_places=1,
                               error_messages={"required": "请填写服务时长。", "invalid": "请填写数字。",
                                               "min_value": "时长不能为负数。", "max_value": "时长不超过 24 小时。",
                                               "max_decimal_places": "最多保留一位小数。",
                                               "max_digits": "请填写合理的时长。"})


class WishForm(forms.ModelForm):
    wisher_phone = forms.CharField(label="心愿人手机号（须已在平台注册）", max_length=20,
                                   error_messages={"required": "请填写心愿人的手机号。"})
    union = forms.ModelChoiceField(label="所属工会", queryset=Organization.objects.none(),
                                   error_messages={"required": "请选择所属工会。",
                                                   "invalid_choice": "请选择列表中的工会。"})
    publish = forms.BooleanField(label="已核实，直接发布", required=False)

    class Meta:
        model = Wish
        fields = ["what", "why", "value"]
        error_messages = {"what": {"required": "请填写心愿内容。"}, "why": {"required": "请填写心愿缘由。"},
                          "value": {"required": "请填写心愿价值。", "max_value": "微心愿价值不超过 500 元。",
                                    "min_value": "价值至少 1 元。", "invalid": "请填写数字。",
                                    "max_digits": "请填写合理的金额。"}}
        widgets = {"why": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions if unions is not None else Organization.objects.none()

    def clean_what(self):
        return _clean_text(self.cleaned_data["what"])

    def clean_why(self):
        return _clean_text(self.cleaned_data["why"])

    def clean_wisher_phone(self):
        phone = normalize_mobile(self.cleaned_data["wisher_phone"])
        user = get_user_model().objects.filter(username=phone, is_active=True).first()
        if user is None:
            raise forms.ValidationError("没有找到使用这个手机号注册的职工，请先请其在平台注册。")
        return user


class WishConfirmForm(forms.Form):
    photo = UploadField(kind="image", label="心愿实现照片", required=True,
                        error_messages={"required": "请上传心愿实现的照片。"})
