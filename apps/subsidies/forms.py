from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import SensitiveConsentMixin
from apps.core.models import Enterprise
from apps.core.uploads import UploadField
from apps.core.validators import normalize_mobile, normalize_resident_id

from .consents import TRANSPORT_SUBSIDY
from .models import Application, DuesDeferral, Programme
from .services import normalize_bank_account

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationForm(SensitiveConsentMixin, forms.Form):
    consent_purpose = TRANSPORT_SUBSIDY
    real_name = forms.CharField(label="姓名", max_length=30)
    id_number = forms.CharField(label="身份证号", max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
                                help_text="仅用于核对每人限领一次，加密保存")
    phone = forms.CharField(label="手机号", max_length=11, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    enterprise = forms.ModelChoiceField(label="返岗企业", queryset=Enterprise.objects.none(), empty_label="请选择",
                                        help_text="须为焦作市内已复工的企业，由该企业工会确认您已返岗")
    origin = forms.CharField(label="出发地", max_length=60, help_text="例如：河南省信阳市、四川省成都市")
    band = forms.ChoiceField(label="出发地距离", choices=Application.Band.choices)
    returned_on = forms.DateField(label="返岗日期", widget=DATE)
    receipt_1 = UploadField(kind="receipt", label="车票或票据", help_text="照片（JPG、PNG）或 PDF，5MB 以内")
    receipt_2 = UploadField(kind="receipt", label="车票或票据（第二张，可选）", required=False)
    receipt_3 = UploadField(kind="receipt", label="车票或票据（第三张，可选）", required=False)
    bank_name = forms.CharField(label="开户银行", max_length=40, help_text="例如：中国工商银行焦作分行")
    bank_account = forms.CharField(label="银行卡号", max_length=30,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                                   help_text="须为本人名下账户，补贴将转入此账户")

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["enterprise"].queryset = (Enterprise.objects.verified()
                                              .filter(district__path__startswith=programme.organization.path)
                                              .select_related("district").order_by("name"))
        self.fields["returned_on"].help_text = (f"{programme.return_from:%Y-%m-%d} 至 "
                                                f"{programme.return_until:%Y-%m-%d} 之间")

    def clean_id_number(self) -> str:
        return normalize_resident_id(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])

    def clean_returned_on(self):
        value = self.cleaned_data["returned_on"]
        if not self.programme.return_from <= value <= self.programme.return_until:
            raise ValidationError(f"返岗日期须在 {self.programme.return_from:%Y-%m-%d} 至 "
                                  f"{self.programme.return_until:%Y-%m-%d} 之间。")
        return value

    def clean_bank_account(self) -> str:
        try:
            return normalize_bank_account(self.cleaned_data["bank_account"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["bank_account"]) from None

    def receipts(self) -> list:
        return [self.cleaned_data[name] for name in ("receipt_1", "receipt_2", "receipt_3")
                if self.cleaned_data.get(name)]


class AccountCorrectionForm(forms.Form):
    bank_name = forms.CharField(label="开户银行", max_length=40)
    bank_account = forms.CharField(label="银行卡号", max_length=30,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def clean_bank_account(self) -> str:
        try:
            return normalize_bank_account(self.cleaned_data["bank_account"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["bank_account"]) from None


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("pass", "通过"), ("reject", "不予通过")],
                                 widget=forms.RadioSelect, initial="pass")
    amount = forms.DecimalField(label="核定金额（元）", required=False, max_digits=12, decimal_places=2,
                                help_text="留空按项目标准计算")
    comment = forms.CharField(label="意见", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, with_amount: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_amount:
            del self.fields["amount"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "请填写不予通过的理由。")
        return data


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "description", "return_from", "return_until", "apply_until", "rule", "flat_amount",
                  "near_amount", "mid_amount", "far_amount", "cap", "fund_account", "is_open"]
        widgets = {"return_from": DATE, "return_until": DATE, "apply_until": DATE,
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_account"].queryset = accounts
        self.fields["fund_account"].label_from_instance = lambda a: f"{a} · 可用 {a.available} 元"

    def clean(self):
        data = super().clean()
        start, end = data.get("return_from"), data.get("return_until")
        if start and end and end < start:
            self.add_error("return_until", "返岗日期止不能早于返岗日期起。")
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200, initial="账户信息有误，银行退回")


class DeferralForm(forms.ModelForm):
    class Meta:
        model = DuesDeferral
        fields = ["enterprise", "period_start", "period_end", "deferred_until", "amount", "reason"]
        widgets = {"period_start": DATE, "period_end": DATE, "deferred_until": DATE}

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["enterprise"].empty_label = "请选择"

    def _post_clean(self):
        # The service validates and builds the record; the model's own checks need fields it sets.
        pass
