"""Implementation reports: tasks set by the city office, rounds per period, one submission per
expected organisation and round, every submitted version kept, background Excel exports."""
from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format

from apps.core.models import Organization
from apps.core.uploads import PrivateFileField


class ReportTask(models.Model):
    class Audience(models.TextChoices):
        COUNTIES = "counties", "全部县（市、区）总工会"
        INDUSTRIES = "industries", "全部产业工会"
        COUNTIES_AND_INDUSTRIES = "both", "县（市、区）总工会和产业工会"
        CHOSEN = "chosen", "指定的组织"

    class Period(models.TextChoices):
        ONCE = "once", "一次性"
        WEEKLY = "weekly", "每周"
        MONTHLY = "monthly", "每月"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ACTIVE = "active", "进行中"
        CLOSED = "closed", "已结束"

    title = models.CharField("任务名称", max_length=120)
    instructions = models.TextField("填报说明", blank=True)
    audience = models.CharField("填报单位", max_length=12, choices=Audience.choices, default=Audience.COUNTIES)
    chosen_organizations = models.ManyToManyField(
        Organization, verbose_name="指定的组织", blank=True, related_name="+",
        limit_choices_to={"org_type__in": [Organization.Type.COUNTY, Organization.Type.INDUSTRY]},
    )
    period = models.CharField("报送周期", max_length=10, choices=Period.choices, default=Period.ONCE)
    start_date = models.DateField("统计起始日期", help_text="一次性任务：统计期开始；周期任务：第一期开始日期")
    end_date = models.DateField("统计截止日期", null=True, blank=True,
                                help_text="一次性任务：统计期结束；周期任务：最后一期不晚于此日（可留空）")
    due_date = models.DateField("报送截止日期", null=True, blank=True, help_text="一次性任务必填")
    due_days_after = models.PositiveSmallIntegerField("每期结束后几天内报送", default=3,
                                                      help_text="周期任务：截止日期 = 本期最后一天 + 天数")
    grace_days = models.PositiveSmallIntegerField("宽限天数", default=0,
                                                  help_text="截止日期后多少天内报送仍算按时")
    lock_after_days = models.PositiveSmallIntegerField(
        "截止后几天锁定", null=True, blank=True, help_text="留空表示不锁定；锁定后不能再填报（退回的除外）")
    remind_days_before = models.PositiveSmallIntegerField("提前几天提醒", default=2)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "报告任务"
        verbose_name_plural = "报告任务"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("manage_tasks", "创建和管理报告任务"),
            ("review_submissions", "审核落实情况报告"),
            ("submit_reports", "填报落实情况报告"),
            ("view_overview", "查看全市落实情况总览"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(start_date__lte=F("end_date")),
                                   name="reports_task_dates", violation_error_message="统计截止日期不能早于起始日期。"),
        ]

    def __str__(self) -> str:
        return self.title


class ReportField(models.Model):
    class Kind(models.TextChoices):
        NUMBER = "number", "数字"
        TEXT = "text", "文字"
        CHOICE = "choice", "选项"
        DATE = "date", "日期"
        FILE = "file", "附件"
        INDICATOR = "indicator", "指标（自动计算）"

    task = models.ForeignKey(ReportTask, verbose_name="任务", on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField("字段代码", max_length=40)
    label = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    group = models.CharField("分组", max_length=40, default="基本情况", help_text="导出 Excel 时每组一个工作表")
    required = models.BooleanField("必填", default=True)
    allow_negative = models.BooleanField("允许负数", default=False)
    choices = models.TextField("选项", blank=True, help_text="选项类型：每行一个")
    indicator_key = models.CharField("指标", max_length=80, blank=True)
    help_text = models.CharField("填写提示", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "填报项"
        verbose_name_plural = "填报项"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "key"], name="reports_field_unique_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def is_numeric(self) -> bool:
        return self.kind in (self.Kind.NUMBER, self.Kind.INDICATOR)


class ValidationRule(models.Model):
    class Operator(models.TextChoices):
        LE = "le", "≤"
        LT = "lt", "<"
        GE = "ge", "≥"
        GT = "gt", ">"
        EQ = "eq", "="

    task = models.ForeignKey(ReportTask, verbose_name="任务", on_delete=models.CASCADE, related_name="rules")
    left = models.SlugField("左侧字段", max_length=40)
    operator = models.CharField("关系", max_length=2, choices=Operator.choices, default=Operator.LE)
    right = models.SlugField("右侧字段", max_length=40)
    message = models.CharField("不符合时的提示", max_length=200)

    class Meta:
        verbose_name = "校验规则"
        verbose_name_plural = "校验规则"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.left} {self.get_operator_display()} {self.right}"


