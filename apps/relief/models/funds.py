"""Special funds (专项资金): one account per organisation holding part of a fund, and the ledger.

Every movement of money is a ``LedgerEntry``. The account row keeps the running totals of its
entries (``available``, ``reserved``, ``allocated_out``, ``spent``) so that a row lock serialises
every change to one organisation's money and CHECK constraints make a negative balance impossible
even if a service were wrong; ``selectors.ledger_totals`` recomputes them from the entries alone.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.core.models import Organization

MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_AMOUNT = Decimal("999999999999.99")
ZERO = Decimal("0.00")


class Fund(models.Model):
    class Purpose(models.TextChoices):
        CONDOLENCE = "condolence", "慰问"
        AID = "aid", "分类梯度帮扶"
        SUBSIDY = "subsidy", "补贴发放"

    name = models.CharField("资金名称", max_length=100)
    source = models.CharField("资金来源", max_length=200)
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    total = models.DecimalField("资金总额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    # Stored as ",aid,subsidy," so that "allows purpose X" is one portable LIKE on SQLite and PostgreSQL.
    purposes = models.CharField("允许用途", max_length=100, default=",")
    organization = models.ForeignKey(Organization, verbose_name="设立单位", on_delete=models.PROTECT,
                                     related_name="relief_funds")
    is_open = models.BooleanField("可使用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "专项资金"
        verbose_name_plural = "专项资金"
        ordering = ["-year", "name", "id"]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="relief_fund_total_positive")]
        permissions = [
            ("manage_fund", "设立专项资金"),
            ("allocate_fund", "分配专项资金"),
            ("view_fund_ledger", "查看资金台账"),
            ("view_dashboard", "查看帮扶统计"),
            ("pay_aid", "发放帮扶资金"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    @staticmethod
    def encode_purposes(purposes) -> str:
        return "," + ",".join(dict.fromkeys(purposes)) + ","

    @property
    def purpose_list(self) -> list[str]:
        return [p for p in self.purposes.split(",") if p]

    def allows(self, purpose: str) -> bool:
        return f",{purpose}," in self.purposes

    @property
    def purpose_labels(self) -> list[str]:
        return [self.Purpose(p).label for p in self.purpose_list if p in self.Purpose.values]


class FundAccount(models.Model):
    """The part of one fund held by one organisation (the city's root account holds the whole total)."""

    fund = models.ForeignKey(Fund, verbose_name="专项资金", on_delete=models.PROTECT, related_name="accounts")
    organization = models.ForeignKey(Organization, verbose_name="持有单位", on_delete=models.PROTECT,
                                      related_name="relief_fund_accounts")
    parent = models.ForeignKey("self", verbose_name="上级账户", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    received = models.DecimalField("收到额度", **MONEY, default=ZERO)
    allocated_out = models.DecimalField("下拨额度", **MONEY, default=ZERO)
    reserved = models.DecimalField("已预留", **MONEY, default=ZERO)
    spent = models.DecimalField("已支出", **MONEY, default=ZERO)
    available = models.DecimalField("可用余额", **MONEY, default=ZERO)

    class Meta:
        verbose_name = "资金账户"
        verbose_name_plural = "资金账户"
        ordering = ["fund", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "organization"], name="relief_account_one_per_org"),
            models.CheckConstraint(condition=Q(available__gte=0), name="relief_account_available_nonneg"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="relief_account_reserved_nonneg"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="relief_account_spent_nonneg"),
            models.CheckConstraint(condition=Q(allocated_out__gte=0), name="relief_account_allocated_nonneg"),
            models.CheckConstraint(
                condition=Q(received=F("available") + F("reserved") + F("spent") + F("allocated_out")),
                name="relief_account_balanced"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.organization.name}"

    @property
    def used_percent(self) -> int:
        """Share of what this organisation received that is spent or reserved (allocations passed on excluded)."""
        own = self.received - self.allocated_out
        if own <= 0:
            return 0
        return int((self.spent + self.reserved) * 100 / own)


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        FUNDING = "funding", "设立"
        ALLOCATION_IN = "allocation_in", "上级下拨"
        ALLOCATION_OUT = "allocation_out", "向下分配"
        RESERVATION = "reservation", "预留"
        RELEASE = "release", "释放预留"
        DISBURSEMENT = "disbursement", "支出"
        REVERSAL = "reversal", "退回"

    account = models.ForeignKey(FundAccount, verbose_name="账户", on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, db_index=True)
    amount = models.DecimalField("金额（元）", **MONEY)
    counterpart = models.ForeignKey(FundAccount, verbose_name="对方账户", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reservation = models.ForeignKey("Reservation", verbose_name="预留", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="entries")
    reference = models.CharField("业务编号", max_length=120, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    available_after = models.DecimalField("可用余额（发生后）", **MONEY)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "台账记录"
        verbose_name_plural = "台账记录"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="relief_entry_amount_positive"),
            models.CheckConstraint(condition=Q(available_after__gte=0), name="relief_entry_balance_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Reservation(models.Model):
    """Money set aside in one account for one payment; released, or disbursed exactly once."""

    class Status(models.TextChoices):
        HELD = "held", "已预留"
        RELEASED = "released", "已释放"
        DISBURSED = "disbursed", "已支出"

    account = models.ForeignKey(FundAccount, verbose_name="账户", on_delete=models.PROTECT,
                                related_name="reservations")
    amount = models.DecimalField("金额（元）", **MONEY)
    reference = models.CharField("业务编号", max_length=120, unique=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.HELD, db_index=True)
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("预留时间", auto_now_add=True)
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "资金预留"
        verbose_name_plural = "资金预留"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="relief_reservation_positive")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class Disbursement(models.Model):
    reservation = models.OneToOneField(Reservation, verbose_name="预留", on_delete=models.PROTECT,
                                       related_name="disbursement")
    account = models.ForeignKey(FundAccount, verbose_name="账户", on_delete=models.PROTECT,
                                related_name="disbursements")
    amount = models.DecimalField("金额（元）", **MONEY)
    note = models.CharField("说明", max_length=300, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True,
                                on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField("支出时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金支出"
        verbose_name_plural = "资金支出"
        ordering = ["-paid_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="relief_disbursement_positive")]

    def __str__(self) -> str:
        return f"{self.reservation.reference} {self.amount}"


class Reversal(models.Model):
    """A payment that came back (returned by the bank, paid in error): the money returns to the account."""

    disbursement = models.OneToOneField(Disbursement, verbose_name="支出", on_delete=models.PROTECT,
                                        related_name="reversal")
    amount = models.DecimalField("金额（元）", **MONEY)
    note = models.CharField("原因", max_length=300, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    reversed_at = models.DateTimeField("退回时间", auto_now_add=True)

    class Meta:
        verbose_name = "支出退回"
        verbose_name_plural = "支出退回"
        ordering = ["-reversed_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="relief_reversal_positive")]

    def __str__(self) -> str:
        return f"退回 {self.amount}"
