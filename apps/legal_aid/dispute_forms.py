"""Forms of labour disputes and collective negotiations (the services check every rule again)."""
from __future__ import annotations

from django import forms
from django.utils import timezone

from apps.core.uploads import UploadField

from .models import COLLECTIVE_MIN_WORKERS, CollectiveNegotiation, DisputeThresholds, LabourDispute

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COLLECTIVE_RULE = (f"劳动者一方在 {COLLECTIVE_MIN_WORKERS} 人以上并有共同请求的争议为集体劳动争议"
                   "（《劳动争议调解仲裁法》第七条），填写人数达到 10 人时系统自动认定。")
AMOUNT_ERRORS = {"min_value": "涉及金额不能为负数。", "max_digits": "金额过大。", "max_whole_digits": "金额过大。",
                 "max_decimal_places": "金额最多保留两位小数。", "invalid": "请填写有效的金额。"}


def _enterprise_field(label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=None, empty_label="请选择企业",
                                  error_messages={"required": "请选择企业。",
                                                  "invalid_choice": "只能选择本组织及下级组织的企业。"})


class DisputeForm(forms.ModelForm):
    enterprise = _enterprise_field("企业")

    class Meta:
        model = LabourDispute
        fields = ["enterprise", "dispute_type", "epidemic_related", "occurred_on", "workers_involved", "amount",
                  "collective", "description"]
        widgets = {"occurred_on": DATE, "description": forms.Textarea(attrs={"rows": 5}),
                   "workers_involved": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
                   "amount": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"})}
        labels = {"collective": "集体劳动争议（职工有共同请求）",
                  "epidemic_related": "因疫情引发（疫情期间停工、隔离、工资待遇等）"}
        help_texts = {"collective": COLLECTIVE_RULE,
                      "description": "写明职工诉求、企业态度和目前采取的措施；不必写身份证号等个人信息。",
                      "amount": "拖欠工资、经济补偿等涉及的总金额；不涉及金额的填 0。"}
        error_messages = {
            "dispute_type": {"required": "请选择争议类型。", "invalid_choice": "请选择争议类型。"},
            "occurred_on": {"required": "请填写发生日期。", "invalid": "请填写有效的日期。"},
            "workers_involved": {"required": "请填写涉及职工人数。", "min_value": "涉及职工人数至少为 1 人。",
                                 "max_value": "涉及职工人数不能超过 1,000,000。", "invalid": "请填写整数。"},
            "amount": {"required": "请填写涉及金额（不涉及金额的填 0）。", **AMOUNT_ERRORS},
            "description": {"required": "请填写争议情况。", "max_length": "争议情况不能超过 4000 字。"},
        }

    def __init__(self, *args, user=None, **kwargs):
        from .selectors import enterprises_for_screening

        super().__init__(*args, **kwargs)
        if "enterprise" in self.fields:
            self.fields["enterprise"].queryset = enterprises_for_screening(user).order_by("name")
            self.fields["occurred_on"].initial = timezone.localdate()
        self.fields["dispute_type"].choices = [("", "请选择争议类型"), *LabourDispute.Type.choices]
        self.fields["amount"].initial = 0

    def clean(self):
        data = super().clean()
        occurred_on = data.get("occurred_on")
        if occurred_on and occurred_on > timezone.localdate():
            self.add_error("occurred_on", "发生日期不能晚于今天。")
        workers = data.get("workers_involved")
        if workers is not None and workers >= COLLECTIVE_MIN_WORKERS:
            data["collective"] = True
        return data


class DisputeEditForm(DisputeForm):
    class Meta(DisputeForm.Meta):
        fields = [name for name in DisputeForm.Meta.fields if name != "enterprise"]

    enterprise = None


class ProgressForm(forms.Form):
    happened_on = forms.DateField(label="日期", widget=DATE,
                                  error_messages={"required": "请填写日期。", "invalid": "请填写有效的日期。"})
    to_status = forms.ChoiceField(label="状态变为", required=False,
                                  error_messages={"invalid_choice": "请选择当前状态允许的下一步。"})
    note = forms.CharField(label="进展情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写进展情况。", "max_length": "进展情况不能超过 2000 字。"})
    resolution = forms.CharField(label="处理结果（结案时必填）", max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"max_length": "处理结果不能超过 2000 字。"})

    def __init__(self, *args, dispute: LabourDispute, **kwargs):
        from .services import DISPUTE_TRANSITIONS

        super().__init__(*args, **kwargs)
        labels = dict(LabourDispute.Status.choices)
        self.fields["to_status"].choices = [("", "不改变状态"), *[
            (value, labels[value]) for value in DISPUTE_TRANSITIONS[dispute.status]]]
        self.fields["happened_on"].initial = timezone.localdate()

    def clean_happened_on(self):
        value = self.cleaned_data["happened_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("进展日期不能晚于今天。")
        return value


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = DisputeThresholds
        fields = ["major_workers", "major_amount"]
        widgets = {"major_workers": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
                   "major_amount": forms.NumberInput(attrs={"min": 1, "step": "0.01", "inputmode": "decimal"})}
        error_messages = {
            "major_workers": {"required": "请填写人数标准。", "min_value": "人数标准至少为 1 人。",
                              "max_value": "人数标准不能超过 1,000,000。", "invalid": "请填写整数。"},
            "major_amount": {"required": "请填写金额标准。", **AMOUNT_ERRORS, "min_value": "金额标准至少为 1 元。"},
        }


class NegotiationForm(forms.ModelForm):
    enterprise = _enterprise_field("企业")
    agreement_file = UploadField(kind="agreement", label="协议文本（可选）", required=False)

    class Meta:
        model = CollectiveNegotiation
        fields = ["enterprise", "topic", "held_on", "union_side", "employer_side", "agreement_reached",
                  "agreement_summary", "workers_covered", "valid_from", "valid_until"]
        widgets = {"held_on": DATE, "valid_from": DATE, "valid_until": DATE,
                   "union_side": forms.TextInput(attrs={"placeholder": "如：工会主席 李明，职工代表 王强、赵丽"}),
                   "employer_side": forms.TextInput(attrs={"placeholder": "如：总经理 张华，人事部经理 刘洋"}),
                   "agreement_summary": forms.Textarea(attrs={"rows": 4}),
                   "workers_covered": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})}
        labels = {"agreement_summary": "协议主要内容（达成协议时必填）"}
        help_texts = {"agreement_reached": "双方签订了书面协议（专项集体合同、工资协议等）。",
                      "workers_covered": "协议适用的职工人数。"}
        error_messages = {
            "topic": {"required": "请选择协商议题。", "invalid_choice": "请选择协商议题。"},
            "held_on": {"required": "请填写协商日期。", "invalid": "请填写有效的日期。"},
            "union_side": {"required": "请填写职工方代表。", "max_length": "职工方代表不能超过 300 字。"},
            "employer_side": {"required": "请填写企业方代表。", "max_length": "企业方代表不能超过 300 字。"},
            "agreement_summary": {"max_length": "协议主要内容不能超过 4000 字。"},
            "workers_covered": {"min_value": "覆盖职工人数不能为负数。",
                                "max_value": "覆盖职工人数不能超过 1,000,000。", "invalid": "请填写整数。"},
            "valid_from": {"invalid": "请填写有效的日期。"},
            "valid_until": {"invalid": "请填写有效的日期。"},
        }

    def __init__(self, *args, user=None, **kwargs):
        from .selectors import enterprises_for_screening

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises_for_screening(user).order_by("name")
        self.fields["topic"].choices = [("", "请选择议题"), *CollectiveNegotiation.Topic.choices]
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["workers_covered"].required = False

    def clean(self):
        data = super().clean()
        held_on = data.get("held_on")
        if held_on and held_on > timezone.localdate():
            self.add_error("held_on", "协商日期不能晚于今天。")
        reached = data.get("agreement_reached")
        if reached and not (data.get("agreement_summary") or "").strip():
            self.add_error("agreement_summary", "达成协议时请填写协议主要内容。")
        valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", "协议截止日期不能早于生效日期。")
        if not reached:
            if valid_from or valid_until:
                self.add_error("valid_from" if valid_from else "valid_until", "未达成协议，无需填写协议期限。")
            if data.get("agreement_file"):
                self.add_error("agreement_file", "未达成协议，无需上传协议文本。")
        if data.get("workers_covered") is None and "workers_covered" not in self.errors:
            data["workers_covered"] = 0
        return data