class ReportRound(models.Model):
    """One period of a task: what every expected organisation reports for ``period_start``..``period_end``."""

    task = models.ForeignKey(ReportTask, verbose_name="任务", on_delete=models.CASCADE, related_name="rounds")
    period_start = models.DateField("统计期开始")
    period_end = models.DateField("统计期结束")
    due_date = models.DateField("报送截止日期")
    grace_days = models.PositiveSmallIntegerField("宽限天数", default=0)
    lock_date = models.DateField("锁定日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "报送轮次"
        verbose_name_plural = "报送轮次"
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period_start"], name="reports_round_unique_period"),
            models.CheckConstraint(condition=Q(period_start__lte=F("period_end")),
                                   name="reports_round_period"),
            models.CheckConstraint(condition=Q(lock_date__isnull=True) | Q(lock_date__gte=F("due_date")),
                                   name="reports_round_lock_after_due"),
        ]
        indexes = [models.Index(fields=["due_date"], name="reports_round_due")]

    def __str__(self) -> str:
        return f"{self.task.title}（{self.label}）"

    @property
    def label(self) -> str:
        if self.period_start == self.period_end:
            return date_format(self.period_start)
        return f"{date_format(self.period_start)} 至 {date_format(self.period_end)}"

    @property
    def short_label(self) -> str:
        """For narrow tables: month-day only when the period lies in one year."""
        if self.period_start == self.period_end:
            return date_format(self.period_start, "SHORT_DATE_FORMAT")
        if self.period_start.year == self.period_end.year:
            return (f"{date_format(self.period_start, 'SHORT_DATE_FORMAT')}至"
                    f"{date_format(self.period_end, 'SHORT_DATE_FORMAT')}")
        return self.label

    @property
    def on_time_until(self) -> date:
        return self.due_date + timedelta(days=self.grace_days)

    def is_locked(self, today: date) -> bool:
        return self.lock_date is not None and today > self.lock_date


class Submission(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "未填报"
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已通过"

    round = models.ForeignKey(ReportRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="submissions")
    organization = models.ForeignKey(Organization, verbose_name="报送单位", on_delete=models.PROTECT,
                                     related_name="report_submissions")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    values = models.JSONField("填报内容", default=dict, blank=True)
    indicator_values = models.JSONField("指标快照", default=dict, blank=True,
                                        help_text="报送时保存的指标值，之后数据变化不改写已报送的报告")
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    late = models.BooleanField("逾期报送", null=True, blank=True)
    submitted_at = models.DateTimeField("最近报送时间", null=True, blank=True)
    accepted_at = models.DateTimeField("通过时间", null=True, blank=True)
    version_count = models.PositiveSmallIntegerField("版本数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "落实情况报告"
        verbose_name_plural = "落实情况报告"
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="reports_submission_unique_org"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="reports_sub_org_status")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.round}"


class SubmissionVersion(models.Model):
    """What was submitted each time, and what the city office decided about it."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "通过"
        RETURNED = "returned", "退回"

    submission = models.ForeignKey(Submission, verbose_name="报告", on_delete=models.CASCADE,
                                   related_name="versions")
    number = models.PositiveSmallIntegerField("版本")
    values = models.JSONField("填报内容", default=dict)
    indicator_values = models.JSONField("指标值", default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("报送时间")
    decision = models.CharField("审核结果", max_length=10, choices=Decision.choices, blank=True)
    comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="reports_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} 第 {self.number} 版"


class SubmissionFile(models.Model):
    """An attachment; never changed, so every version keeps pointing at the file it was sent with."""

    submission = models.ForeignKey(Submission, verbose_name="报告", on_delete=models.CASCADE, related_name="files")
    field_key = models.SlugField("字段", max_length=40)
    file = PrivateFileField("文件", upload_to="reports/attachments")
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告附件"
        verbose_name_plural = "报告附件"

    def __str__(self) -> str:
        return self.original_name or self.file.name


class ExportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    round = models.ForeignKey(ReportRound, verbose_name="轮次", on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE,
                                     related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    file = PrivateFileField("文件", upload_to="reports/exports", blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"导出 {self.round} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0
