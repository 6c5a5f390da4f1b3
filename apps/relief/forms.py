"""Forms of the relief app: shape and bounds of input; the services enforce the rules again."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.forms import SensitiveConsentMixin
from apps.core.models import Organization
from apps.core.uploads import UploadField, validate_upload
from apps.core.validators import normalize_mobile

from .consents import AID_APPLICATION
from .models import AidApplication, Cause, Fund, FundAccount, NeedyFile, NeedyHelp, Tier, Visit, VisitPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2}
PROOF_MIMES = {"application/pdf", "image/jpeg", "image/png"}


class ProofField(UploadField):
    """A document or photo that proves something: only an image or a PDF, judged by its bytes."""

    def __init__(self, **kwargs):
        super().__init__(kind="document", **kwargs)
        self.widget.attrs["accept"] = ",".join(sorted(PROOF_MIMES))
        self.help_text = "图片（JPG、PNG）或 PDF，不超过 10 MB"

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and hasattr(value, "size") and value is not initial:
            if validate_upload(value, "document") not in PROOF_MIMES:
                raise ValidationError("只接受图片（JPG、PNG）或 PDF 文件。")
            value.seek(0)
        return value


def _money(label: str, *, required: bool = True, minimum: str = "0.01", **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=Decimal(minimum),
                              max_value=Decimal("9999999999.99"), **MONEY_FIELD,
                              error_messages={"min_value": "金额必须大于零。" if minimum != "0" else "不能为负数。",
                                              "max_value": "金额过大。", "max_digits": "金额过大。",
                                              "max_decimal_places": "最多精确到分（两位小数）。",
                                              "invalid": "请输入数字。"}, **kwargs)


class FundForm(forms.Form):
    name = forms.CharField(label="资金名称", max_length=100)
    source = forms.CharField(label="资金来源", max_length=200, help_text="例如：省总工会下拨、市财政拨付")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={"min_value": "年度应在 2000 到 2100 之间。",
                                              "max_value": "年度应在 2000 到 2100 之间。"})
    total = _money("资金总额（元）")
    purposes = forms.MultipleChoiceField(label="允许用途", choices=Fund.Purpose.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "请至少选择一项允许的用途。"})


class AllocationForm(forms.Form):
    organization = forms.ModelChoiceField(label="分配给", queryset=Organization.objects.none(), empty_label="请选择")
    amount = _money("分配金额（元）")
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, source: FundAccount, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            path__startswith=source.organization.path, is_active=True).exclude(pk=source.organization_id).order_by(
            "path")


class AidFactsForm(forms.Form):
    cause = forms.ChoiceField(label="致困原因", choices=[("", "请选择"), *Cause.choices])
    household_size = forms.IntegerField(label="家庭人口", min_value=1, max_value=20,
                                        error_messages={"min_value": "家庭人口至少 1 人。",
                                                        "max_value": "家庭人口不超过 20 人。"})
    household_income = _money("家庭月收入（元）", minimum="0", help_text="全家每月收入合计")
    description = forms.CharField(label="困难情况", max_length=2000, min_length=10,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="说明家庭遇到的困难（10 到 2000 字）")
    document = ProofField(label="证明材料", required=False)


class AidApplyForm(SensitiveConsentMixin, AidFactsForm):
    """The worker's own application."""

    consent_purpose = AID_APPLICATION
    real_name = forms.CharField(label="姓名", max_length=50)
    workplace = forms.CharField(label="工作单位", max_length=100)
    organization = forms.ModelChoiceField(
        label="所在县（市、区）总工会", required=False, empty_label="请选择",
        queryset=Organization.objects.filter(org_type__in=[Organization.Type.COUNTY, Organization.Type.INDUSTRY]),
        help_text="已加入工会的会员由所在基层工会初审，无需选择")
    field_order = ["real_name", "workplace", "organization", "cause", "household_size", "household_income",
                   "description", "document"]

    def __init__(self, *args, union=None, **kwargs):
        super().__init__(*args, **kwargs)
        if union is not None:
            del self.fields["organization"]


class AidEnterForm(AidApplyForm):
    """A union staff member applies on a worker's behalf; the worker is found by their mobile number."""

    consent_attested = True
    phone = forms.CharField(label="职工手机号码", max_length=20, help_text="职工在本平台注册的手机号码")
    field_order = ["phone", *AidApplyForm.field_order]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, union=True, **kwargs)

    def clean_phone(self):
        try:
            phone = normalize_mobile(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError("请输入正确的手机号码。") from None
        worker = get_user_model().objects.filter(username=phone, is_active=True).first()
        if worker is None:
            raise ValidationError("没有找到用该手机号码注册的职工，请职工先在本平台注册。")
        self.worker = worker
        return phone


class AidReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "退回时请写明理由。"})


