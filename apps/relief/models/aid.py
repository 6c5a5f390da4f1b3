"""Tiered aid (分类梯度帮扶): a versioned tier rule table, applications and their review steps."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.core.models import Organization
from apps.core.uploads import PrivateFileField

from .funds import MONEY, Disbursement, Reservation, Reversal


class Cause(models.TextChoices):
    INFECTION = "infection", "感染新冠肺炎（含家属）"
    ILLNESS = "illness", "重大疾病"
    ACCIDENT = "accident", "意外事故"
    DISASTER = "disaster", "自然灾害"
    OTHER = "other", "其他特殊困难"


class Tier(models.TextChoices):
    FIRST = "1", "一档"
    SECOND = "2", "二档"
    THIRD = "3", "三档"


class TierRuleSet(models.Model):
    """One version of the tier table. Saving changes creates the next version; used versions stay as they were."""

    version = models.PositiveIntegerField("版本", unique=True)
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修订人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("修订时间", auto_now_add=True)

    class Meta:
        verbose_name = "帮扶档次标准"
        verbose_name_plural = "帮扶档次标准"
        ordering = ["-version"]
        permissions = [("edit_tier_rules", "修订帮扶档次标准")]

    def __str__(self) -> str:
        return f"第{self.version}版"


class TierRule(models.Model):
    """A row of the table: for a cause and a per-capita monthly income at most ``income_ceiling``, this tier."""

    ruleset = models.ForeignKey(TierRuleSet, verbose_name="版本", on_delete=models.CASCADE, related_name="rules")
    tier = models.CharField("档次", max_length=2, choices=Tier.choices)
    cause = models.CharField("致困原因", max_length=16, choices=Cause.choices, blank=True,
                             help_text="留空表示适用于所有原因")
    income_ceiling = models.DecimalField("家庭人均月收入上限（元）", **MONEY,
                                         validators=[MinValueValidator(Decimal("0"))])
    amount = models.DecimalField("标准金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    max_amount = models.DecimalField("最高金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = "档次规则"
        verbose_name_plural = "档次规则"
        ordering = ["ruleset", "tier", "cause"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(max_amount__gte=models.F("amount")),
                                   name="relief_tier_rule_amounts"),
            models.UniqueConstraint(fields=["ruleset", "tier", "cause"], name="relief_tier_rule_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.get_cause_display() or '各类原因'}"


class AidApplication(models.Model):
    class Status(models.TextChoices):
        GRASSROOTS = "grassroots", "待基层工会审核"
        COUNTY = "county", "待县（市、区）总工会审核"
        CITY = "city", "待市总工会审批"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已批准待发放"
        PAID = "paid", "已发放"
        PAYMENT_RETURNED = "pay_returned", "退回待重付"
        WITHDRAWN = "withdrawn", "已撤回"

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请职工", on_delete=models.PROTECT,
                               related_name="relief_aid_applications")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                   related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="所属工会", on_delete=models.PROTECT,
                                     related_name="relief_aid_applications")
    real_name = models.CharField("姓名", max_length=50)
    workplace = models.CharField("工作单位", max_length=100, blank=True)
    household_size = models.PositiveSmallIntegerField("家庭人口", validators=[MinValueValidator(1),
                                                                             MaxValueValidator(20)])
    household_income = models.DecimalField("家庭月收入（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    cause = models.CharField("致困原因", max_length=16, choices=Cause.choices)
    description = models.TextField("困难情况", max_length=2000)
    document = PrivateFileField("证明材料", upload_to="relief/aid", blank=True)
    ruleset = models.ForeignKey(TierRuleSet, verbose_name="适用标准", null=True, on_delete=models.PROTECT,
                                related_name="+")
    proposed_tier = models.CharField("建议档次", max_length=2, choices=Tier.choices, blank=True)
    proposed_amount = models.DecimalField("建议金额（元）", **MONEY, null=True, blank=True)
    tier = models.CharField("核定档次", max_length=2, choices=Tier.choices, blank=True)
    amount = models.DecimalField("核定金额（元）", **MONEY, null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, db_index=True)
    returned_from = models.CharField("退回环节", max_length=12, blank=True)
    reservation = models.OneToOneField(Reservation, verbose_name="资金预留", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="aid_application")
    disbursement = models.OneToOneField(Disbursement, verbose_name="资金支出", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="aid_application")
    submitted_at = models.DateTimeField("提交时间")
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    paid_at = models.DateTimeField("发放时间", null=True, blank=True)

    class Meta:
        verbose_name = "帮扶申请"
        verbose_name_plural = "帮扶申请"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="relief_aid_amount_pos"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(disbursement__isnull=False),
                                   name="relief_aid_paid_has_disbursement"),
            models.CheckConstraint(condition=Q(household_income__gte=0), name="relief_aid_income_nonneg"),
        ]
        permissions = [
            ("enter_aid", "代职工填报帮扶申请"),
            ("review_aid", "审核帮扶申请"),
        ]

    def __str__(self) -> str:
        return f"{self.real_name} 帮扶申请"

    @property
    def per_capita_income(self) -> Decimal:
        return (self.household_income / self.household_size).quantize(Decimal("0.01"))


class AidStep(models.Model):
    """Each thing that happened to an application, shown to the worker in order."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "提交申请"
        ENTERED = "entered", "工会代为申请（视同基层审核）"
        RESUBMITTED = "resubmitted", "修改后重新提交"
        APPROVED = "approved", "审核通过"
        RETURNED = "returned", "退回"
        RESERVED = "reserved", "批准并预留资金"
        PAID = "paid", "已发放"
        PAYMENT_RETURNED = "pay_returned", "发放退回"
        REPAID = "repaid", "重新支付"
        WITHDRAWN = "withdrawn", "本人撤回申请"

    application = models.ForeignKey(AidApplication, verbose_name="申请", on_delete=models.CASCADE,
                                    related_name="steps")
    kind = models.CharField("事项", max_length=12, choices=Kind.choices)
    level = models.CharField("环节", max_length=12, blank=True)
    reason = models.TextField("意见或理由", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                              related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="经办单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "帮扶申请进度"
        verbose_name_plural = "帮扶申请进度"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AidPaymentReturn(models.Model):
    """A paid aid payment that came back (wrong card, account closed): its money went back to the fund
    through the ledger, and the application waits to be paid again."""

    application = models.ForeignKey(AidApplication, verbose_name="申请", on_delete=models.PROTECT,
                                    related_name="payment_returns")
    # One return per payment: the database refuses a second, whatever the services do.
    disbursement = models.OneToOneField(Disbursement, verbose_name="退回的支出", on_delete=models.PROTECT,
                                        related_name="aid_return")
    reversal = models.OneToOneField(Reversal, verbose_name="台账退回", on_delete=models.PROTECT,
                                    related_name="aid_return")
    amount = models.DecimalField("退回金额（元）", **MONEY)
    reason = models.CharField("退回原因", max_length=200)
    returned_on = models.DateField("退回日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "帮扶资金退回"
        verbose_name_plural = "帮扶资金退回"
        ordering = ["recorded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="relief_aid_return_positive")]

    def __str__(self) -> str:
        return f"{self.application} 退回 {self.amount} 元"
