"""The needy-worker registry (困难职工建档立卡): files, yearly reviews, help given, closing."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.core.models import Organization

from .funds import MONEY


class NeedyFile(models.Model):
    class Category(models.TextChoices):
        DEEP = "deep", "深度困难"
        RELATIVE = "relative", "相对困难"
        ACCIDENT = "accident", "意外致困"

    class Status(models.TextChoices):
        OPEN = "open", "在档"
        CLOSED = "closed", "已解困销档"

    organization = models.ForeignKey(Organization, verbose_name="建档工会", on_delete=models.PROTECT,
                                     related_name="relief_needy_files")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="职工账户", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="relief_needy_files")
    real_name = models.CharField("姓名", max_length=50)
    # ID number: a keyed hash (one open file per person), the number encrypted, a mask to show.
    id_digest = models.CharField(max_length=64, editable=False)
    id_cipher = models.TextField(editable=False)
    id_masked = models.CharField("身份证号码", max_length=18, editable=False)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    workplace = models.CharField("工作单位", max_length=100)
    category = models.CharField("困难类型", max_length=12, choices=Category.choices)
    household_size = models.PositiveSmallIntegerField("家庭人口", validators=[MinValueValidator(1),
                                                                             MaxValueValidator(20)])
    household_income = models.DecimalField("家庭月收入（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    hardship = models.TextField("致困情况", max_length=2000)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    filed_on = models.DateField("建档日期")
    next_review_on = models.DateField("下次复核日期", db_index=True)
    reminded_for = models.DateField("已提醒的复核日期", null=True, blank=True)
    closed_on = models.DateField("销档日期", null=True, blank=True)
    closed_reason = models.CharField("销档原因", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="建档人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = "困难职工档案"
        verbose_name_plural = "困难职工档案"
        ordering = ["next_review_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_digest"], condition=Q(status="open"), name="relief_one_open_file"),
            models.CheckConstraint(condition=Q(status="open") | ~Q(closed_reason=""),
                                   name="relief_closed_file_has_reason"),
        ]
        permissions = [
            ("manage_registry", "困难职工建档立卡"),
            ("reveal_id_number", "查看完整身份证号码"),
        ]

    def __str__(self) -> str:
        return f"{self.real_name}（{self.id_masked}）"


class NeedyReview(models.Model):
    file = models.ForeignKey(NeedyFile, verbose_name="档案", on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("复核日期")
    household_income = models.DecimalField("家庭月收入（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField("复核情况", max_length=500)
    on_time = models.BooleanField("按期复核", default=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = "年度复核"
        verbose_name_plural = "年度复核"
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.file.real_name} {self.reviewed_on}"


class NeedyHelp(models.Model):
    class Source(models.TextChoices):
        AID = "aid", "分类梯度帮扶"
        VISIT = "visit", "慰问"
        SUBSIDY = "subsidy", "补贴"
        OTHER = "other", "其他帮扶"

    file = models.ForeignKey(NeedyFile, verbose_name="档案", on_delete=models.CASCADE, related_name="help")
    source = models.CharField("帮扶来源", max_length=8, choices=Source.choices)
    amount = models.DecimalField("金额（元）", **MONEY, default=Decimal("0"),
                                 validators=[MinValueValidator(Decimal("0"))])
    description = models.CharField("帮扶内容", max_length=300)
    given_on = models.DateField("帮扶日期")
    reference = models.CharField("业务编号", max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "帮扶记录"
        verbose_name_plural = "帮扶记录"
        ordering = ["-given_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["file", "reference"], condition=~Q(reference=""),
                                    name="relief_help_once_per_reference"),
        ]

    def __str__(self) -> str:
        return self.description
