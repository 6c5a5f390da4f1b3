from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.models import Enterprise, Organization
from apps.core.uploads import UploadField
from apps.core.validators import normalize_mobile

from .models import MAX_FIGURE, PLAN_ITEMS, Hazard, PlanVersion, TemplateItem
from .selectors import enterprises_for_user

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _clean_text(value: str) -> str:
    return (value or "").strip()


class EnterpriseChoiceMixin:
    def _limit_enterprises(self, user) -> None:
        queryset = enterprises_for_user(user).order_by("name")
        self.fields["enterprise"].queryset = queryset
        if queryset.count() == 1:
            self.fields["enterprise"].initial = queryset.first().pk


# --- the public form ------------------------------------------------------------------------------

class PublicHazardForm(forms.Form):
    district = forms.ModelChoiceField(label="企业所在县（市、区）", queryset=Organization.objects.none(),
                                      empty_label="请选择")
    enterprise_name = forms.CharField(label="企业名称", max_length=120,
                                      help_text="请填写营业执照上的企业全称，或其中能唯一确定企业的部分")
    location = forms.CharField(label="隐患所在位置", max_length=100, required=False,
                               help_text="例如：二号车间冲压线旁")
    description = forms.CharField(label="隐患描述", min_length=10, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text="说明看到了什么、可能造成什么危险（10 到 2000 字）")
    photo = UploadField(kind="image", label="现场照片（可选）", required=False)
    reporter_name = forms.CharField(label="您的姓名（可不填）", max_length=30, required=False)
    reporter_phone = forms.CharField(label="联系电话（可不填）", max_length=20, required=False,
                                     help_text="仅工会工作人员可见，用于核实情况")
    # Left empty by people; filled by form-filling robots.
    homepage = forms.CharField(label="个人主页", required=False,
                               widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Organization.objects.filter(
            org_type=Organization.Type.COUNTY, is_active=True).order_by("code")

    def clean_description(self) -> str:
        text = _clean_text(self.cleaned_data["description"])
        if len(set(text)) < 4:
            raise ValidationError("请具体描述隐患情况。")
        return text

    def clean_reporter_phone(self) -> str:
        value = _clean_text(self.cleaned_data["reporter_phone"])
        if not value:
            return ""
        try:
            return normalize_mobile(value)
        except ValidationError:
            raise ValidationError("请填写正确的 11 位手机号，或留空。") from None

    def clean(self):
        data = super().clean()
        if data.get("homepage"):
            raise ValidationError("提交未成功，请刷新页面后重试。")
        district, name = data.get("district"), _clean_text(data.get("enterprise_name", ""))
        if district and name:
            matches = list(Enterprise.objects.filter(district=district, name__icontains=name)
                           .select_related("union", "district")[:5])
            exact = [e for e in matches if e.name == name]
            if exact:
                data["enterprise"] = exact[0]
            elif len(matches) == 1:
                data["enterprise"] = matches[0]
            elif not matches:
                self.add_error("enterprise_name", "在所选县（市、区）找不到这家企业，请核对企业名称。")
            else:
                self.add_error("enterprise_name", "有多家企业名称相近，请填写更完整的企业名称。")
        return data


class FollowForm(forms.Form):
    ref = forms.CharField(label="查询编号", max_length=16, help_text="提交举报后获得的编号，例如 YH2K7P9QXM")

    def clean_ref(self) -> str:
        value = _clean_text(self.cleaned_data["ref"]).upper()
        if not value.isalnum():
            raise ValidationError("查询编号只含字母和数字。")
        return value


# --- hazards --------------------------------------------------------------------------------------

class HazardAssignForm(forms.Form):
    level = forms.ChoiceField(label="隐患等级", choices=Hazard.Level.choices,
                              help_text="整改期限：一般 15 天，较大 7 天，重大 3 天（自上报之日起）")
    responsible_person = forms.CharField(label="整改责任人", max_length=30)
    note = forms.CharField(label="交办说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HazardRectifyForm(forms.Form):
    note = forms.CharField(label="整改措施", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = UploadField(kind="image", label="整改后照片", required=True,
                           error_messages={"required": "请上传整改后的现场照片作为证据。"})


class HazardVerifyForm(forms.Form):
    note = forms.CharField(label="验收意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HazardReopenForm(forms.Form):
    note = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请说明退回重新整改的原因。"})


class HazardRaiseForm(forms.Form):
    description = forms.CharField(label="隐患描述", min_length=5, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label="隐患等级", choices=Hazard.Level.choices)
    location = forms.CharField(label="具体位置", max_length=100, required=False)
    photo = UploadField(kind="image", label="现场照片", required=False)


class HazardFilterForm(forms.Form):
    STATUS_CHOICES = [("", "全部状态"), ("open", "未销号"), ("overdue", "已逾期"), *Hazard.Status.choices]
    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False,
                               widget=forms.Select(attrs={"class": "form-select", "aria-label": "状态"}))
    level = forms.ChoiceField(label="等级", choices=[("", "全部等级"), *Hazard.Level.choices], required=False,
                              widget=forms.Select(attrs={"class": "form-select", "aria-label": "等级"}))
    q = forms.CharField(label="企业或编号", max_length=60, required=False)


# --- plans ----------------------------------------------------------------------------------------

class PlanForm(EnterpriseChoiceMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), empty_label="请选择")
    resumed_on = forms.DateField(label="复工（计划）日期", required=False, widget=DATE)
    document = UploadField(kind="document", label="复工方案文件", required=False)
    note = forms.CharField(label="本次修改说明", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_enterprises(user)
        for key, label, hint in PLAN_ITEMS:
            self.fields[f"item_{key}"] = forms.CharField(
                label=label, help_text=hint, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": f"请说明“{label}”的措施。"})
            if plan is not None:
                self.fields[f"item_{key}"].initial = plan.checklist.get(key, "")
        if plan is not None:
            self.fields["enterprise"].initial = plan.enterprise_id
            self.fields["enterprise"].disabled = True
            self.fields["resumed_on"].initial = plan.resumed_on
            self.fields["document"].help_text += "；不上传则沿用上一版文件"

    def clean_resumed_on(self):
        value = self.cleaned_data.get("resumed_on")
        if value and (value.year < 2020 or (value - timezone.localdate()).days > 366):
            raise ValidationError("请填写 2020 年以后、一年以内的日期。")
        return value

    def checklist(self) -> dict:
        return {key: self.cleaned_data.get(f"item_{key}", "") for key, _, _ in PLAN_ITEMS}


class PlanReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=PlanVersion.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="审核意见", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == PlanVersion.Decision.RETURNED and not _clean_text(data.get("comment", "")):
            self.add_error("comment", "退回时请写明需要修改的地方。")
        return data


# --- templates and inspections --------------------------------------------------------------------

class TemplateForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=100)
    description = forms.CharField(label="适用说明", max_length=300, required=False)


class TemplateItemForm(forms.ModelForm):
    class Meta:
        model = TemplateItem
        fields = ["topic", "text", "pass_criterion"]


class InspectionStartForm(EnterpriseChoiceMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), empty_label="请选择")
    period = forms.CharField(label="自查期间（年月）", max_length=7, help_text="例如 2026-03",
                             widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, user, items, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_enterprises(user)
        self.items = items
        self.fields["period"].initial = timezone.localdate().strftime("%Y-%m")
        for item in items:
            self.fields[f"pass_{item.pk}"] = forms.TypedChoiceField(
                label=f"{item.text}", help_text=f"合格标准：{item.pass_criterion}",
                choices=[("1", "合格"), ("0", "不合格")], coerce=lambda v: v == "1", widget=forms.RadioSelect,
                error_messages={"required": "请选择合格或不合格。"})
            self.fields[f"note_{item.pk}"] = forms.CharField(label="说明", max_length=300, required=False)

    def clean_period(self) -> str:
        from .services import validate_period

        try:
            return validate_period(self.cleaned_data["period"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["period"]) from None

    def clean(self):
        data = super().clean()
        for item in self.items:
            if data.get(f"pass_{item.pk}") is False and not _clean_text(data.get(f"note_{item.pk}", "")):
                self.add_error(f"note_{item.pk}", "不合格的项目请说明具体情况。")
        return data

    def answers(self) -> dict[int, tuple[bool, str]]:
        return {item.pk: (self.cleaned_data[f"pass_{item.pk}"], self.cleaned_data.get(f"note_{item.pk}", ""))
                for item in self.items}


# --- visits, health, 安康杯 -------------------------------------------------------------------------

class VisitForm(EnterpriseChoiceMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), empty_label="请选择")
    visited_on = forms.DateField(label="检查日期", widget=DATE)
    visitors = forms.CharField(label="检查人员", max_length=200)
    findings = forms.CharField(label="检查情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_on = forms.DateField(label="复查日期", required=False, widget=DATE,
                                   help_text="到期当天提醒记录人复查")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_enterprises(user)
        self.fields["visited_on"].initial = timezone.localdate()


class HealthRulesForm(forms.Form):
    monitoring = forms.CharField(label="健康监测制度", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    entry = forms.CharField(label="出入管理制度", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    canteen = forms.CharField(label="食堂管理制度", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    hygiene = forms.CharField(label="环境卫生制度", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class HealthFigureForm(forms.Form):
    day = forms.DateField(label="日期", widget=DATE)
    on_site = forms.IntegerField(label="在岗人数", min_value=0, max_value=MAX_FIGURE)
    checked = forms.IntegerField(label="监测人数", min_value=0, max_value=MAX_FIGURE)
    abnormal = forms.IntegerField(label="异常人数", min_value=0, max_value=MAX_FIGURE)
    isolated = forms.IntegerField(label="隔离观察人数", min_value=0, max_value=MAX_FIGURE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()

    def clean(self):
        from .services import check_figures

        data = super().clean()
        names = ("on_site", "checked", "abnormal", "isolated")
        if all(data.get(n) is not None for n in names):
            try:
                check_figures(**{n: data[n] for n in names})
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(name, messages)
        return data


class AccidentForm(EnterpriseChoiceMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), empty_label="请选择")
    occurred_on = forms.DateField(label="发生日期", widget=DATE)
    summary = forms.CharField(label="事故概况", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    injured = forms.IntegerField(label="受伤人数", min_value=0, max_value=10_000, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_enterprises(user)


class AnkangRegisterForm(EnterpriseChoiceMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label="报名企业", queryset=Enterprise.objects.none(), empty_label="请选择")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_enterprises(user)
