"""Volunteers, their activities and hours, and micro-wishes (点亮微心愿)."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.core.fields import WebLinkField
from apps.core.models import Organization
from apps.core.uploads import PrivateFileField


class Volunteer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer")
    union = models.ForeignKey(Organization, verbose_name="审核工会", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(Organization, verbose_name="服务县（市、区）", on_delete=models.PROTECT,
                                 related_name="+")
    skills = models.CharField("特长技能", max_length=200)
    availability = models.CharField("可服务时间", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    number = models.CharField("志愿者编号", max_length=20, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["-created_at"]
        permissions = [("approve_volunteer", "审核志愿者")]

    def __str__(self) -> str:
        return f"志愿者 {self.number or self.pk}"


class Activity(models.Model):
    class Kind(models.TextChoices):
        EPIDEMIC = "epidemic", "疫情防控"
        POVERTY = "poverty", "劳模助力脱贫攻坚"
        TALK = "talk", "劳模工匠宣讲"
        COUNSELLING = "counselling", "心理咨询疏导"
        LEGAL = "legal", "法律咨询服务"
        CULTURE = "culture", "文化进基层"

    title = models.CharField("活动名称", max_length=100)
    kind = models.CharField("服务类型", max_length=16, choices=Kind.choices)
    description = models.TextField("活动内容", max_length=2000, blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True)
    online_link = WebLinkField("线上链接", blank=True)
    capacity = models.PositiveIntegerField("招募人数", validators=[MinValueValidator(1), MaxValueValidator(1000)])
    taken = models.PositiveIntegerField("已报名", default=0)
    cancel_hours = models.PositiveIntegerField("开始前多少小时截止取消", default=24,
                                               validators=[MaxValueValidator(720)])
    organiser = models.ForeignKey(Organization, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务活动"
        verbose_name_plural = "志愿服务活动"
        ordering = ["-starts_at"]
        permissions = [("manage_activity", "管理志愿服务活动")]
        constraints = [
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="volunteers_activity_not_over",
                                   violation_error_message="报名人数不能超过招募人数。"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="volunteers_activity_ends_after",
                                   violation_error_message="结束时间须晚于开始时间。"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)


class Signup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "已报名"
        WAITING = "waiting", "候补中"
        CANCELLED = "cancelled", "已取消"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    created_at = models.DateTimeField("报名时间", auto_now_add=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1, default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))])

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], condition=~Q(status="cancelled"),
                                    name="volunteers_signup_once"),
            models.CheckConstraint(condition=Q(hours__gte=0) & Q(hours__lte=24), name="volunteers_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.volunteer}"


class Wish(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        PUBLISHED = "published", "待认领"
        CLAIMED = "claimed", "已认领"
        FULFILLED = "fulfilled", "待确认"
        CONFIRMED = "confirmed", "已实现"
        WITHDRAWN = "withdrawn", "已撤回"

    MAX_VALUE = Decimal("500")

    wisher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="心愿人", on_delete=models.PROTECT,
                               related_name="wishes")
    union = models.ForeignKey(Organization, verbose_name="所属工会", on_delete=models.PROTECT, related_name="+")
    what = models.CharField("心愿内容", max_length=100)
    why = models.TextField("心愿缘由", max_length=500)
    value = models.DecimalField("价值（元）", max_digits=7, decimal_places=2,
                                validators=[MinValueValidator(Decimal("1")), MaxValueValidator(MAX_VALUE)])
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    donor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="认领人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="claimed_wishes")
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    due_at = models.DateTimeField("实现期限", null=True, blank=True)
    fulfilled_at = models.DateTimeField("实现时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    photo = PrivateFileField("实现照片", upload_to="volunteers/wishes", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "微心愿"
        verbose_name_plural = "微心愿"
        ordering = ["-created_at"]
        permissions = [("manage_wish", "管理微心愿")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "withdrawn"], donor__isnull=True)
                | Q(status__in=["claimed", "fulfilled", "confirmed"], donor__isnull=False),
                name="volunteers_wish_donor_matches_status"),
        ]

    def __str__(self) -> str:
        return f"微心愿 #{self.pk}"
