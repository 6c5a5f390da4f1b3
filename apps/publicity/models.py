from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.core.uploads import PrivateFileField, RandomName


class Article(models.Model):
    class Category(models.TextChoices):
        NEWS = "news", "工会新闻"
        POLICY = "policy", "政策解读"
        HEALTH = "health", "健康知识"
        LABOUR_LAW = "labour_law", "劳动法律"
        EXEMPLAR = "exemplar", "先进典型"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待审核"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    title = models.CharField("标题", max_length=120)
    category = models.CharField("栏目", max_length=20, choices=Category.choices)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body = models.TextField("正文")
    cover = PrivateFileField("封面图片", upload_to=RandomName("publicity/covers"), blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, verbose_name="发布单位",
                                     related_name="articles")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles_written",
                               verbose_name="撰稿人")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="articles_reviewed", verbose_name="审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True,
                                        help_text="留空则审核通过后立即发布；填写将来的时间即定时发布。")
    search_document = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        ordering = ["-published_at", "-pk"]
        permissions = [("write_article", "撰写文章"), ("review_article", "审核发布文章")]
        indexes = [models.Index(fields=["status", "-published_at"], name="publicity_article_live")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publicity:article_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return (self.status == self.Status.PUBLISHED and self.published_at is not None
                and self.published_at <= timezone.now())


class ArticleAttachment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("附件名称", max_length=120)
    file = PrivateFileField("附件", upload_to=RandomName("publicity/attachments"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文章附件"
        verbose_name_plural = "文章附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