class AidPaymentReturnForm(forms.Form):
    """The bank sent a paid aid payment back: why, when, and how much (the whole payment)."""

    reason = forms.CharField(label="退回原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="例如：卡号有误、账户已销户、户名不符",
                             error_messages={"required": "请填写退回原因。",
                                             "max_length": "退回原因不超过200个字。"})
    returned_on = forms.DateField(label="退回日期", widget=DATE, help_text="银行退回款项的日期",
                                  error_messages={"required": "请填写退回日期。", "invalid": "请输入有效的日期。"})
    amount = _money("退回金额（元）", help_text="应与已发放金额一致")

    def __init__(self, *args, application: AidApplication, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["amount"].initial = application.amount
        self.fields["returned_on"].initial = timezone.localdate()

    def clean_returned_on(self):
        value = self.cleaned_data["returned_on"]
        if value > timezone.localdate():
            raise ValidationError("退回日期不能晚于今天。")
        return value


class AidApproveForm(forms.Form):
    reason = forms.CharField(label="审核意见", max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, final: bool = False, accounts=None, application: AidApplication | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        if final:
            self.fields["tier"] = forms.ChoiceField(label="核定档次", choices=[("", "请选择"), *Tier.choices],
                                                    initial=application.proposed_tier if application else "")
            self.fields["amount"] = _money("核定金额（元）",
                                           initial=application.proposed_amount if application else None)
            self.fields["account"] = forms.ModelChoiceField(label="支出资金", queryset=accounts,
                                                            empty_label="请选择")
            self.fields["account"].label_from_instance = (
                lambda a: f"{a.fund} · {a.organization.name}（可用 {a.available} 元）")


class VisitPlanForm(forms.ModelForm):
    class Meta:
        model = VisitPlan
        fields = ["title", "group", "account", "planned_people", "budget", "start_on", "end_on"]
        widgets = {"start_on": DATE, "end_on": DATE}

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].required = False
        self.fields["account"].help_text = "发放慰问金时必选；只发慰问品可不选"
        self.fields["account"].label_from_instance = (
            lambda a: f"{a.fund} · {a.organization.name}（可用 {a.available} 元）")

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", "结束日期不能早于开始日期。")
        return data


class VisitForm(forms.Form):
    recipient_name = forms.CharField(label="慰问对象姓名", max_length=50)
    recipient_workplace = forms.CharField(label="工作单位或项目", max_length=100)
    form = forms.ChoiceField(label="慰问形式", choices=Visit.Form.choices)
    goods = forms.CharField(label="慰问品", max_length=200, required=False)
    value = _money("金额或价值（元）")
    visited_on = forms.DateField(label="慰问日期", widget=DATE)
    visitors = forms.CharField(label="慰问人员", max_length=200)
    acknowledgement = ProofField(label="签收凭证", required=False)
    confirmed = forms.BooleanField(label="对象已确认收到（无签收凭证时勾选）", required=False)

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise ValidationError("慰问日期不能晚于今天。")
        return value


class NeedyFileForm(forms.Form):
    real_name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18, min_length=15)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    workplace = forms.CharField(label="工作单位", max_length=100)
    category = forms.ChoiceField(label="困难类型", choices=[("", "请选择"), *NeedyFile.Category.choices])
    household_size = forms.IntegerField(label="家庭人口", min_value=1, max_value=20,
                                        error_messages={"min_value": "家庭人口至少 1 人。",
                                                        "max_value": "家庭人口不超过 20 人。"})
    household_income = _money("家庭月收入（元）", minimum="0")
    hardship = forms.CharField(label="致困情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class NeedyReviewForm(forms.Form):
    household_income = _money("复核时家庭月收入（元）", minimum="0")
    note = forms.CharField(label="复核情况", max_length=500)


class NeedyCloseForm(forms.Form):
    reason = forms.CharField(label="销档原因", max_length=300, error_messages={"required": "销档时请写明原因。"})


class NeedyHelpForm(forms.Form):
    source = forms.ChoiceField(label="帮扶来源", choices=NeedyHelp.Source.choices)
    amount = _money("金额（元）", minimum="0", required=False)
    description = forms.CharField(label="帮扶内容", max_length=300)
    given_on = forms.DateField(label="帮扶日期", widget=DATE)


class TierRuleForm(forms.Form):
    tier = forms.ChoiceField(label="档次", choices=Tier.choices)
    cause = forms.ChoiceField(label="致困原因", choices=[("", "各类原因"), *Cause.choices], required=False)
    income_ceiling = _money("人均月收入上限（元）", minimum="0")
    amount = _money("标准金额（元）")
    max_amount = _money("最高金额（元）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The table shows the labels once, in its header; each cell still needs its own name.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def clean(self):
        data = super().clean()
        if data.get("amount") and data.get("max_amount") and data["max_amount"] < data["amount"]:
            self.add_error("max_amount", "最高金额不能低于标准金额。")
        return data


TierRuleFormSet = forms.formset_factory(TierRuleForm, extra=1, max_num=30, validate_max=True)
