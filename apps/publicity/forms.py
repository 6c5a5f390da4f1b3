from __future__ import annotations

from django import forms
from django.utils import timezone

from apps.core.uploads import UploadField

from .models import MAX_QUOTA, Article, Campaign, Essay


class ArticleForm(forms.Form):
    title = forms.CharField(label="标题", max_length=120)
    category = forms.ChoiceField(label="栏目", choices=Article.Category.choices)
    summary = forms.CharField(label="摘要", max_length=300, required=False,
                              help_text="留空则取正文开头。")
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}),
                           help_text="可使用段落、标题、列表、链接等格式；脚本和事件属性会被删除。")
    cover = UploadField(kind="image", label="封面图片", required=False)
    published_at = forms.DateTimeField(label="定时发布时间", required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       help_text="留空则审核通过后立即发布。")

    def clean_title(self):
        return self.cleaned_data["title"].replace("\x00", "").strip()

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        if value and value.year > timezone.now().year + 1:
            raise forms.ValidationError("定时发布时间不能晚于明年。")
        return value


class AttachmentForm(forms.Form):
    name = forms.CharField(label="附件名称", max_length=120)
    file = UploadField(kind="document", label="附件文件")


class ReviewForm(forms.Form):
    note = forms.CharField(label="审核意见", max_length=300, required=False)


class CampaignForm(forms.Form):

    title = forms.CharField(label="评选名称", max_length=120)
    kind = forms.ChoiceField(label="类别", choices=Campaign.Kind.choices)
    criteria = forms.CharField(label="评选条件", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    nominate_until = forms.DateField(label="推荐截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    quota_per_district = forms.IntegerField(label="各县区默认推荐名额", min_value=1, max_value=MAX_QUOTA,
                                            help_text="发布后可在“推荐名额”页为个别县区单独设置。")
    front_line_priority = forms.BooleanField(label="向抗疫和复工复产一线倾斜", required=False, initial=True)
    voting_enabled = forms.BooleanField(label="开展网络投票", required=False)
    voting_until = forms.DateField(label="投票截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notice_until = forms.DateField(label="公示截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("nominate_until", "voting_until", "notice_until"):
            value = data.get(name)
            if value and not (today <= value <= today.replace(year=today.year + 2)):
                self.add_error(name, "日期应在今天到两年之内。")
        if data.get("voting_enabled") and not data.get("voting_until"):
            self.add_error("voting_until", "开展网络投票时请填写投票截止日期。")
        return data


def _quota_field(label: str, *, required: bool, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=MAX_QUOTA, help_text=help_text,
                              error_messages={"required": "请填写默认名额。", "invalid": "请输入整数。",
                                              "min_value": f"名额应为 0 到 {MAX_QUOTA} 之间的整数。",
                                              "max_value": f"名额应为 0 到 {MAX_QUOTA} 之间的整数。"})


class QuotaForm(forms.Form):
    """The default and, per county-level union, its own number (blank: the default applies)."""

    default_quota = _quota_field("各县区默认推荐名额", required=True, help_text="未单独设置的县区按此名额推荐。")

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"quota_{row.district.pk}"] = _quota_field(
                row.district.name, required=False, help_text=f"已推荐 {row.used} 名；留空按默认名额")
            if row.own:
                self.initial.setdefault(f"quota_{row.district.pk}", row.quota)

    def quotas(self) -> dict[int, int | None]:
        return {row.district.pk: self.cleaned_data.get(f"quota_{row.district.pk}") for row in self.rows}


class NominationForm(forms.Form):
    nominee_name = forms.CharField(label="人选（集体）名称", max_length=80)
    is_collective = forms.BooleanField(label="集体", required=False)
    workplace = forms.CharField(label="工作单位", max_length=120)
    deeds = forms.CharField(label="主要事迹", max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    front_line = forms.BooleanField(label="在抗疫或复工复产一线作出贡献", required=False)
    material = UploadField(kind="document", label="推荐材料", required=False)


class NominationReviewForm(forms.Form):
    passed = forms.TypedChoiceField(label="评审结果", choices=[("1", "通过"), ("0", "不通过")],
                                    coerce=lambda v: v == "1")
    note = forms.CharField(label="评审意见", max_length=300, required=False)


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", max_length=2000, min_length=5, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="请写明事实和依据；异议由主办单位答复。")


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ExemplarForm(forms.Form):
    name = forms.CharField(label="姓名（集体名称）", max_length=80)
    is_collective = forms.BooleanField(label="集体", required=False)
    workplace = forms.CharField(label="工作单位", max_length=120)
    story = forms.CharField(label="先进事迹", max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
    front_line = forms.BooleanField(label="抗疫一线", required=False)
    resumption = forms.BooleanField(label="复工复产", required=False)
    photo = UploadField(kind="image", label="照片", required=False)


class ExemplarPhotoForm(forms.Form):
    image = UploadField(kind="image", label="照片")
    caption = forms.CharField(label="说明", max_length=120, required=False)


class ContestForm(forms.Form):
    title = forms.CharField(label="征文名称", max_length=120)
    rules = forms.CharField(label="征文规则", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    opens_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("opens_on", "closes_on"):
            value = data.get(name)
            if value and abs((value - today).days) > 730:
                self.add_error(name, "日期应在两年之内。")
        return data


class EssayForm(forms.Form):
    title = forms.CharField(label="题目", max_length=100)
    text = forms.CharField(label="正文", max_length=20000, min_length=50, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text="不少于 50 字。")
    file = UploadField(kind="document", label="附件（可选）", required=False)


class ScoreForm(forms.Form):
    score = forms.IntegerField(label="分数（0–100）", min_value=0, max_value=100)
    comment = forms.CharField(label="评语", max_length=300, required=False)


class AwardForm(forms.Form):

    award = forms.ChoiceField(label="奖项", choices=Essay.Award.choices, required=False)
