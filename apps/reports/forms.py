from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from apps.core import indicators as core_indicators
from apps.core.fields import ModelMultipleIdsField
from apps.core.models import Organization
from apps.core.uploads import UploadField

from . import schema
from .models import ReportField, ReportTask, ValidationRule


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportTaskForm(forms.ModelForm):
    class Meta:
        model = ReportTask
        fields = ["title", "instructions", "audience", "chosen_organizations", "period", "start_date", "end_date",
                  "due_date", "due_days_after", "grace_days", "lock_after_days", "remind_days_before"]
        field_classes = {"chosen_organizations": ModelMultipleIdsField}
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput(), "end_date": DateInput(), "due_date": DateInput(),
            "chosen_organizations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen_organizations"].queryset = Organization.objects.filter(
            org_type__in=[Organization.Type.COUNTY, Organization.Type.INDUSTRY], is_active=True).order_by("path")
        self.fields["chosen_organizations"].help_text = "仅当“填报单位”选择“指定的组织”时使用"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def clean(self):
        data = super().clean()
        if data.get("period") == ReportTask.Period.ONCE:
            if not data.get("end_date"):
                self.add_error("end_date", "一次性任务请填写统计截止日期。")
            if not data.get("due_date"):
                self.add_error("due_date", "一次性任务请填写报送截止日期。")
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "统计截止日期不能早于起始日期。")
        if data.get("audience") == ReportTask.Audience.CHOSEN and not data.get("chosen_organizations"):
            self.add_error("chosen_organizations", "请选择需要报送的组织。")
        return data


class ReportFieldForm(forms.Form):
    label = forms.CharField(label="名称", max_length=80)
    kind = forms.ChoiceField(label="类型", choices=ReportField.Kind.choices,
                             help_text="平台已能统计的数字（如求职登记人数、达成就业人数）请选“指标（自动计算）”，"
                                       "不要让各单位重复填报")
    indicator_key = forms.ChoiceField(label="指标", required=False, help_text="类型为“指标”时选择")
    group = forms.CharField(label="分组", max_length=40, initial="基本情况", required=False)
    choices = forms.CharField(label="选项", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="类型为“选项”时填写，每行一个")
    required = forms.BooleanField(label="必填", required=False, initial=True)
    allow_negative = forms.BooleanField(label="允许负数", required=False)
    help_text = forms.CharField(label="填写提示", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = sorted(core_indicators.all_indicators().values(), key=lambda i: i.key)
        self.fields["indicator_key"].choices = [("", "——")] + [
            (i.key, f"{i.label}（{i.unit}）") for i in indicators]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("label", css_class="col-md-6"), Column("kind", css_class="col-md-3"),
                Column("group", css_class="col-md-3")),
            Row(Column("indicator_key", css_class="col-md-6"), Column("choices", css_class="col-md-6")),
            Row(Column("help_text", css_class="col-md-6"), Column("required", "allow_negative", css_class="col-md-6")),
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportField.Kind.INDICATOR and not data.get("indicator_key"):
            self.add_error("indicator_key", "请选择指标。")
        if data.get("kind") == ReportField.Kind.CHOICE and len(
                [c for c in (data.get("choices") or "").splitlines() if c.strip()]) < 2:
            self.add_error("choices", "选项类型至少需要两个选项，每行一个。")
        return data


class ValidationRuleForm(forms.Form):
    left = forms.ChoiceField(label="填报项")
    operator = forms.ChoiceField(label="关系", choices=ValidationRule.Operator.choices,
                                 help_text="手填数字“等于”某个指标时，不一致只提示核实、不阻止报送；其他关系不满足时不能报送")
    right = forms.ChoiceField(label="另一填报项")
    message = forms.CharField(label="不符合时的提示", max_length=200)

    def __init__(self, *args, task: ReportTask, **kwargs):
        super().__init__(*args, **kwargs)
        numeric = [(f.key, f.label) for f in task.fields.all() if f.is_numeric]
        self.fields["left"].choices = numeric
        self.fields["right"].choices = numeric
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("left", css_class="col-md-4"), Column("operator", css_class="col-md-2"),
                Column("right", css_class="col-md-6")),
            "message",
        )

    def clean(self):
        data = super().clean()
        if data.get("left") and data.get("left") == data.get("right"):
            self.add_error("right", "请选择两个不同的填报项。")
        return data


class SubmissionForm(forms.Form):
    """The task's own form, built from its fields; indicators are shown, not entered."""

    def __init__(self, *args, task: ReportTask, fields: list[ReportField], submission, indicator_values: dict,
                 submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.task_fields = [f for f in fields if f.kind != ReportField.Kind.INDICATOR]
        self.all_fields = fields
        self.rules = list(task.rules.all())
        self.submitting = submitting
        self.indicator_values = indicator_values
        self.existing = dict(submission.values)
        for field in self.task_fields:
            self.fields[field.key] = self._form_field(field, self.existing.get(field.key))

    def _form_field(self, field: ReportField, current):
        # Required fields are marked; a draft may still leave them blank (see __init__).
        required = field.required and not (field.kind == ReportField.Kind.FILE and current)
        common = {"label": field.label, "help_text": field.help_text,
                  "required": required and (self.submitting or not self.is_bound)}
        kind = ReportField.Kind
        if field.kind == kind.NUMBER:
            return forms.DecimalField(min_value=None if field.allow_negative else 0, max_digits=16,
                                      decimal_places=2, initial=current,
                                      error_messages={"invalid": "请输入数字。", "min_value": "不能为负数。",
                                                      "max_decimal_places": "最多保留两位小数。"},
                                      widget=forms.NumberInput(attrs={"inputmode": "decimal"}), **common)
        if field.kind == kind.TEXT:
            return forms.CharField(initial=current, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 4}), **common)
        if field.kind == kind.CHOICE:
            return forms.ChoiceField(choices=[("", "——")] + [(c, c) for c in field.choice_list], initial=current,
                                     **common)
        if field.kind == kind.DATE:
            return forms.DateField(initial=current, widget=DateInput(), **common)
        if current:
            common["help_text"] = ((field.help_text + "；") if field.help_text else "") + "已上传，重新选择可替换"
        return UploadField(kind="document", **common)

    def clean(self):
        data = super().clean()
        if not self.submitting or self.errors:
            return data
        values = {**self.existing}
        for field in self.task_fields:
            if field.kind == ReportField.Kind.FILE:
                if data.get(field.key):
                    values[field.key] = "new"
            else:
                values[field.key] = data.get(field.key)
        for key, messages in schema.submission_errors(self.all_fields, self.rules, values,
                                                      self.indicator_values).items():
            target = key if key in self.fields else None
            for message in messages:
                label = next((f.label for f in self.all_fields if f.key == key), key)
                self.add_error(target, message if target else f"{label}：{message}")
        return data

    def values(self) -> dict:
        values = {}
        for field in self.task_fields:
            if field.kind != ReportField.Kind.FILE:
                value = self.cleaned_data.get(field.key)
                values[field.key] = "" if value is None else value
        return values

    def files_by_key(self) -> dict:
        return {f.key: self.cleaned_data.get(f.key) for f in self.task_fields
                if f.kind == ReportField.Kind.FILE and self.cleaned_data.get(f.key)}


class ReviewForm(forms.Form):
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)
