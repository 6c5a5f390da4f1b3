from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.core.uploads import PrivateFileField, RandomName

MAX_QUOTA = 200  # places one county-level union may have in one selection


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


class Campaign(models.Model):
    """A selection: who may be nominated, how many per district, and the phases it goes through."""

    class Kind(models.TextChoices):
        MOST_BEAUTIFUL = "most_beautiful", "最美职工"
        MAY_DAY_MEDAL = "may_day_medal", "五一劳动奖章"
        MAY_DAY_AWARD = "may_day_award", "五一劳动奖状"
        PIONEER = "pioneer", "工人先锋号"
        RECUPERATION = "recuperation", "疗休养名额"
        ENTERPRISE = "enterprise", "和谐劳动关系企业"

    class Status(models.TextChoices):
        NOMINATING = "nominating", "推荐中"
        REVIEWING = "reviewing", "评审中"
        VOTING = "voting", "公开投票"
        NOTICE = "notice", "公示中"
        FINAL = "final", "结果已确定"

    title = models.CharField("评选名称", max_length=120)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    criteria = models.TextField("评选条件")
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="campaigns",
                                     verbose_name="主办单位")
    nominate_until = models.DateField("推荐截止日期")
    front_line_priority = models.BooleanField("向一线倾斜", default=True,
                                              help_text="勾选后，有抗疫或复工复产一线贡献的人选排在前面。")
    voting_enabled = models.BooleanField("开展网络投票", default=False)
    voting_until = models.DateField("投票截止日期", null=True, blank=True)
    notice_until = models.DateField("公示截止日期", null=True, blank=True)
    status = models.CharField("阶段", max_length=12, choices=Status.choices, default=Status.NOMINATING)
    review_round = models.PositiveSmallIntegerField("当前评审轮次", default=1)
    # Every county-level union of the organiser's subtree has this many places unless a CampaignQuota
    # row of the campaign names another number for it.
    default_quota = models.PositiveSmallIntegerField("各县区默认推荐名额", default=0,
                                                     validators=[MaxValueValidator(MAX_QUOTA)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评选活动"
        verbose_name_plural = "评选活动"
        ordering = ["-created_at", "-pk"]
        permissions = [("nominate", "推荐评选人选"), ("run_campaign", "组织评选与评审")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publicity:campaign_public", args=[self.pk])


class CampaignQuota(models.Model):
    """A county-level union's own number of places in one selection (others have the campaign's default)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    district = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="县区")
    quota = models.PositiveSmallIntegerField("推荐名额", validators=[MaxValueValidator(MAX_QUOTA)])

    class Meta:
        verbose_name = "推荐名额"
        verbose_name_plural = "推荐名额"
        constraints = [models.UniqueConstraint(fields=["campaign", "district"], name="publicity_quota_once")]

    def __str__(self) -> str:
        return f"{self.district}：{self.quota}"


class Nomination(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待评审"
        REJECTED = "rejected", "未通过"
        SELECTED = "selected", "入选"

    class Source(models.TextChoices):
        UNION = "union", "工会推荐"
        WOMEN_WORKERS = "women_workers", "女职工工作推荐"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominations")
    district = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="所属县区")
    nominated_by = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="推荐单位")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominee_name = models.CharField("人选（集体）名称", max_length=80)
    is_collective = models.BooleanField("集体", default=False)
    workplace = models.CharField("工作单位", max_length=120)
    deeds = models.TextField("主要事迹", max_length=3000)
    front_line = models.BooleanField("抗疫或复工复产一线贡献", default=False)
    material = PrivateFileField("推荐材料", upload_to=RandomName("publicity/nominations"), blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.UNION)
    source_key = models.CharField(max_length=80, blank=True, help_text="来源记录的标识，防止重复转为提名")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    rounds_passed = models.PositiveSmallIntegerField("已通过轮次", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评选推荐"
        verbose_name_plural = "评选推荐"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "source", "source_key"],
                                               condition=~models.Q(source_key=""), name="publicity_nomination_source")]

    def __str__(self) -> str:
        return self.nominee_name


class NominationReview(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField("轮次")
    passed = models.BooleanField("通过")
    note = models.CharField("评审意见", max_length=300, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nomination", "round"], name="publicity_review_once")]

    def __str__(self) -> str:
        return f"第{self.round}轮：{'通过' if self.passed else '未通过'}"


class Vote(models.Model):
    """One person's vote for one nominee on one day (the constraint is the rule)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["voter", "nomination", "day"], name="publicity_vote_once_a_day")]

    def __str__(self) -> str:
        return f"{self.nomination_id}@{self.day}"


class Objection(models.Model):
    """Raised during 公示; results are final only when every objection is answered."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("异议内容", max_length=2000)
    answer = models.TextField("答复", max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:30]


class Exemplar(models.Model):
    """A story of an exemplary person or collective."""

    name = models.CharField("姓名（集体名称）", max_length=80)
    is_collective = models.BooleanField("集体", default=False)
    workplace = models.CharField("工作单位", max_length=120)
    story = models.TextField("先进事迹", max_length=10000)
    front_line = models.BooleanField("抗疫一线", default=False)
    resumption = models.BooleanField("复工复产", default=False)
    photo = PrivateFileField("照片", upload_to=RandomName("publicity/exemplars"), blank=True)
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="发布单位")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "先进典型"
        verbose_name_plural = "先进典型"
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("publicity:exemplar_detail", args=[self.pk])


class ExemplarPhoto(models.Model):
    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="photos")
    image = PrivateFileField("照片", upload_to=RandomName("publicity/exemplars"))
    caption = models.CharField("说明", max_length=120, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or f"照片 {self.pk}"


class EssayContest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "征集中"
        JUDGING = "judging", "评审中"
        PUBLISHED = "published", "结果已公布"

    title = models.CharField("征文名称", max_length=120)
    rules = models.TextField("征文规则")
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="主办单位")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("阶段", max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "征文活动"
        verbose_name_plural = "征文活动"
        ordering = ["-opens_on", "-pk"]
        permissions = [("judge_essay", "评审征文")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publicity:contest_public", args=[self.pk])


class Essay(models.Model):
    class Award(models.TextChoices):
        NONE = "", "未获奖"
        FIRST = "first", "一等奖"
        SECOND = "second", "二等奖"
        THIRD = "third", "三等奖"
        EXCELLENCE = "excellence", "优秀奖"

    contest = models.ForeignKey(EssayContest, on_delete=models.PROTECT, related_name="essays")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("题目", max_length=100)
    text = models.TextField("正文", max_length=20000)
    file = PrivateFileField("附件", upload_to=RandomName("publicity/essays"), blank=True)
    award = models.CharField("奖项", max_length=12, choices=Award.choices, default="", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "征文作品"
        verbose_name_plural = "征文作品"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "author"], name="publicity_one_essay_each")]

    def __str__(self) -> str:
        return self.title


class EssayScore(models.Model):
    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField("分数")
    comment = models.CharField("评语", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["essay", "judge"], name="publicity_score_once")]

    def __str__(self) -> str:
        return f"{self.score}"
