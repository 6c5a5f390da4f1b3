from __future__ import annotations

from django import forms
from django.utils import timezone

from apps.core.uploads import UploadField

from .models import Article


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
