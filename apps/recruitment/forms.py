from __future__ import annotations

import copy
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from apps.core.fields import ModelMultipleIdsField, WebLinkFormField
from apps.core.models import Enterprise, Organization
from apps.core.selectors import counties
from apps.core.uploads import UploadField
from apps.core.validators import normalize_credit_code, normalize_mobile

from . import selectors
from .models import (
    WELCOME_GROUPS,
    BrokeredMatch,
    Category,
    Education,
    Interview,
    JobFair,
    JobPost,
    KeyGroup,
    LiveSession,
)
from .services import validate_post_fields

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _place(organization) -> str:
    """A district as people name it: 修武县, not 修武县总工会."""
    return organization.name.replace("总工会", "")


def _helper(label: str = "保存") -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def _mobile(value: str) -> str:
    return normalize_mobile(value)


class JobSearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=40,
                        widget=forms.TextInput(attrs={"placeholder": "岗位、技能或企业，如：焊工", "type": "search"}))
    district = forms.TypedChoiceField(label="地区", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label="职业", required=False, choices=[("", "全部职业"), *Category.choices])
    salary = forms.IntegerField(label="月薪不低于（元）", required=False, min_value=0, max_value=100000)
    group = forms.ChoiceField(label="重点群体", required=False, choices=[("", "重点群体不限"), *WELCOME_GROUPS])
    days = forms.TypedChoiceField(label="发布时间", required=False, coerce=int, empty_value=None,
                                  choices=[("", "发布时间不限"),
                                           *[(d, f"{d} 天内发布") for d in selectors.DAYS_CHOICES]])
    # Without a choice: 相关度 when there is a keyword (title matches first), 最新发布 otherwise.
    sort = forms.ChoiceField(label="排序", required=False,
                             choices=[("relevance", "相关度"), ("newest", "最新发布"), ("salary", "薪资最高")])

    def __init__(self, *args, **kwargs):
        # The fields are the same for every search but for the districts: shared, not deep-copied
        # per request (seven fields with their choices, ~0.8 ms of every search), see _SharedFields.
        self.base_fields = _search_fields(tuple(selectors.district_choices()))
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    SELECTS = ("district", "category", "group", "days", "sort")

    def selects(self) -> dict[str, str]:
        """The filter drop-downs as HTML, built from their choices without the widget templates.

        Django renders each ``<option>`` through a template (several milliseconds for these five on
        every search); the markup never changes except for the chosen value, so it is joined here.
        """
        rendered = {}
        for name in self.SELECTS:
            chosen = str(self.data.get(name, "")) if self.is_bound else ""
            if name == "sort" and chosen not in {"relevance", "newest", "salary"}:
                chosen = "relevance" if self.is_bound and str(self.data.get("q", "")).strip() else "newest"
            choices = tuple((str(value), str(label)) for value, label in self.fields[name].choices)
            if not any(value == chosen for value, _label in choices):
                chosen = ""  # nothing is marked; and what a visitor typed never becomes a key of the cache below
            rendered[name] = _select_html(name, chosen, choices)
        return rendered


class _SharedFields(dict):
    """Form fields given to every instance as they are: ``copy.deepcopy`` (which ``BaseForm`` applies
    to ``base_fields``) returns the same dict. Only for fields no instance changes: cleaning and
    rendering read a field, they do not write it."""

    def __deepcopy__(self, memo):
        return self


@lru_cache(maxsize=8)
def _search_fields(districts: tuple[tuple[int, str], ...]) -> _SharedFields:
    """The search form's fields with ``districts`` as the district choices, built once per list."""
    fields = copy.deepcopy(JobSearchForm.base_fields)
    fields["district"].choices = [("", "全部地区"), *districts]
    for name in JobSearchForm.SELECTS:
        fields[name].widget.attrs["class"] = "form-select"
    return _SharedFields(fields)


@lru_cache(maxsize=512)
def _select_html(name: str, chosen: str, choices: tuple[tuple[str, str], ...]) -> str:
    """One drop-down's markup, built once per process for each choice list and chosen value."""
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(label)}</option>'
        for value, label in choices)
    return mark_safe(f'<select name="{name}" class="form-select" id="id_{name}">{options}</select>')


