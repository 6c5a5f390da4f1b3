from __future__ import annotations

from django import forms

from apps.core.models import Enterprise, Organization

from .models import NewFormWork


def _counties():
    return Organization.objects.filter(org_type=Organization.Type.COUNTY, is_active=True).order_by("code")


class _Clean(forms.Form):
    """Every text field refuses NUL bytes, which PostgreSQL cannot store."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "含有不允许的字符。")
        return cleaned


class IdentityForm(_Clean):
    real_name = forms.CharField(label="真实姓名", max_length=30)
    id_number = forms.CharField(label="身份证号码", max_length=18, min_length=15,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
                                help_text="18位居民身份证号码，仅用于核实身份、防止重复入会。")


class EmployerForm(_Clean):
    enterprise = forms.ModelChoiceField(label="工作单位", queryset=Enterprise.objects.all(), required=False,
                                        widget=forms.HiddenInput)
    no_fixed_employer = forms.BooleanField(label="我没有固定工作单位（如快递、外卖、网约车、家政等）", required=False)
    district = forms.ModelChoiceField(label="所在县（市、区）", queryset=Organization.objects.none(), required=False,
                                      empty_label="请选择", help_text="没有固定工作单位时必选：由当地联合工会受理。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _counties()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("no_fixed_employer"):
            cleaned["enterprise"] = None
            if not cleaned.get("district"):
                self.add_error("district", "没有固定工作单位时，请选择您所在的县（市、区）。")
        elif not cleaned.get("enterprise"):
            self.add_error("enterprise", "请先搜索并选择工作单位，或勾选“我没有固定工作单位”。")
        return cleaned


class WorkForm(_Clean):
    occupation = forms.CharField(label="职业（岗位）", max_length=40)
    new_form_work = forms.ChoiceField(label="是否新就业形态劳动者", choices=NewFormWork.choices, required=False)
    agree = forms.BooleanField(label="我自愿加入中华全国总工会，承认工会章程，履行会员义务。")


class ReasonForm(_Clean):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(EmployerForm):
    pass


class SpreadsheetForm(forms.Form):
    file = forms.FileField(label="数据文件", help_text="Excel（.xlsx）或 CSV，请使用下载的模板。")

    def clean_file(self):
        from .imports import check_upload

        uploaded = self.cleaned_data["file"]
        check_upload(uploaded)
        return uploaded


class PlanForm(_Clean):
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    planned_date = forms.DateField(label="计划建会日期", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    steps = forms.CharField(label="工作步骤", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label="状态", choices=[])

    def __init__(self, *args, **kwargs):
        from .models import FoundingPlan

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in FoundingPlan.Status.choices if c[0] != FoundingPlan.Status.FOUNDED]

    def clean_planned_date(self):
        value = self.cleaned_data["planned_date"]
        if value is not None and not (2000 <= value.year <= 2100):
            raise forms.ValidationError("日期超出合理范围。")
        return value


class NoteForm(_Clean):
    noted_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label="工作记录", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FoundForm(_Clean):
    union_name = forms.CharField(label="工会名称", max_length=100)
    founded_on = forms.DateField(label="建会日期", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_founded_on(self):
        value = self.cleaned_data["founded_on"]
        if not (2000 <= value.year <= 2100):
            raise forms.ValidationError("日期超出合理范围。")
        return value


def _date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class EpidemicForm(_Clean):
    started_on = _date_field("疫情防控开始日期")
    ended_on = _date_field("疫情结束日期", required=False)
    deadline_days = forms.IntegerField(label="结束后应在几日内完成换届", min_value=1, max_value=365, initial=90)


class TermForm(_Clean):
    term_start = _date_field("本届任期开始")
    term_end = _date_field("本届任期届满")


class HeldForm(_Clean):
    held_on = _date_field("换届选举日期")


class SocialWorkerForm(_Clean):
    name = forms.CharField(label="姓名", max_length=30)
    phone = forms.CharField(label="手机号码", max_length=20)
    union = forms.ModelChoiceField(label="所属工会", queryset=Organization.objects.none())
    team = forms.CharField(label="所在防控队伍", max_length=100, help_text="如：某某街道某某社区疫情防控工作组")
    assigned_since = _date_field("派驻起始日期")
    team_role = forms.CharField(label="承担任务", max_length=60)

    def __init__(self, *args, user=None, **kwargs):
        from apps.core.scoping import org_scope_q

        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = Organization.objects.filter(org_scope_q(user), is_active=True).order_by("path")


class MemberImportForm(SpreadsheetForm):
    union = forms.ModelChoiceField(label="导入到基层工会", queryset=Organization.objects.none())

    field_order = ["union", "file"]

    def __init__(self, *args, user=None, **kwargs):
        from apps.core.scoping import org_scope_q

        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = Organization.objects.filter(
            org_scope_q(user), org_type=Organization.Type.GRASSROOTS, is_active=True).order_by("path")
