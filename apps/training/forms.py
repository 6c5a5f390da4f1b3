from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from apps.core.fields import ModelMultipleIdsField
from apps.core.models import Organization
from apps.core.selectors import organizations_for_user
from apps.core.uploads import UploadField

from .models import Campaign, Course, Criterion, Entry, Lesson, QuestionBank, Quiz, Stage, Studio
from .services import PARTICIPANT_ORG_TYPES


def _helper(label: str = "保存") -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class ParticipantOrgForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="所在工会", queryset=Organization.objects.none(), empty_label="请选择您所在的工会",
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="用于按单位统计学习和答题情况；找不到本单位时请选择所在县（市、区）总工会。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (Organization.objects.filter(
            org_type__in=PARTICIPANT_ORG_TYPES, is_active=True).order_by("path"))
        self.fields["organization"].label_from_instance = lambda o: ("　" * max(o.depth - 1, 0)) + o.name


def _staff_orgs(user):
    return organizations_for_user(user).exclude(org_type=Organization.Type.GRASSROOTS)


class CourseForm(forms.ModelForm):
    cover = UploadField(kind="image", label="封面图片", required=False)

    class Meta:
        model = Course
        fields = ["title", "category", "audience", "organization", "studio", "description", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_for_user(user)
        self.fields["studio"].queryset = Studio.objects.filter(is_published=True)
        self.helper = _helper()


class LessonForm(forms.ModelForm):
    video = UploadField(kind="video", label="视频文件", required=False)
    document = UploadField(kind="document", label="阅读文档", required=False)

    class Meta:
        model = Lesson
        fields = ["order", "title", "kind", "minutes", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"body": "图文课时的正文；可使用段落、加粗、列表等简单格式。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Lesson.Kind.VIDEO and not data.get("video") and not (self.instance and self.instance.video):
            self.add_error("video", "视频课时请上传视频文件。")
        if kind == Lesson.Kind.DOCUMENT and not data.get("document") and not (self.instance and self.instance.document):
            self.add_error("document", "文档课时请上传文档。")
        if kind == Lesson.Kind.ARTICLE and not (data.get("body") or "").strip():
            self.add_error("body", "图文课时请填写正文。")
        return data


class BankForm(forms.ModelForm):
    class Meta:
        model = QuestionBank
        fields = ["name", "organization", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _staff_orgs(user)
        self.helper = _helper()


class BankImportForm(forms.Form):
    file = UploadField(kind="spreadsheet", label="Excel 文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("导入")


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ["title", "mode", "organization", "banks", "tag", "difficulty", "question_count", "selection",
                  "shuffle_options", "points_per_question", "opens_at", "closes_at", "time_limit_minutes",
                  "max_attempts", "grading", "show_answers", "leaderboard_publication", "description",
                  "is_published"]
        field_classes = {"banks": ModelMultipleIdsField}
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "banks": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _staff_orgs(user)
        from .selectors import banks_for_user

        self.fields["banks"].queryset = banks_for_user(user)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        # Said next to the field (the service and a database constraint refuse it too).
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "结束时间必须晚于开始时间。")
        return data


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "kind", "organization", "registration_closes", "allow_teams", "allow_individuals",
                  "description", "rules"]
        widgets = {"registration_closes": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3}), "rules": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _staff_orgs(user)
        self.helper = _helper()


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["order", "name", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("添加阶段")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["order", "name", "max_score"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("添加评分项")


class EntryForm(forms.Form):
    organization = forms.ModelChoiceField(label="报名工会", queryset=Organization.objects.none())
    kind = forms.ChoiceField(label="参赛形式", choices=Entry.Kind.choices)
    name = forms.CharField(label="参赛名称", max_length=100, help_text="团队名称或个人姓名")
    members = forms.CharField(label="成员", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="每行一人：姓名、岗位")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_for_user(user)
        self.helper = _helper("报名")


class AchievementForm(forms.Form):
    stage = forms.ModelChoiceField(label="阶段", queryset=Stage.objects.none(), required=False,
                                   empty_label="不区分阶段")
    text = forms.CharField(label="成果说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    photo = UploadField(kind="image", label="照片", required=False)
    attachment = UploadField(kind="document", label="附件", required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = campaign.stages.all()
        self.helper = _helper("提交成果")


class JudgeForm(forms.Form):
    username = forms.CharField(label="评委账号", max_length=150, help_text="工会工作人员的登录用户名")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("指派评委")


class ScoreForm(forms.Form):
    comment = forms.CharField(label="评语", max_length=200, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name}（满分 {criterion.max_score}）", min_value=0, max_value=criterion.max_score,
                decimal_places=1, max_digits=5)
        self.fields["comment"] = self.fields.pop("comment")
        self.helper = _helper("保存评分")

    def values(self) -> dict:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class ReviewForm(forms.Form):
    note = forms.CharField(label="审核意见", max_length=200, required=False,
                           help_text="退回或不通过时必填")


class StudioForm(forms.ModelForm):
    class Meta:
        model = Studio
        fields = ["name", "leader_name", "leader_title", "leader_honours", "field", "organization", "enterprise",
                  "members", "achievements", "description", "is_published"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_for_user(user)
        from apps.core.selectors import enterprises_for_user

        self.fields["enterprise"].queryset = enterprises_for_user(user)
        self.helper = _helper()


QUESTION_FIELDS = {"kind": "题型", "stem": "题干", "answer": "正确答案", "explanation": "解析", "difficulty": "难度",
                   "tags": "标签"}


class QuestionForm(forms.Form):
    """One question of a bank, in the import template's terms and checked by the same rules."""

    kind = forms.ChoiceField(label="题型", choices=[("单选", "单选题"), ("多选", "多选题"), ("判断", "判断题"),
                                                    ("填空", "填空题")])
    stem = forms.CharField(label="题干", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    option_a = forms.CharField(label="选项A", required=False, max_length=200)
    option_b = forms.CharField(label="选项B", required=False, max_length=200)
    option_c = forms.CharField(label="选项C", required=False, max_length=200)
    option_d = forms.CharField(label="选项D", required=False, max_length=200)
    option_e = forms.CharField(label="选项E", required=False, max_length=200)
    option_f = forms.CharField(label="选项F", required=False, max_length=200,
                               help_text="选择题从选项A起连续填写；判断题、填空题不填选项。")
    answer = forms.CharField(label="正确答案", max_length=200,
                             help_text="单选填一个字母（如 B），多选填多个字母（如 ACD），判断填“对”或“错”，"
                                       "填空填答案文字，多个可接受答案用 | 分隔。")
    explanation = forms.CharField(label="解析", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    difficulty = forms.ChoiceField(label="难度", choices=[("易", "易"), ("中", "中"), ("难", "难")], initial="中")
    tags = forms.CharField(label="标签", required=False, max_length=200, help_text="多个标签用逗号分隔")

    LETTER_FIELDS = {letter: f"option_{letter.lower()}" for letter in "ABCDEF"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.form_tag = False
        self.helper.inputs = []

    @classmethod
    def initial_for(cls, cells: dict[str, str]) -> dict[str, str]:
        initial = {field: cells[label] for field, label in QUESTION_FIELDS.items()}
        initial.update({field: cells[f"选项{letter}"] for letter, field in cls.LETTER_FIELDS.items()})
        return initial

    def cells(self) -> dict[str, str]:
        data = self.cleaned_data
        cells = {label: (data.get(field) or "").strip() for field, label in QUESTION_FIELDS.items()}
        cells.update({f"选项{letter}": (data.get(field) or "").strip() for letter, field in self.LETTER_FIELDS.items()})
        return cells

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        from .excel import QuestionProblems, _question_from

        try:
            _question_from(self.cells())
        except QuestionProblems as problems:
            for field, message in problems.problems:
                self.add_error("option_a" if field == "options" else field, f"{message}。")
        return data

    def add_service_error(self, error) -> None:
        """Put a service's field errors next to the fields (options go under 选项A)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error("option_a" if field == "options" else (field if field in self.fields else None),
                               messages)
        else:
            self.add_error(None, error)
