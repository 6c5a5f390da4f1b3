from __future__ import annotations

from django import forms
from django.utils import timezone

from apps.core.uploads import UploadField

from .models import ConsultationCategory, RiskScreening

TEXTAREA = {"class": "form-control"}


class AskForm(forms.Form):
    category = forms.ModelChoiceField(label="问题类别", queryset=ConsultationCategory.objects.all(),
                                      empty_label="请选择类别",
                                      error_messages={"required": "请选择问题类别。",
                                                      "invalid_choice": "请选择列表中的类别。"})
    facts = forms.CharField(label="事实经过", max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="请写明时间、单位、发生了什么、您希望得到什么帮助。不必写身份证号等敏感信息。",
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
