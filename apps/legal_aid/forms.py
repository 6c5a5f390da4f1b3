from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from apps.core.forms import SensitiveConsentMixin
from apps.core.models import Organization
from apps.core.uploads import UploadField

from .consents import CASE_APPLICATION
from .models import (
    MAX_CASE_AMOUNT,
    MAX_WORKERS_INVOLVED,
    CaseStage,
    ConsultationCategory,
    LegalAidCase,
    RiskScreening,
)

TEXTAREA = {"class": "form-control"}


class AskForm(forms.Form):
    category = forms.ModelChoiceField(label="问题类别", queryset=ConsultationCategory.objects.all(),
                                      empty_label="请选择类别",
                                      error_messages={"required": "请选择问题类别。",
                                                      "invalid_choice": "请选择列表中的类别。"})
    facts = forms.CharField(label="事实经过", max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="请写明时间、单位、发生了什么、您希望得到什么帮助。不必写身份证号、病情、银行卡号等敏感信息。",
                            error_messages={"required": "请填写事实经过。", "max_length": "事实经过不能超过 4000 字。"})
    attachment = UploadField(kind="document", label="附件（可选）", required=False,
                             help_text="劳动合同、工资条、聊天记录截图等：PDF、JPG、PNG、Word 或 Excel。")
    allow_publish = forms.BooleanField(label="同意在隐去个人信息后，将问答匿名公开供其他职工参考", required=False)


