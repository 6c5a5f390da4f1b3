"""Union organising (notice point 12): online membership and member cards, census screening of
enterprises without a union, founding plans, postponed elections, social union workers.

Core's Organization is not changed: what organising needs to know about a union (catch-all or
not, term dates, postponed election) lives on ``UnionProfile``, one row per union.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import Enterprise, Organization
from apps.core.uploads import PrivateFileField, RandomName


class NewFormWork(models.TextChoices):
    NONE = "", "否"
    COURIER = "courier", "快递员"
    RIDE_HAILING = "ride_hailing", "网约车司机"
    TRUCK = "truck", "货车司机"
    DELIVERY = "delivery", "外卖送餐员"
    DOMESTIC = "domestic", "家政服务员"


class UnionProfile(models.Model):
    """What organising keeps about one union: catch-all or not, term dates, postponed election."""

    organization = models.OneToOneField(Organization, verbose_name="工会", on_delete=models.CASCADE,
                                        related_name="organizing_profile")
    county = models.ForeignKey(Organization, verbose_name="所属县（市、区）总工会", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    is_catch_all = models.BooleanField("兜底工会（联合工会）", default=False)
    founded_on = models.DateField("建会日期", null=True, blank=True)
    term_start = models.DateField("本届任期开始", null=True, blank=True)
    term_end = models.DateField("本届任期届满", null=True, blank=True)
    election_postponed_on = models.DateField("延期换届登记日期", null=True, blank=True)
    postponement_reason = models.CharField("延期原因", max_length=200, blank=True)
    election_held_on = models.DateField("换届选举日期", null=True, blank=True)
    election_due_by = models.DateField("应于此前完成换届", null=True, blank=True)

    class Meta:
        verbose_name = "工会组建信息"
        verbose_name_plural = "工会组建信息"
        constraints = [
            models.UniqueConstraint(fields=["county"], condition=Q(is_catch_all=True),
                                    name="organizing_one_catch_all_per_county"),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class MembershipApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"
        WITHDRAWN = "withdrawn", "已撤回"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人账户", on_delete=models.CASCADE,
                             related_name="membership_applications")
    real_name = models.CharField("姓名", max_length=30)
    id_digest = models.CharField(max_length=64, editable=False, db_index=True)
    id_cipher = models.TextField(editable=False)
    id_masked = models.CharField("身份证号码", max_length=18, editable=False)
    phone = models.CharField("手机号码", max_length=11)
    enterprise = models.ForeignKey(Enterprise, verbose_name="工作单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="membership_applications")
    no_fixed_employer = models.BooleanField("无固定工作单位", default=False)
    occupation = models.CharField("职业（岗位）", max_length=40)
    new_form_work = models.CharField("新就业形态", max_length=20, choices=NewFormWork.choices, blank=True)
    union = models.ForeignKey(Organization, verbose_name="受理工会", on_delete=models.PROTECT,
                              related_name="membership_applications")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "入会申请"
        verbose_name_plural = "入会申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open application per person, also when two arrive at the same moment.
            models.UniqueConstraint(fields=["id_digest"], condition=Q(status="submitted"),
                                    name="organizing_one_open_application_per_person"),
        ]
        indexes = [models.Index(fields=["union", "status"], name="organizing_app_union_status")]
        permissions = [("review_membership", "审核入会申请、管理会员")]

    def __str__(self) -> str:
        return f"{self.real_name} 的入会申请"

    @property
    def employer_label(self) -> str:
        return "无固定工作单位" if self.no_fixed_employer or self.enterprise_id is None else str(self.enterprise)


def _verify_token() -> str:
    return secrets.token_urlsafe(16)


class Membership(models.Model):
    """One per person (by the ID number's keyed hash); transfers and leaving keep the same row and
    add an event, so the member number is never reused nor given twice."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在会"
        LEFT = "left", "已退会"
        ENDED = "ended", "已终止"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="会员账户", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="membership")
    real_name = models.CharField("姓名", max_length=30)
    id_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_cipher = models.TextField(editable=False)
    id_masked = models.CharField("身份证号码", max_length=18, editable=False)
    phone = models.CharField("手机号码", max_length=11, blank=True)
    union = models.ForeignKey(Organization, verbose_name="所在工会", on_delete=models.PROTECT,
                              related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, verbose_name="工作单位", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="memberships")
    occupation = models.CharField("职业（岗位）", max_length=40, blank=True)
    new_form_work = models.CharField("新就业形态", max_length=20, choices=NewFormWork.choices, blank=True)
    member_number = models.CharField("会员编号", max_length=20, unique=True)
    verify_token = models.CharField(max_length=32, unique=True, default=_verify_token, editable=False)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    joined_online = models.BooleanField("网上入会", default=False)
    joined_at = models.DateTimeField("入会时间")
    ended_at = models.DateTimeField("退会/终止时间", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "会员"
        verbose_name_plural = "会员"
        ordering = ["-joined_at", "-id"]
        indexes = [models.Index(fields=["union", "status"], name="organizing_member_union_status")]

    def __str__(self) -> str:
        return f"{self.real_name}（{self.member_number}）"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class MembershipEvent(models.Model):
    class Kind(models.TextChoices):
        JOINED = "joined", "入会"
        TRANSFERRED = "transferred", "转会"
        LEFT = "left", "退会"
        ENDED = "ended", "终止会籍"
        REJOINED = "rejoined", "重新入会"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=12, choices=Kind.choices)
    from_union = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_union = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("说明", max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "会籍变动"
        verbose_name_plural = "会籍变动"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class MemberNumberSequence(models.Model):
    """The last sequence number given in a county-level union in a year; locked to take the next."""

    county = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="organizing_sequence_county_year")]

    def __str__(self) -> str:
        return f"{self.county_id}-{self.year}: {self.last}"


class CensusImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "未导入"

    file = PrivateFileField("普查数据文件", upload_to=RandomName("organizing/census"))
    original_name = models.CharField("文件名", max_length=200)
    organization = models.ForeignKey(Organization, verbose_name="导入单位", on_delete=models.PROTECT,
                                     related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField("已读行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)
    rejected_count = models.PositiveIntegerField("拒绝", default=0)
    rejected_rows = models.JSONField("拒绝的行", default=list, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "经济普查导入"
        verbose_name_plural = "经济普查导入"
        ordering = ["-created_at", "-id"]
        permissions = [("screen_enterprises", "经济普查导入、未建会企业摸排与建会预案")]

    def __str__(self) -> str:
        return self.original_name


class FoundingPlan(models.Model):
    """建会预案 for an enterprise without a union."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        CONTACTED = "contacted", "已联系"
        PREPARING = "preparing", "筹备中"
        FOUNDED = "founded", "已建会"

    enterprise = models.OneToOneField(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                      related_name="founding_plan")
    county = models.ForeignKey(Organization, verbose_name="负责的县（市、区）总工会", on_delete=models.PROTECT,
                               related_name="+")
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    planned_date = models.DateField("计划建会日期", null=True, blank=True)
    steps = models.TextField("工作步骤", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    union = models.ForeignKey(Organization, verbose_name="建成的工会", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    founded_on = models.DateField("建会日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "建会预案"
        verbose_name_plural = "建会预案"
        ordering = ["planned_date", "id"]

    def __str__(self) -> str:
        return f"{self.enterprise} 建会预案"


class FoundingNote(models.Model):
    plan = models.ForeignKey(FoundingPlan, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField("日期")
    text = models.CharField("记录", max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-noted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.noted_on} {self.text[:30]}"


class EpidemicPeriod(models.Model):
    """The epidemic period during which union elections wait; the city office records its end."""

    started_on = models.DateField("疫情防控开始日期")
    ended_on = models.DateField("疫情结束日期", null=True, blank=True)
    election_deadline_days = models.PositiveSmallIntegerField("结束后应在几日内完成换届", default=90)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "疫情期间（换届延期）"
        verbose_name_plural = "疫情期间（换届延期）"
        ordering = ["-started_on", "-id"]
        permissions = [("manage_elections", "换届延期管理")]

    def __str__(self) -> str:
        return f"{self.started_on} — {self.ended_on or ''}"


class SocialWorker(models.Model):
    """社会化工会工作者, assigned to a local epidemic-prevention team."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已审核"
        REJECTED = "rejected", "未通过"

    name = models.CharField("姓名", max_length=30)
    phone = models.CharField("手机号码", max_length=11)
    union = models.ForeignKey(Organization, verbose_name="所属工会", on_delete=models.PROTECT,
                              related_name="social_workers")
    team = models.CharField("防控队伍", max_length=100)
    assigned_since = models.DateField("派驻起始日期")
    team_role = models.CharField("承担任务", max_length=60)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社会化工会工作者"
        verbose_name_plural = "社会化工会工作者"
        ordering = ["-created_at", "-id"]
        permissions = [("manage_social_workers", "社会化工会工作者登记与审核")]

    def __str__(self) -> str:
        return self.name
