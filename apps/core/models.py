from __future__ import annotations

from django.conf import settings
from django.db import models

from .validators import validate_credit_code


class Organization(models.Model):
    """A union organisation. The tree is kept as a materialised path of codes for fast subtrees."""

    class Type(models.TextChoices):
        CITY = "city", "市总工会"
        COUNTY = "county", "县（市、区）总工会"
        INDUSTRY = "industry", "产业工会"
        GRASSROOTS = "grassroots", "基层工会"

    name = models.CharField("名称", max_length=100)
    code = models.CharField("代码", max_length=32, unique=True, help_text="唯一，仅字母、数字")
    org_type = models.CharField("类型", max_length=16, choices=Type.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "工会组织"
        verbose_name_plural = "工会组织"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="core_org_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["org_type"], name="core_org_type"),
        ]
        permissions = [
            ("use_console", "使用工作台"),
            ("manage_enterprises", "管理企业信息"),
            ("view_audit", "查看审计日志"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_within(self, ancestor: Organization) -> bool:
        """True when this organisation is ``ancestor`` or below it."""
        return self.path.startswith(ancestor.path)

    @property
    def county(self) -> Organization | None:
        """The county-level (or industry) union this organisation belongs to, if any."""
        if self.org_type in (self.Type.COUNTY, self.Type.INDUSTRY):
            return self
        # The second code of the path is the county-level or industry union under the city.
        codes = self.path.split("/")[:-1]
        return Organization.objects.filter(code=codes[1]).first() if len(codes) > 1 else None


class EnterpriseQuerySet(models.QuerySet):
    def verified(self) -> EnterpriseQuerySet:
        """Enterprises union staff entered or checked: the only ones indicators count."""
        return self.filter(is_verified=True)


class Enterprise(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", "微型"
        SMALL = "small", "小型"
        MEDIUM = "medium", "中型"
        LARGE = "large", "大型"

    name = models.CharField("企业名称", max_length=120, db_index=True)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    district = models.ForeignKey(
        Organization,
        verbose_name="所在县（市、区）",
        on_delete=models.PROTECT,
        related_name="district_enterprises",
        limit_choices_to={"org_type": Organization.Type.COUNTY},
    )
    industry = models.CharField("行业", max_length=50)
    size = models.CharField("规模", max_length=10, choices=Size.choices)
    employee_count = models.PositiveIntegerField("职工人数", default=0)
    address = models.CharField("地址", max_length=200, blank=True)
    has_union = models.BooleanField("已建工会", default=False)
    union = models.ForeignKey(
        Organization,
        verbose_name="所属基层工会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    is_verified = models.BooleanField(
        "已核实", default=True,
        help_text="工会工作人员登记的企业即为已核实；求职招聘中企业自行注册的，经工会核实后才计入统计。",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditLog(models.Model):
    """Append-only record of sensitive actions. Never edited or deleted (a trigger refuses it on PostgreSQL)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        DENIED = "denied", "拒绝"
        FAILED = "failed", "失败"

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_repr = models.CharField("操作人名称", max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name="所属组织", null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField("操作", max_length=80, db_index=True)
    target_type = models.CharField("对象类型", max_length=80, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action}"


class OutboxMessage(models.Model):
    """Work to hand to Celery, written in the same transaction as the change that asks for it.

    apps.core.outbox.enqueue() writes the row; after commit it is published and deleted. A row the
    broker refused stays until the periodic sweep publishes it, so nothing is lost while Redis is down.
    """

    task_name = models.CharField("任务", max_length=200)
    args = models.JSONField("位置参数", default=list, blank=True)
    kwargs = models.JSONField("关键字参数", default=dict, blank=True)
    created_at = models.DateTimeField("写入时间", auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField("发送失败次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "待发送任务"
        verbose_name_plural = "待发送任务"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class SensitiveConsent(models.Model):
    """Append-only record of separate consent to process sensitive personal information (PIPL art. 29).

    A row is never changed or deleted (a trigger refuses it on PostgreSQL): withdrawing adds a row of
    kind WITHDRAWN for the same purpose and object. ``wording`` is the exact text the person (or, for
    an entry on their behalf, the staff member) agreed to; ``wording_version`` is its hash.
    """

    class Kind(models.TextChoices):
        GIVEN = "given", "本人单独同意"
        ATTESTED = "attested", "工作人员确认已取得本人书面同意"
        WITHDRAWN = "withdrawn", "撤回同意"

    subject = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="信息主体", on_delete=models.PROTECT,
                                related_name="sensitive_consents")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    purpose = models.CharField("用途", max_length=80)
    service = models.CharField("业务", max_length=100)
    wording = models.TextField("告知并同意的内容")
    wording_version = models.CharField("内容版本", max_length=16)
    target_type = models.CharField("对象类型", max_length=80, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "敏感个人信息单独同意"
        verbose_name_plural = "敏感个人信息单独同意"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "purpose"], name="core_consent_subject"),
                   models.Index(fields=["target_type", "target_id"], name="core_consent_target")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.service}"
