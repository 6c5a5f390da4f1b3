"""Women workers: special-period arrangements, counselling, care pairings, commendations."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import Organization


class Arrangement(models.Model):
    """A woman worker's request for a special-period arrangement, negotiated by her union."""

    class Kind(models.TextChoices):
        REMOTE = "remote", "居家办公"
        FLEXIBLE = "flexible", "弹性工作时间"
        ADJUSTED = "adjusted", "调整工作岗位或内容"
        LEAVE = "leave", "休假"

    class Period(models.TextChoices):
        PREGNANCY = "pregnancy", "孕期"
        NURSING = "nursing", "哺乳期（子女一周岁内）"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        NEGOTIATING = "negotiating", "协商中"
        AGREED = "agreed", "已达成"
        PARTLY_AGREED = "partly_agreed", "部分达成"
        REFUSED = "refused", "企业未同意"
        WITHDRAWN = "withdrawn", "已撤回"

    CLOSED = (Status.AGREED, Status.PARTLY_AGREED, Status.REFUSED, Status.WITHDRAWN)
    OUTCOMES = (Status.AGREED, Status.PARTLY_AGREED, Status.REFUSED)

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="职工", on_delete=models.PROTECT,
                               related_name="women_arrangements")
    union = models.ForeignKey(Organization, verbose_name="所在工会", on_delete=models.PROTECT,
                              related_name="women_arrangements")
    employer_name = models.CharField("用人单位", max_length=120)
    kind = models.CharField("安排方式", max_length=16, choices=Kind.choices)
    period = models.CharField("特殊时期", max_length=16, choices=Period.choices)
    child_birth_date = models.DateField("子女出生日期", null=True, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    reason = models.TextField("说明", max_length=1000, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    negotiation_note = models.TextField("与企业协商情况", max_length=2000, blank=True)
    outcome_note = models.TextField("协商结果说明", max_length=1000, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT,
                                     related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_at = models.DateTimeField("结果时间", null=True, blank=True)

    class Meta:
        verbose_name = "特殊时期工作安排"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="women_arr_dates_in_order"),
        ]
        permissions = [
            ("negotiate_arrangement", "协商女职工特殊时期安排"),
            ("view_women_affairs", "查看女职工工作（女职工部）"),
            ("manage_counselling", "管理心理咨询（危机预警接收）"),
            ("manage_care", "管理结对帮扶"),
            ("recommend_commendation", "推荐表彰"),
        ]

    def __str__(self) -> str:
        return f"{self.worker}·{self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED


class CounsellingSlot(models.Model):
    """A time a counsellor offers; booked at most once at a time (see Booking's constraint)."""

    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="咨询师", on_delete=models.PROTECT,
                                   related_name="counselling_slots")
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间")
    modes = models.CharField("可选方式", max_length=40, default="video,phone,in_person")
    place = models.CharField("面谈地点", max_length=120, blank=True)
    is_withdrawn = models.BooleanField("已撤下", default=False)

    class Meta:
        verbose_name = "咨询时段"
        verbose_name_plural = verbose_name
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["counsellor", "starts_at"], name="women_slot_once_per_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="women_slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    class Mode(models.TextChoices):
        VIDEO = "video", "视频"
        PHONE = "phone", "电话"
        IN_PERSON = "in_person", "面谈"

    class Status(models.TextChoices):
        BOOKED = "booked", "已预约"
        HELD = "held", "已咨询"
        CANCELLED = "cancelled", "已取消"

    slot = models.ForeignKey(CounsellingSlot, verbose_name="时段", on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="预约人", on_delete=models.PROTECT,
                               related_name="counselling_bookings")
    # Copied from the slot so the database can refuse one person's overlapping bookings.
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    mode = models.CharField("咨询方式", max_length=16, choices=Mode.choices)
    topic = models.CharField("想聊的话题", max_length=200, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.BOOKED, db_index=True)
    note = models.TextField("咨询记录（保密）", max_length=1000, blank=True)
    crisis = models.BooleanField("危机预警", default=False)
    crisis_flagged_at = models.DateTimeField("预警时间", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("提醒时间", null=True, blank=True)
    created_at = models.DateTimeField("预约时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    ACTIVE = (Status.BOOKED, Status.HELD)

    class Meta:
        verbose_name = "咨询预约"
        verbose_name_plural = verbose_name
        ordering = ["starts_at"]
        constraints = [
            # A slot is taken by at most one live booking; a cancelled one frees it.
            models.UniqueConstraint(fields=["slot"], condition=~Q(status="cancelled"), name="women_slot_booked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}"


class CareFamily(models.Model):
    """The family of a woman on the front line, paired with helpers (结对帮扶)."""

    member_name = models.CharField("一线女职工", max_length=40)
    member_role = models.CharField("岗位/身份", max_length=60)
    deployed_to = models.CharField("派驻地点", max_length=120)
    family_contact = models.CharField("家属联系人", max_length=40)
    family_phone = models.CharField("家属电话", max_length=20)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    district = models.ForeignKey(Organization, verbose_name="所属工会", on_delete=models.PROTECT,
                                 related_name="care_families")
    helpers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="帮扶人", blank=True,
                                     related_name="care_families")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                      related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "结对帮扶家庭"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member_name}家庭"


class CareNeed(models.Model):
    family = models.ForeignKey(CareFamily, verbose_name="家庭", on_delete=models.CASCADE, related_name="needs")
    description = models.CharField("困难与需求", max_length=200)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    solved_at = models.DateTimeField("解决时间", null=True, blank=True)
    solved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解决人", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "帮扶需求"
        verbose_name_plural = verbose_name
        ordering = ["solved_at", "created_at"]

    def __str__(self) -> str:
        return self.description


class CareVisit(models.Model):
    family = models.ForeignKey(CareFamily, verbose_name="家庭", on_delete=models.CASCADE, related_name="visits")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="帮扶人", on_delete=models.PROTECT,
                               related_name="+")
    visited_on = models.DateField("走访日期")
    help_given = models.TextField("帮扶内容", max_length=1000)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = verbose_name
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.family} {self.visited_on}"


class Commendation(models.Model):
    class Kind(models.TextChoices):
        MARCH_EIGHTH = "march8", "三八红旗手"
        MAY_DAY = "may1", "五一劳动奖章"

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", "已推荐"
        UNDER_REVIEW = "under_review", "审核中"
        APPROVED = "approved", "已通过"
        DECLINED = "declined", "未通过"

    kind = models.CharField("表彰类别", max_length=16, choices=Kind.choices)
    name = models.CharField("姓名", max_length=40)
    organization = models.ForeignKey(Organization, verbose_name="推荐单位", on_delete=models.PROTECT,
                                     related_name="women_commendations")
    workplace = models.CharField("工作单位", max_length=120)
    front_line = models.BooleanField("一线女职工", default=True)
    deeds = models.TextField("主要事迹", max_length=3000)
    status = models.CharField("审核状态", max_length=16, choices=Status.choices, default=Status.RECOMMENDED)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="推荐人", on_delete=models.PROTECT,
                                       related_name="+")
    created_at = models.DateTimeField("推荐时间", auto_now_add=True)

    class Meta:
        verbose_name = "表彰推荐"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.name}"