class MessageForm(forms.Form):
    body = forms.CharField(label="内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "请填写内容。", "max_length": "内容不能超过 4000 字。"})

    def __init__(self, *args, label: str = "内容", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label="评价", coerce=int, choices=[(i, f"{i} 星") for i in range(5, 0, -1)],
                                    widget=forms.RadioSelect,
                                    error_messages={"required": "请选择评价星级。",
                                                    "invalid_choice": "请选择 1 到 5 星。"})
    comment = forms.CharField(label="评价意见（可选）", max_length=300, required=False,
                              error_messages={"max_length": "评价意见不能超过 300 字。"})


class AssignForm(forms.Form):
    lawyer = forms.ModelChoiceField(label="志愿律师", queryset=None, empty_label="请选择律师",
                                    error_messages={"required": "请选择律师。",
                                                    "invalid_choice": "请选择在册的志愿律师。"})

    def __init__(self, *args, **kwargs):
        from .selectors import lawyers

        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyers()
        self.fields["lawyer"].label_from_instance = lambda u: u.real_name or u.username


class CategoryHoursForm(forms.Form):
    first_answer_hours = forms.IntegerField(label="首次答复时限（小时）", min_value=1, max_value=168,
                                            error_messages={"required": "请填写时限。",
                                                            "invalid": "请填写整数小时。",
                                                            "min_value": "时限至少 1 小时。",
                                                            "max_value": "时限不能超过 168 小时。"})


class FaqForm(forms.Form):
    question = forms.CharField(label="问题（请删去姓名、单位、电话等个人信息）", max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": "请填写问题。", "max_length": "问题不能超过 2000 字。"})
    answer = forms.CharField(label="解答", max_length=6000, widget=forms.Textarea(attrs={"rows": 8}),
                             error_messages={"required": "请填写解答。", "max_length": "解答不能超过 6000 字。"})


class FaqSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=60)
    category = forms.ModelChoiceField(queryset=ConsultationCategory.objects.all(), required=False,
                                      empty_label="全部类别")


class ScreeningForm(forms.ModelForm):
    enterprise = forms.ModelChoiceField(label="企业", queryset=None, empty_label="请选择企业",
                                        error_messages={"required": "请选择企业。",
                                                        "invalid_choice": "只能排查本组织及下级组织的企业。"})

    class Meta:
        model = RiskScreening
        fields = ["enterprise", "screened_on", "headcount", "wage_arrears_amount", "wage_arrears_months",
                  "layoffs_planned", "social_insurance_arrears_months", "dispatched_workers", "complaints",
                  "production_halted", "is_dispatch_firm", "note"]
        widgets = {"screened_on": forms.DateInput(attrs={"type": "date"})}
        error_messages = {
            "screened_on": {"required": "请填写排查日期。", "invalid": "请填写有效的日期。"},
            "headcount": {"required": "请填写职工人数。", "max_value": "职工人数不能超过 1,000,000。",
                          "min_value": "人数不能为负数。"},
            "wage_arrears_amount": {"min_value": "金额不能为负数。", "max_digits": "金额过大。",
                                    "invalid": "请填写有效的金额。"},
        }

    def __init__(self, *args, user, **kwargs):
        from .selectors import enterprises_for_screening

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises_for_screening(user).order_by("name")
        self.fields["screened_on"].initial = timezone.localdate()
        for name in ("layoffs_planned", "dispatched_workers", "complaints", "wage_arrears_months",
                     "social_insurance_arrears_months", "headcount"):
            self.fields[name].error_messages.setdefault("min_value", "人数、月数、件数不能为负数。")
            self.fields[name].error_messages["min_value"] = "不能为负数。"
            self.fields[name].error_messages["invalid"] = "请填写整数。"

    def clean(self):
        data = super().clean()
        headcount = data.get("headcount")
        if headcount is not None:
            if (data.get("layoffs_planned") or 0) > headcount:
                self.add_error("layoffs_planned", "计划裁员人数不能超过职工人数。")
            if (data.get("dispatched_workers") or 0) > headcount:
                self.add_error("dispatched_workers", "劳务派遣人数不能超过职工人数。")
        screened_on = data.get("screened_on")
        if screened_on and screened_on > timezone.localdate():
            self.add_error("screened_on", "排查日期不能晚于今天。")
        return data


# --- legal-aid cases (green channel) ---------------------------------------------------------------

class YuanField(forms.DecimalField):
    """An amount in yuan typed in ASCII digits (Decimal would also read ١٢ or ²-like digits)."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        super().__init__(label=label, required=required, max_digits=14, decimal_places=2,
                         min_value=Decimal("0"), max_value=MAX_CASE_AMOUNT,
                         error_messages={"required": f"请填写{label.split('（')[0]}。", "invalid": "请填写数字金额。",
                                         "min_value": "金额不能为负数。",
                                         "max_value": "金额不能超过 10,000,000 元，请核对是否多输了位数。",
                                         "max_digits": "金额不能超过 10,000,000 元，请核对是否多输了位数。",
                                         "max_whole_digits": "金额不能超过 10,000,000 元，请核对是否多输了位数。",
                                         "max_decimal_places": "金额最多精确到分（两位小数）。"}, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
        if text and not text.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text)


class CaseApplyForm(SensitiveConsentMixin, forms.Form):
    consent_purpose = CASE_APPLICATION
    category = forms.ModelChoiceField(label="纠纷类型", queryset=ConsultationCategory.objects.all(),
                                      empty_label="请选择纠纷类型",
                                      error_messages={"required": "请选择纠纷类型。",
                                                      "invalid_choice": "请选择列表中的纠纷类型。"})
    district = forms.ModelChoiceField(
        label="所在县（市、区）总工会", required=False, empty_label="请选择",
        queryset=Organization.objects.filter(org_type__in=[Organization.Type.COUNTY, Organization.Type.INDUSTRY]
                                             ).order_by("code"),
        help_text="您还不是工会会员，申请由您选择的县（市、区）总工会受理",
        error_messages={"invalid_choice": "请选择列表中的工会。"})
    opponent_name = forms.CharField(label="对方当事人", max_length=120,
                                    help_text="用人单位全称，或个人姓名",
                                    error_messages={"required": "请填写对方当事人（单位名称或个人姓名）。",
                                                    "max_length": "对方当事人不能超过 120 字。"})
    amount_claimed = YuanField(label="请求金额（元）", required=False,
                               help_text="拖欠的工资、经济补偿等合计；没有具体金额可不填")
    workers_involved = forms.IntegerField(label="涉及职工人数", min_value=1, max_value=MAX_WORKERS_INVOLVED,
                                          initial=1, help_text="多名职工共同的纠纷请填写总人数",
                                          error_messages={"required": "请填写涉及职工人数。",
                                                          "invalid": "请填写整数。",
                                                          "min_value": "涉及职工人数至少为 1。",
                                                          "max_value": "涉及职工人数不能超过 10,000。"})
    facts = forms.CharField(label="纠纷经过", max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="请写明入职时间、岗位、发生了什么、您的请求。不必写身份证号。",
                            error_messages={"required": "请填写纠纷经过。", "max_length": "纠纷经过不能超过 4000 字。"})
    is_migrant_worker = forms.BooleanField(label="我是农民工", required=False)
    is_needy_worker = forms.BooleanField(label="我是困难职工（家庭生活困难，工会将核实）", required=False)
    is_epidemic_related = forms.BooleanField(label="纠纷因疫情引起（停工停产、隔离期间工资、复工后解除合同等）",
                                             required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, help_text="承办律师将通过此号码与您联系",
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                                    error_messages={"required": "请填写联系电话。"})
    attachment = UploadField(kind="document", label="证据材料（可选）", required=False)

    def __init__(self, *args, member_union=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = (
            "劳动合同、工资条、考勤记录、聊天记录截图等：PDF、JPG、PNG、Word 或 Excel，"
            f"不超过 {settings.UPLOAD_KINDS['document']['max_mb']} MB。")
        if member_union is not None:
            del self.fields["district"]
        else:
            self.fields["district"].required = True
            self.fields["district"].error_messages["required"] = "请选择您所在的县（市、区）总工会。"

    def clean_amount_claimed(self):
        value = self.cleaned_data.get("amount_claimed")
        return Decimal("0") if value is None else value


class CaseAcceptForm(forms.Form):
    green_channel = forms.BooleanField(label="走绿色通道（优先办理）", required=False)
    green_reason = forms.CharField(label="调整绿色通道的理由", max_length=300, required=False,
                                   help_text="与申请人申报的情况不一致时必填")
    needy_confirmed = forms.TypedChoiceField(
        label="困难职工身份核实", required=False, coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None, choices=[("", "暂未核实"), ("yes", "已核实，属实"), ("no", "核实不符")])
    lawyer = forms.ModelChoiceField(label="承办律师", queryset=None, required=False, empty_label="稍后指派",
                                    error_messages={"invalid_choice": "请选择在册的志愿律师。"})

    def __init__(self, *args, case=None, **kwargs):
        from .selectors import case_lawyers

        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = case_lawyers()
        self.fields["lawyer"].label_from_instance = lambda u: u.real_name or u.username
        if case is not None and not case.is_needy_worker:
            del self.fields["needy_confirmed"]


class CaseGreenForm(CaseAcceptForm):
    """Change the green channel while the case waits or runs (no lawyer here)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["lawyer"]


class CaseDeclineForm(forms.Form):
    reason = forms.CharField(label="不予受理的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="申请人会看到这段理由",
                             error_messages={"required": "不予受理时请写明理由。",
                                             "max_length": "理由不能超过 500 字。"})


class CaseAssignForm(forms.Form):
    lawyer = forms.ModelChoiceField(label="承办律师", queryset=None, empty_label="请选择律师",
                                    error_messages={"required": "请选择律师。",
                                                    "invalid_choice": "请选择在册的志愿律师。"})

    def __init__(self, *args, **kwargs):
        from .selectors import case_lawyers

        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = case_lawyers()
        self.fields["lawyer"].label_from_instance = lambda u: u.real_name or u.username


class CaseEntryForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=[(s.value, s.label) for s in CaseStage if s != CaseStage.CLOSED],
                              error_messages={"required": "请选择阶段。", "invalid_choice": "请选择列表中的阶段。"})
    happened_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"required": "请填写日期。", "invalid": "请填写有效的日期。"})
    body = forms.CharField(label="办理情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="例如：已向劳动人事争议仲裁委员会提交仲裁申请；调解达成协议，单位分两期支付。"
                                     "申请人可以看到。",
                           error_messages={"required": "请填写办理情况。", "max_length": "办理情况不能超过 2000 字。"})
    request_key = forms.UUIDField(widget=forms.HiddenInput, required=False,
                                  error_messages={"invalid": "表单已失效，请刷新页面后重新填写。"})

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("happened_on", timezone.localdate())
            self.initial.setdefault("request_key", uuid.uuid4())
            if case is not None and case.stage and case.stage != CaseStage.CLOSED:
                self.initial.setdefault("stage", case.stage)


class CaseCloseForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=[("", "请选择"), *LegalAidCase.Outcome.choices],
                                error_messages={"required": "结案时请选择办理结果。",
                                                "invalid_choice": "请选择列表中的办理结果。"})
    amount_recovered = YuanField(label="追回金额（元）", help_text="为职工实际追回或经裁决、调解确认的金额；没有填 0")
    closed_on = forms.DateField(label="结案日期", widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"required": "请填写结案日期。", "invalid": "请填写有效的日期。"})
    note = forms.CharField(label="结案说明（可选）", max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": "结案说明不能超过 1000 字。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_recovered"].error_messages["required"] = "请填写追回金额（没有追回填 0）。"
        if not self.is_bound:
            self.initial.setdefault("closed_on", timezone.localdate())