class JobPostForm(forms.ModelForm):
    key_groups = forms.MultipleChoiceField(label="重点群体优先", required=False, choices=WELCOME_GROUPS,
                                           widget=forms.CheckboxSelectMultiple)
    video = UploadField(kind="video", label="岗位视频介绍", required=False)

    class Meta:
        model = JobPost
        fields = ["title", "category", "district", "address", "salary_min", "salary_max", "headcount",
                  "description", "benefits", "key_groups", "contact_name", "contact_phone", "valid_until"]
        widgets = {"valid_until": DATE, "description": forms.Textarea(attrs={"rows": 4}),
                   "benefits": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = counties()
        self.fields["district"].label_from_instance = _place
        self.fields["district"].empty_label = "请选择工作地区"
        self.fields["category"].choices = [("", "请选择职业类别"), *Category.choices]
        self.fields["salary_min"].min_value = 1
        if self.instance.pk:
            self.initial["key_groups"] = self.instance.key_group_codes
        self.fields["headcount"].widget.attrs["min"] = 1
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data["contact_phone"].strip()
        if value.isdigit() and len(value) == 11:
            return _mobile(value)
        if not value.replace("-", "").isdigit() or len(value) < 7:
            raise ValidationError("请填写手机号码或固定电话（如 0391-1234567）。")
        return value

    def clean(self):
        data = super().clean()
        original = self.instance.valid_until if self.instance.pk else None
        try:
            validate_post_fields(data, is_new_date=data.get("valid_until") != original)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                if field_name in self.fields and field_name not in self.errors:
                    self.add_error(field_name, messages)
        return data

    def service_data(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in self.Meta.fields}
        data["video"] = self.cleaned_data.get("video")
        return data

    def _post_clean(self):
        # The service assigns fields and writes the welcomed groups; no model validation of raw form data.
        pass


class StaffPostForm(JobPostForm):
    enterprise = forms.ModelChoiceField(label="招聘企业", queryset=None)

    class Meta(JobPostForm.Meta):
        fields = ["enterprise", *JobPostForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = selectors.enterprises_for_posting(user)
        self.fields["enterprise"].empty_label = "请选择招聘企业"
        self.order_fields(["enterprise"])


class EmployerRegisterForm(forms.Form):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
    name = forms.CharField(label="企业名称", max_length=120)
    district = forms.ModelChoiceField(label="所在县（市、区）", queryset=Organization.objects.none())
    industry = forms.CharField(label="行业", max_length=50)
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(label="联系电话", max_length=11)
    job_title = forms.CharField(label="您的职务", max_length=30, required=False)
    introduction = forms.CharField(label="企业简介", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = counties()
        self.fields["district"].label_from_instance = _place
        self.fields["district"].empty_label = "请选择所在县（市、区）"
        self.helper = _helper("提交，等待工会核实")

    def clean_credit_code(self) -> str:
        raw = "".join(self.cleaned_data["credit_code"].split()).upper()
        if Enterprise.objects.filter(credit_code=raw).exists():
            return raw  # already registered on the platform
        return normalize_credit_code(raw)

    def clean_contact_phone(self) -> str:
        return _mobile(self.cleaned_data["contact_phone"])


class SeekerProfileForm(forms.Form):
    real_name = forms.CharField(label="姓名", max_length=30)
    phone = forms.CharField(label="联系电话", max_length=11)
    district = forms.ModelChoiceField(label="居住地", queryset=Organization.objects.none())
    key_group = forms.ChoiceField(label="人员类别", choices=KeyGroup.choices, initial=KeyGroup.OTHER,
                                  help_text="属于重点群体的请如实选择，工会将优先为您对接岗位")
    # Optional, so no star; "不限" is wording for a post, never for a person.
    education = forms.ChoiceField(label="学历", required=False, choices=[
        ("", "请选择（可不填）"), *[c for c in Education.choices if c[0] != Education.NONE]])
    experience_years = forms.IntegerField(label="工作年限", min_value=0, max_value=60, initial=0)
    skills = forms.CharField(label="技能特长", max_length=200, required=False,
                             help_text="如：电焊证、叉车证、数控编程")
    experience = forms.CharField(label="工作经历", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    desired_categories = forms.MultipleChoiceField(label="期望职业", choices=Category.choices,
                                                   widget=forms.CheckboxSelectMultiple)
    desired_districts = ModelMultipleIdsField(label="期望工作地区", required=False,
                                                       queryset=Organization.objects.none(),
                                                       widget=forms.CheckboxSelectMultiple)
    desired_salary = forms.IntegerField(label="期望月薪（元）", min_value=0, max_value=100000, initial=0)
    resume_text = forms.CharField(label="简历", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    resume_pdf = UploadField(kind="pdf", label="简历 PDF", required=False)
    allow_recommendation = forms.BooleanField(label="同意工会把我的求职信息推荐给用人单位", required=False,
                                              initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = counties()
        self.fields["desired_districts"].queryset = counties()
        self.fields["district"].label_from_instance = _place
        self.fields["district"].empty_label = "请选择居住地"
        self.fields["desired_districts"].label_from_instance = _place
        self.helper = _helper("保存求职登记")

    def clean_phone(self) -> str:
        return _mobile(self.cleaned_data["phone"])

    def clean_education(self) -> str:
        return self.cleaned_data.get("education") or Education.NONE

    def clean_resume_pdf(self):
        value = self.cleaned_data.get("resume_pdf")
        return value if value else None  # None keeps the stored file; False (cleared) removes it


class ApplyForm(forms.Form):
    cover_letter = forms.CharField(label="给用人单位的留言（可选）", required=False, max_length=1000,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class InterviewForm(forms.Form):
    """Time and mode, then only what that mode needs: a phone number, a meeting link or an address.

    All three fields are in the page so it works without JavaScript; recruitment.js shows only the one
    for the chosen mode, and the service checks the one that counts.
    """

    PLACE_FIELDS = {Interview.Mode.PHONE: "phone", Interview.Mode.VIDEO: "link", Interview.Mode.ONSITE: "address"}

    scheduled_at = forms.DateTimeField(label="面试时间", widget=DATETIME,
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    mode = forms.ChoiceField(label="面试方式", choices=Interview.Mode.choices, initial=Interview.Mode.VIDEO,
                             widget=forms.RadioSelect(attrs={"data-interview-mode": "1"}))
    phone = forms.CharField(label="联系电话", max_length=30, required=False,
                            help_text="电话面试：求职者会接到这个号码的来电，也可回拨")
    link = forms.CharField(label="会议链接", max_length=300, required=False,
                           help_text="视频面试：以 http:// 或 https:// 开头，如腾讯会议、钉钉会议的链接")
    address = forms.CharField(label="面试地址", max_length=300, required=False,
                              help_text="现场面试：写到门牌号、楼层和房间")
    note = forms.CharField(label="备注", max_length=300, required=False,
                           help_text="如需携带的材料、到达后联系谁")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for mode, name in self.PLACE_FIELDS.items():
            self.fields[name].widget.attrs["data-interview-place"] = mode
        self.helper = _helper("发送面试邀请")

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise ValidationError("面试时间不能早于现在。")
        if value.year > timezone.now().year + 1:
            raise ValidationError("面试时间太远了，请核对年份。")
        return value

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode in self.PLACE_FIELDS:
            from .services import interview_place

            name = self.PLACE_FIELDS[mode]
            if name in self.errors:
                return data
            try:
                data["location"] = interview_place(mode=mode, location=data.get(name) or "")
            except ValidationError as error:
                self.add_error(name, error.message_dict.get("location", error.messages))
        return data

    def invite_data(self) -> dict:
        data = self.cleaned_data
        return {"scheduled_at": data["scheduled_at"], "mode": data["mode"], "location": data["location"],
                "note": data.get("note", "")}

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            if field == "location":
                field = self.PLACE_FIELDS.get(self.cleaned_data.get("mode"), None)
            self.add_error(field if field in self.fields else None, messages)


class InterviewResponseForm(forms.Form):
    accept = forms.TypedChoiceField(label="回复", coerce=lambda v: v == "1",
                                    choices=[("1", "确认参加"), ("0", "申请改期")], widget=forms.RadioSelect)
    note = forms.CharField(label="留言（申请改期请写明方便的时间）", required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("accept") is False and not (data.get("note") or "").strip():
            self.add_error("note", "请写明您方便的时间。")
        return data


class SavedSearchForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60)
    alert = forms.BooleanField(label="每天推送符合条件的新岗位", required=False)


class SavedSearchUpdateForm(forms.Form):
    """Rename and/or switch the alert; a field left out of the POST is left as it is."""

    name = forms.CharField(label="名称", max_length=60, required=False)
    alert = forms.TypedChoiceField(label="每日推送", required=False, coerce=lambda v: v == "1", empty_value=None,
                                   choices=[("1", "开启"), ("0", "关闭")])

    def clean_name(self):
        if "name" not in self.data:
            return None
        value = " ".join((self.cleaned_data.get("name") or "").split())
        if not value:
            raise ValidationError("请填写名称。")
        return value

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("name") is None and data.get("alert") is None:
            raise ValidationError("没有要修改的内容。")
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过并发布"), ("return", "退回修改")])
    note = forms.CharField(label="审核意见", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", "退回时请写明原因。")
        return data


class FairForm(forms.ModelForm):
    class Meta:
        model = JobFair
        fields = ["title", "theme", "starts_on", "ends_on", "description", "is_published"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_published": "公开（求职者可在“招聘会”页面看到）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("创建招聘会")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        if not self.instance.pk and data.get("ends_on") and data["ends_on"] < timezone.localdate():
            self.add_error("ends_on", "结束日期不能早于今天。")
        return data

    def _post_clean(self):
        pass


class FairInviteForm(forms.Form):
    enterprises = ModelMultipleIdsField(
        label="邀请企业", queryset=None, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": "请至少勾选一家企业。"})

    def __init__(self, *args, user, fair: JobFair | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = selectors.enterprises_for_posting(user).filter(employer_profile__status="verified")
        if fair is not None:  # already invited ones are listed under 参会企业
            queryset = queryset.exclude(pk__in=fair.participations.values("enterprise_id"))
        self.fields["enterprises"].queryset = queryset
        self.helper = _helper("发送邀请")


class LiveSessionForm(forms.ModelForm):
    link = WebLinkFormField(label="直播链接", max_length=200)

    class Meta:
        model = LiveSession
        fields = ["enterprise", "title", "starts_at", "link", "posts"]
        field_classes = {"posts": ModelMultipleIdsField}
        widgets = {"starts_at": DATETIME, "posts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, fair: JobFair, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise_ids = fair.participations.values_list("enterprise_id", flat=True)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(pk__in=enterprise_ids)
        self.fields["enterprise"].empty_label = "请选择参会企业"
        # The posts the enterprises brought to this fair, not every post they ever published.
        self.fields["posts"].queryset = (JobPost.objects.filter(fair_participations__fair=fair,
                                                                status=JobPost.Status.PUBLISHED)
                                         .select_related("enterprise").order_by("enterprise__name", "title").distinct())
        self.fields["posts"].label_from_instance = lambda post: f"{post.title}（{post.enterprise.name}）"
        self.fields["posts"].help_text = "只列出企业已确认参会的岗位；须属于上面选择的直播企业"
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.helper = _helper("添加直播")

    def _post_clean(self):
        pass


class FairPostsForm(forms.Form):
    posts = ModelMultipleIdsField(label="参会岗位", queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = JobPost.objects.filter(enterprise=enterprise,
                                                               status=JobPost.Status.PUBLISHED).order_by("title", "-id")
        self.fields["posts"].label_from_instance = (
            lambda post: f"{post.title}（{post.salary_text}，"
                         f"有效期至 {date_format(post.valid_until, 'SHORT_DATE_FORMAT')}）")
        self.helper = _helper("确认参会")


class MatchForm(forms.Form):
    seeker = forms.ModelChoiceField(label="求职者", queryset=None)
    note = forms.CharField(label="对接说明", max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seeker"].queryset = selectors.seekers_for_staff(user).order_by("real_name")
        self.fields["seeker"].label_from_instance = lambda p: f"{p.real_name}（{p.get_key_group_display()}）"
        self.fields["seeker"].empty_label = "请选择本区域的求职者"
        self.helper = _helper("记录点对点对接")


class MatchOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=BrokeredMatch.Outcome.choices)
