"""Subsidies: transport subsidy for returning workers (programmes, applications, payment batches)
and the deferral of union dues (工会经费缓缴).

Money moves only through relief's ledger services; these models keep references to the relief rows
(by string model label: subsidies imports no relief model module)."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.core.models import Enterprise, Organization
from apps.core.uploads import PrivateFileField, RandomName

MONEY = {"max_digits": 12, "decimal_places": 2}
MAX_SUBSIDY = Decimal("100000.00")


class Programme(models.Model):
    class Rule(models.TextChoices):
        FLAT = "flat", "统一标准"
        DISTANCE = "distance", "按出发地距离分档"

    name = models.CharField("项目名称", max_length=100)
    organization = models.ForeignKey(Organization, verbose_name="设立单位", on_delete=models.PROTECT,
                                     related_name="subsidy_programmes")
    description = models.TextField("政策说明", blank=True, max_length=3000)
    return_from = models.DateField("返岗日期起")
    return_until = models.DateField("返岗日期止")
    apply_until = models.DateField("申请截止日期")
    rule = models.CharField("补贴标准", max_length=10, choices=Rule.choices, default=Rule.FLAT)
    flat_amount = models.DecimalField("统一补贴金额（元）", **MONEY, default=Decimal("0.00"),
                                      validators=[MinValueValidator(Decimal("0"))])
    near_amount = models.DecimalField("省内（元）", **MONEY, default=Decimal("0.00"),
                                      validators=[MinValueValidator(Decimal("0"))])
    mid_amount = models.DecimalField("省外1000公里以内（元）", **MONEY, default=Decimal("0.00"),
                                     validators=[MinValueValidator(Decimal("0"))])
    far_amount = models.DecimalField("省外1000公里以上（元）", **MONEY, default=Decimal("0.00"),
                                     validators=[MinValueValidator(Decimal("0"))])
    cap = models.DecimalField("每人补贴上限（元）", **MONEY,
                              validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_SUBSIDY)])
    fund_account = models.ForeignKey("relief.FundAccount", verbose_name="支付资金账户", on_delete=models.PROTECT,
                                     related_name="subsidy_programmes")
    is_open = models.BooleanField("接受申请", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "交通补贴项目"
        verbose_name_plural = "交通补贴项目"
        ordering = ["-return_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(return_until__gte=F("return_from")), name="subsidies_window_ordered"),
            models.CheckConstraint(condition=Q(cap__gt=0), name="subsidies_cap_positive"),
        ]
        permissions = [
            ("manage_programme", "设立补贴项目"),
            ("confirm_return", "确认职工返岗"),
            ("review_application", "县级审核补贴申请"),
            ("approve_application", "市级审批补贴申请"),
            ("pay_subsidy", "办理补贴发放"),
            ("view_signals", "查看补贴风险提示"),
            ("apply_deferral", "申请工会经费缓缴"),
            ("approve_deferral", "审批工会经费缓缴"),
        ]

    def __str__(self) -> str:
        return self.name

    def amount_for(self, band: str) -> Decimal:
        """The amount the rule gives for an origin band, never above the cap."""
        if self.rule == self.Rule.FLAT:
            amount = self.flat_amount
        else:
            amount = {Application.Band.NEAR: self.near_amount, Application.Band.MID: self.mid_amount,
                      Application.Band.FAR: self.far_amount}.get(band, Decimal("0.00"))
        return min(amount, self.cap)


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待单位工会确认返岗"
        CONFIRMED = "confirmed", "待县级审核"
        REVIEWED = "reviewed", "待市级审批"
        APPROVED = "approved", "已批准，待发放"
        BATCHED = "batched", "发放中"
        PAID = "paid", "已发放"
        RETURNED = "returned", "发放退回，待更正账户"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已撤回"

    class Band(models.TextChoices):
        NEAR = "near", "河南省内"
        MID = "mid", "省外1000公里以内"
        FAR = "far", "省外1000公里以上"

    programme = models.ForeignKey(Programme, verbose_name="补贴项目", on_delete=models.PROTECT,
                                  related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人账户", on_delete=models.PROTECT,
                                  related_name="subsidy_applications")
    real_name = models.CharField("姓名", max_length=30)
    id_hash = models.CharField("身份证号摘要", max_length=64, editable=False)
    id_encrypted = models.TextField("身份证号（加密）", editable=False)
    id_masked = models.CharField("身份证号", max_length=18, editable=False)
    phone = models.CharField("手机号", max_length=11, db_index=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name="返岗企业", on_delete=models.PROTECT,
                                   related_name="subsidy_applications")
    union = models.ForeignKey(Organization, verbose_name="确认返岗的工会", on_delete=models.PROTECT,
                              related_name="subsidy_confirmations")
    origin = models.CharField("出发地", max_length=60)
    band = models.CharField("出发地距离", max_length=8, choices=Band.choices)
    returned_on = models.DateField("返岗日期")
    bank_name = models.CharField("开户银行", max_length=40)
    account_hash = models.CharField("银行账号摘要", max_length=64, editable=False, db_index=True)
    account_encrypted = models.TextField("银行账号（加密）", editable=False)
    account_masked = models.CharField("银行账号", max_length=30, editable=False)
    amount = models.DecimalField("补贴金额（元）", **MONEY)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    reservation = models.ForeignKey("relief.Reservation", verbose_name="资金预留", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="县级审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="市级审批人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    comment = models.CharField("最近意见", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    paid_at = models.DateTimeField("发放时间", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "交通补贴申请"
        verbose_name_plural = "交通补贴申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "id_hash"], name="subsidies_one_per_person"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidies_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.real_name}"

    @property
    def status_tone(self) -> str:
        S = self.Status
        return {S.PAID: "success", S.RETURNED: "danger", S.REJECTED: "secondary", S.WITHDRAWN: "secondary",
                S.APPROVED: "info", S.BATCHED: "info"}.get(self.status, "warning")


class Receipt(models.Model):
    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.CASCADE,
                                    related_name="receipts")
    file = PrivateFileField("车票或票据", upload_to=RandomName("subsidies/receipts"))
    sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "票据"
        verbose_name_plural = "票据"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"票据 {self.pk}"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.CASCADE,
                                    related_name="events")
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=12, blank=True, choices=Application.Status.choices)
    to_status = models.CharField("新状态", max_length=12, choices=Application.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.CharField("意见", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "申请记录"
        verbose_name_plural = "申请记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} → {self.to_status}"


class PaymentBatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "待发放"
        PAID = "paid", "已发放"

    programme = models.ForeignKey(Programme, verbose_name="补贴项目", on_delete=models.PROTECT,
                                  related_name="batches")
    organization = models.ForeignKey(Organization, verbose_name="经办单位", on_delete=models.PROTECT,
                                     related_name="subsidy_batches")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认发放人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField("发放时间", null=True, blank=True)

    class Meta:
        verbose_name = "发放批次"
        verbose_name_plural = "发放批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"发放批次 {self.pk}"


class PaymentItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发放"
        PAID = "paid", "已发放"
        RETURNED = "returned", "已退回"

    batch = models.ForeignKey(PaymentBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="items")
    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.PROTECT,
                                    related_name="payment_items")
    amount = models.DecimalField("金额（元）", **MONEY)
    reservation = models.ForeignKey("relief.Reservation", verbose_name="资金预留", on_delete=models.PROTECT,
                                    related_name="+")
    disbursement = models.ForeignKey("relief.Disbursement", verbose_name="资金支出", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "发放明细"
        verbose_name_plural = "发放明细"
        ordering = ["id"]
        constraints = [
            # An application is in one live batch only: a returned line frees it for a later batch.
            models.UniqueConstraint(fields=["application"], condition=~Q(status="returned"),
                                    name="subsidies_one_live_item"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidies_item_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.amount}"


class DuesDeferral(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审批"
        APPROVED = "approved", "已批准缓缴"
        REJECTED = "rejected", "未批准"
        SETTLED = "settled", "已补缴"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="dues_deferrals")
    district = models.ForeignKey(Organization, verbose_name="所属县（市、区）", on_delete=models.PROTECT,
                                 related_name="dues_deferrals")
    period_start = models.DateField("缓缴所属期起")
    period_end = models.DateField("缓缴所属期止")
    deferred_until = models.DateField("缓缴至")
    amount = models.DecimalField("缓缴金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.CharField("申请理由", max_length=300)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                   related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    comment = models.CharField("审批意见", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    reviewed_at = models.DateTimeField("审批时间", null=True, blank=True)
    reminded_at = models.DateTimeField("到期提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = "工会经费缓缴"
        verbose_name_plural = "工会经费缓缴"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="subsidies_deferral_period"),
            models.CheckConstraint(condition=Q(deferred_until__gt=F("period_end")), name="subsidies_deferral_after"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidies_deferral_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} 缓缴 {self.amount} 元"

    @property
    def status_tone(self) -> str:
        S = self.Status
        return {S.APPROVED: "success", S.REJECTED: "secondary", S.SETTLED: "info"}.get(self.status, "warning")
