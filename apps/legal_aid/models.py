"""Labour relations and legal aid: 24-hour consultation with a service clock, the duty roster,
the anonymised public FAQ, and stability-risk screening of enterprises."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.core.models import Enterprise, Organization
from apps.core.uploads import PrivateFileField

MAX_SLA_HOURS = 168


class ConsultationCategory(models.Model):
    """A kind of question and its service level: the first answer is due within ``first_answer_hours``."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("类别", max_length=30)
    first_answer_hours = models.PositiveSmallIntegerField(
        "首次答复时限（小时）", default=24, validators=[MinValueValidator(1), MaxValueValidator(MAX_SLA_HOURS)])
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "咨询类别与时限"
        verbose_name_plural = "咨询类别与时限"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Consultation(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "待认领"
        ASSIGNED = "assigned", "解答中"
        ANSWERED = "answered", "已答复"
        CLOSED = "closed", "已结束"

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="咨询人", on_delete=models.PROTECT,
                               related_name="legal_consultations")
    organization = models.ForeignKey(Organization, verbose_name="所属工会", on_delete=models.PROTECT,
                                     related_name="+", help_text="职工所在工会；非会员归市总工会法律部门")
    category = models.ForeignKey(ConsultationCategory, verbose_name="类别", on_delete=models.PROTECT,
                                 related_name="consultations")
    facts = models.TextField("事实经过", max_length=4000)
    attachment = PrivateFileField("附件", upload_to="legal_aid/consultations", blank=True)
    allow_publish = models.BooleanField("同意匿名公开", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="志愿律师", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="legal_assignments")
    created_at = models.DateTimeField("提问时间")
    due_at = models.DateTimeField("首次答复期限")
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    first_answered_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField("首次答复用时（秒）", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField("办结用时（秒）", null=True, blank=True)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.CharField("评价意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "法律咨询"
        verbose_name_plural = "法律咨询"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("answer_consultation", "认领并解答法律咨询"),
            ("handle_consultation", "管理法律咨询（分派、统计、公开问答）"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at", "id"], name="legal_cons_queue"),
            models.Index(fields=["lawyer", "status", "due_at"], name="legal_cons_lawyer"),
            models.Index(fields=["worker", "created_at"], name="legal_cons_worker"),
            models.Index(fields=["organization", "status"], name="legal_cons_org"),
            models.Index(fields=["first_answered_at"], name="legal_cons_answered"),
            models.Index(fields=["created_at", "id"], name="legal_cons_created"),
            # The service clock looks only at open, unanswered questions: a small partial index.
            models.Index(fields=["due_at"], name="legal_cons_open_due",
                         condition=models.Q(first_answered_at__isnull=True, status__in=["queued", "assigned"])),
        ]

    def __str__(self) -> str:
        return f"法律咨询 #{self.pk} · {self.category.name}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class ConsultationMessage(models.Model):
    class Kind(models.TextChoices):
        ANSWER = "answer", "律师答复"
        REPLY = "reply", "职工追问"
        NOTE = "note", "内部备注"

    consultation = models.ForeignKey(Consultation, verbose_name="咨询", on_delete=models.CASCADE,
                                     related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作者", on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    body = models.TextField("内容", max_length=4000)
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "咨询往来"
        verbose_name_plural = "咨询往来"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["consultation", "created_at"], name="legal_msg_thread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · 咨询 #{self.consultation_id}"


class DutyShift(models.Model):
    """Who answers the hotline and the queue when (shown on the public page)."""

    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="值班律师", on_delete=models.CASCADE,
                               related_name="legal_shifts")
    starts_at = models.DateTimeField("开始")
    ends_at = models.DateTimeField("结束")
    phone = models.CharField("值班电话", max_length=32, blank=True)

    class Meta:
        verbose_name = "律师值班"
        verbose_name_plural = "律师值班表"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="legal_shift_when")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="legal_shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.lawyer} {self.starts_at:%Y-%m-%d %H:%M}"


class PublishedAnswer(models.Model):
    """An answer the worker allowed to publish, anonymised and edited by staff before it appears."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待编辑"
        PUBLISHED = "published", "已公开"

    consultation = models.OneToOneField(Consultation, verbose_name="来源咨询", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="published_answer")
    category = models.ForeignKey(ConsultationCategory, verbose_name="类别", on_delete=models.PROTECT,
                                 related_name="+")
    question = models.TextField("问题（已匿名）", max_length=2000)
    answer = models.TextField("解答", max_length=6000)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    search_document = models.TextField(editable=False, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编辑人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        verbose_name = "公开问答"
        verbose_name_plural = "公开问答"
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"], name="legal_faq_status")]

    def __str__(self) -> str:
        return self.question[:40]


class RiskScreening(models.Model):
    """One screening of an enterprise for workforce-stability risks (职工队伍稳定风险排查)."""

    class Level(models.TextChoices):
        GREEN = "green", "绿色（稳定）"
        YELLOW = "yellow", "黄色（关注）"
        ORANGE = "orange", "橙色（较高风险）"
        RED = "red", "红色（高风险）"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="risk_screenings")
    screened_on = models.DateField("排查日期")
    headcount = models.PositiveIntegerField("职工人数", validators=[MaxValueValidator(1_000_000)])
    wage_arrears_amount = models.DecimalField("拖欠工资金额（元）", max_digits=14, decimal_places=2, default=0,
                                              validators=[MinValueValidator(0)])
    wage_arrears_months = models.PositiveSmallIntegerField("拖欠工资月数", default=0,
                                                           validators=[MaxValueValidator(120)])
    layoffs_planned = models.PositiveIntegerField("计划裁员人数", default=0)
    social_insurance_arrears_months = models.PositiveSmallIntegerField("欠缴社保月数", default=0,
                                                                       validators=[MaxValueValidator(120)])
    dispatched_workers = models.PositiveIntegerField("劳务派遣人数", default=0)
    complaints = models.PositiveIntegerField("职工投诉（件）", default=0, validators=[MaxValueValidator(10_000)])
    production_halted = models.BooleanField("停产或半停产", default=False)
    is_dispatch_firm = models.BooleanField("劳务派遣单位", default=False)
    score = models.PositiveSmallIntegerField("风险分值")
    level = models.CharField("风险等级", max_length=8, choices=Level.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    warned_at = models.DateTimeField("预警时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="排查人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "稳定风险排查"
        verbose_name_plural = "稳定风险排查"
        ordering = ["-screened_on", "-id"]
        permissions = [("screen_risk", "开展稳定风险排查")]
        indexes = [
            models.Index(fields=["enterprise", "screened_on"], name="legal_screen_trend"),
            models.Index(fields=["level", "screened_on"], name="legal_screen_level"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.screened_on:%Y-%m-%d} 稳定风险排查"


# --- labour disputes and collective negotiations ---

# 《劳动争议调解仲裁法》第七条: a dispute where ten or more workers share a common claim is collective.
COLLECTIVE_MIN_WORKERS = 10
MAX_WORKERS = 1_000_000


class DisputeThresholds(models.Model):
    """The city's bounds for a major dispute (one row, id 1): reaching either alerts at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    major_workers = models.PositiveIntegerField(
        "重大争议人数标准（人）", default=30, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKERS)],
        help_text="涉及职工人数达到此数即立即通知县（市、区）总工会和市总工会。")
    major_amount = models.DecimalField(
        "重大争议金额标准（元）", max_digits=14, decimal_places=2, default=500_000,
        validators=[MinValueValidator(1)], help_text="涉及金额达到此数即立即通知县（市、区）总工会和市总工会。")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "重大劳动争议标准"
        verbose_name_plural = "重大劳动争议标准"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="legal_dispute_thresholds_one_row"),
            models.CheckConstraint(condition=models.Q(major_workers__gte=1), name="legal_dispute_thresholds_workers"),
            models.CheckConstraint(condition=models.Q(major_amount__gte=1), name="legal_dispute_thresholds_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.major_workers} 人或 {self.major_amount:,.0f} 元"


class LabourDispute(models.Model):
    """A labour dispute in an enterprise, recorded by union staff (staff data, never public)."""

    class Type(models.TextChoices):
        WAGE_ARREARS = "wage_arrears", "拖欠工资"
        TERMINATION = "termination", "解除劳动合同"
        SOCIAL_INSURANCE = "social_insurance", "社会保险"
        INJURY = "injury", "工伤"
        HOURS_LEAVE = "hours_leave", "工时休假"
        EPIDEMIC_PAY = "epidemic_pay", "疫情期间工资待遇"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        REGISTERED = "registered", "登记"
        MEDIATING = "mediating", "调处中"
        MEDIATED = "mediated", "已调解"
        ARBITRATION = "arbitration", "转仲裁"
        LITIGATION = "litigation", "转诉讼"
        CLOSED = "closed", "已结"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="labour_disputes")
    organization = models.ForeignKey(Organization, verbose_name="登记单位", on_delete=models.PROTECT,
                                     related_name="+")
    dispute_type = models.CharField("争议类型", max_length=20, choices=Type.choices)
    epidemic_related = models.BooleanField("因疫情引发", default=False)
    workers_involved = models.PositiveIntegerField(
        "涉及职工人数", validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKERS)])
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, default=0,
                                 validators=[MinValueValidator(0)])
    collective = models.BooleanField("集体劳动争议", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REGISTERED)
    occurred_on = models.DateField("发生日期")
    description = models.TextField("争议情况", max_length=4000)
    resolution = models.TextField("处理结果", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "劳动争议"
        verbose_name_plural = "劳动争议"
        ordering = ["-occurred_on", "-id"]
        permissions = [("record_dispute", "登记劳动争议和集体协商")]
        indexes = [
            models.Index(fields=["occurred_on", "id"], name="legal_dispute_when"),
            models.Index(fields=["enterprise", "occurred_on"], name="legal_dispute_enterprise"),
            models.Index(fields=["status", "occurred_on"], name="legal_dispute_status"),
            # The console's to-do: open collective disputes.
            models.Index(fields=["occurred_on"], name="legal_dispute_open_collective",
                         condition=models.Q(collective=True) & ~models.Q(status="closed")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(workers_involved__gte=1), name="legal_dispute_workers_positive",
                                   violation_error_message="涉及职工人数至少为 1 人。"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="legal_dispute_amount_not_negative",
                                   violation_error_message="涉及金额不能为负数。"),
            models.CheckConstraint(
                condition=models.Q(collective=True) | models.Q(workers_involved__lt=COLLECTIVE_MIN_WORKERS),
                name="legal_dispute_ten_workers_collective",
                violation_error_message="劳动者一方在 10 人以上的争议属于集体劳动争议。"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.get_dispute_type_display()}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class DisputeProgress(models.Model):
    """A dated step in handling a dispute, with the status it moved to (if it moved)."""

    dispute = models.ForeignKey(LabourDispute, verbose_name="劳动争议", on_delete=models.CASCADE,
                                related_name="progress")
    happened_on = models.DateField("日期")
    note = models.TextField("进展情况", max_length=2000)
    status_before = models.CharField("原状态", max_length=12, choices=LabourDispute.Status.choices, blank=True)
    status_after = models.CharField("新状态", max_length=12, choices=LabourDispute.Status.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "争议处理进展"
        verbose_name_plural = "争议处理进展"
        ordering = ["happened_on", "id"]
        indexes = [models.Index(fields=["dispute", "happened_on"], name="legal_dispute_progress")]

    def __str__(self) -> str:
        return f"{self.happened_on:%Y-%m-%d} {self.note[:30]}"


class DisputeAlert(models.Model):
    """One alert sent for one dispute and one reason: the unique row is what makes it once."""

    class Reason(models.TextChoices):
        COLLECTIVE = "collective", "集体劳动争议"
        WORKERS = "workers", "涉及人数达到重大标准"
        AMOUNT = "amount", "涉及金额达到重大标准"

    dispute = models.ForeignKey(LabourDispute, verbose_name="劳动争议", on_delete=models.CASCADE,
                                related_name="alerts")
    reason = models.CharField("原因", max_length=12, choices=Reason.choices)
    detail = models.CharField("说明", max_length=120)
    recipients = models.PositiveIntegerField("通知人数", default=0)
    sent_at = models.DateTimeField("通知时间")

    class Meta:
        verbose_name = "劳动争议预警"
        verbose_name_plural = "劳动争议预警"
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["dispute", "reason"], name="legal_dispute_alert_once")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · 争议 #{self.dispute_id}"


class CollectiveNegotiation(models.Model):
    """A round of collective negotiation (集体协商) in an enterprise, and the agreement it reached."""

    class Topic(models.TextChoices):
        WAGES = "wages", "工资"
        HOURS = "hours", "工时"
        EPIDEMIC = "epidemic", "疫情期间安排"
        SAFETY = "safety", "劳动安全卫生"
        WOMEN = "women", "女职工权益"
        OTHER = "other", "其他"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="collective_negotiations")
    organization = models.ForeignKey(Organization, verbose_name="登记单位", on_delete=models.PROTECT,
                                     related_name="+")
    topic = models.CharField("协商议题", max_length=12, choices=Topic.choices)
    union_side = models.CharField("职工方代表", max_length=300)
    employer_side = models.CharField("企业方代表", max_length=300)
    held_on = models.DateField("协商日期")
    agreement_reached = models.BooleanField("达成协议", default=False)
    agreement_summary = models.TextField("协议主要内容", max_length=4000, blank=True)
    workers_covered = models.PositiveIntegerField("覆盖职工人数", default=0,
                                                  validators=[MaxValueValidator(MAX_WORKERS)])
    valid_from = models.DateField("协议生效日期", null=True, blank=True)
    valid_until = models.DateField("协议截止日期", null=True, blank=True)
    agreement_file = PrivateFileField("协议文本", upload_to="legal_aid/agreements", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "集体协商"
        verbose_name_plural = "集体协商"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["held_on", "id"], name="legal_negotiation_when"),
            models.Index(fields=["enterprise", "held_on"], name="legal_negotiation_enterprise"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(valid_from__isnull=True) | models.Q(valid_until__isnull=True)
                           | models.Q(valid_until__gte=models.F("valid_from"))),
                name="legal_negotiation_valid_in_order", violation_error_message="协议截止日期不能早于生效日期。"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.get_topic_display()}集体协商"


# --- legal-aid cases (green channel) ---------------------------------------------------------------
# 法律援助绿色通道: a worker applies; migrant workers, needy workers and epidemic-related disputes come
# first; staff accept (a case number is given) or decline with a reason; a volunteer lawyer carries the
# case through its stages with dated entries until it closes with an outcome and the amount recovered.

MAX_CASE_AMOUNT = Decimal("10000000.00")  # ten million yuan: above it a worker's claim is a typing error
MAX_WORKERS_INVOLVED = 10_000


class CaseStage(models.TextChoices):
    """The stages in the order a dispute goes through them (a case moves forward, never back)."""

    CONSULTATION = "consultation", "咨询"
    MEDIATION = "mediation", "调解"
    ARBITRATION = "arbitration", "仲裁"
    LITIGATION = "litigation", "诉讼"
    CLOSED = "closed", "结案"


STAGE_ORDER = {stage: index for index, stage in enumerate(CaseStage.values)}


class LegalAidCase(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        ACCEPTED = "accepted", "办理中"
        DECLINED = "declined", "不予受理"
        WITHDRAWN = "withdrawn", "已撤回"
        CLOSED = "closed", "已结案"

    class Outcome(models.TextChoices):
        WON = "won", "胜诉"
        MEDIATED = "mediated", "调解成功"
        PARTIAL = "partial", "部分支持"
        LOST = "lost", "败诉"
        WITHDRAWN = "withdrawn", "撤回"
        OTHER = "other", "其他"

    case_number = models.CharField("案号", max_length=24, unique=True, null=True, blank=True,
                                   help_text="受理时按年度顺序编号，例如 焦工援〔2026〕0001")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                               related_name="legal_aid_cases")
    organization = models.ForeignKey(Organization, verbose_name="受理工会", on_delete=models.PROTECT,
                                     related_name="+", help_text="会员所在工会；非会员为其选择的县（市、区）总工会")
    consultation = models.ForeignKey(Consultation, verbose_name="来源咨询", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="aid_cases")
    category = models.ForeignKey(ConsultationCategory, verbose_name="纠纷类型", on_delete=models.PROTECT,
                                 related_name="+")
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    opponent_name = models.CharField("对方当事人", max_length=120)
    opponent_enterprise = models.ForeignKey(Enterprise, verbose_name="对方企业（已登记）", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    amount_claimed = models.DecimalField("请求金额（元）", max_digits=12, decimal_places=2, default=Decimal("0"),
                                         validators=[MinValueValidator(Decimal("0")),
                                                     MaxValueValidator(MAX_CASE_AMOUNT)])
    workers_involved = models.PositiveIntegerField("涉及职工人数", default=1,
                                                   validators=[MinValueValidator(1),
                                                               MaxValueValidator(MAX_WORKERS_INVOLVED)])
    is_migrant_worker = models.BooleanField("农民工", default=False)
    is_needy_worker = models.BooleanField("困难职工（本人申报）", default=False)
    needy_confirmed = models.BooleanField("困难职工身份经工会核实", null=True, blank=True,
                                          help_text="空：未核实；是：已核实；否：核实不符")
    is_epidemic_related = models.BooleanField("因疫情引发的纠纷", default=False)
    facts = models.TextField("事实经过", max_length=4000)
    attachment = PrivateFileField("证据材料", upload_to="legal_aid/cases", blank=True)
    green_channel = models.BooleanField("绿色通道", default=False)
    green_channel_overridden = models.BooleanField("绿色通道经人工调整", default=False)
    green_channel_reason = models.CharField("绿色通道调整理由", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decline_reason = models.CharField("不予受理理由", max_length=500, blank=True)
    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办律师", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="legal_aid_cases_handled")
    stage = models.CharField("当前阶段", max_length=12, choices=CaseStage.choices, blank=True)
    outcome = models.CharField("办理结果", max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField("结案说明", max_length=1000, blank=True)
    amount_recovered = models.DecimalField("追回金额（元）", max_digits=12, decimal_places=2, null=True, blank=True,
                                           validators=[MinValueValidator(Decimal("0")),
                                                       MaxValueValidator(MAX_CASE_AMOUNT)])
    submitted_at = models.DateTimeField("申请时间")
    decided_at = models.DateTimeField("受理决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    updated_at = models.DateTimeField("最近更新", auto_now=True)

    class Meta:
        verbose_name = "法律援助案件"
        verbose_name_plural = "法律援助案件"
        ordering = ["-green_channel", "submitted_at", "id"]
        permissions = [
            ("handle_case", "受理和管理法律援助案件"),
            ("work_case", "承办分派的法律援助案件"),
        ]
        indexes = [
            # The intake queue: green channel first, then the oldest.
            models.Index(fields=["organization", "status", "green_channel", "submitted_at"],
                         name="legal_case_queue"),
            models.Index(fields=["lawyer", "status"], name="legal_case_lawyer"),
            models.Index(fields=["worker", "submitted_at"], name="legal_case_worker"),
            models.Index(fields=["accepted_at"], name="legal_case_accepted"),
            models.Index(fields=["closed_at"], name="legal_case_closed"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_claimed__gte=0, amount_claimed__lte=MAX_CASE_AMOUNT),
                                   name="legal_case_claim_range"),
            models.CheckConstraint(condition=models.Q(amount_recovered__isnull=True)
                                   | models.Q(amount_recovered__gte=0, amount_recovered__lte=MAX_CASE_AMOUNT),
                                   name="legal_case_recovered_range"),
            models.CheckConstraint(condition=models.Q(workers_involved__gte=1), name="legal_case_workers_min"),
            # A case number exactly for the cases that were accepted.
            models.CheckConstraint(
                condition=models.Q(status__in=["accepted", "closed"], case_number__isnull=False)
                | (~models.Q(status__in=["accepted", "closed"]) & models.Q(case_number__isnull=True)),
                name="legal_case_number_iff_accepted"),
            models.CheckConstraint(condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                                   name="legal_case_decline_has_reason"),
            models.CheckConstraint(condition=~models.Q(status="closed")
                                   | (~models.Q(outcome="") & models.Q(amount_recovered__isnull=False,
                                                                       closed_at__isnull=False)),
                                   name="legal_case_closed_has_outcome"),
        ]

    def __str__(self) -> str:
        return self.case_number or f"法律援助申请 #{self.pk}"

    @property
    def title(self) -> str:
        return f"{self.case_number or f'申请 #{self.pk}'} · {self.category.name}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.ACCEPTED)

    @property
    def green_reasons(self) -> list[str]:
        """Why the application qualifies for the green channel, as the worker declared it."""
        return [label for flag, label in ((self.is_migrant_worker, "农民工"), (self.is_needy_worker, "困难职工"),
                                          (self.is_epidemic_related, "疫情引发的纠纷")) if flag]

    @property
    def progress_label(self) -> str:
        """What a worker reads: the stage while the case runs, the status otherwise."""
        if self.status == self.Status.ACCEPTED and self.stage:
            return f"{self.get_stage_display()}阶段"
        return self.get_status_display()


class CaseEntry(models.Model):
    """One dated entry of a case's progress; entries are only ever added (never edited or removed)."""

    case = models.ForeignKey(LegalAidCase, verbose_name="案件", on_delete=models.PROTECT, related_name="entries")
    stage = models.CharField("阶段", max_length=12, choices=CaseStage.choices)
    happened_on = models.DateField("日期")
    body = models.TextField("办理情况", max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField("记录时间")
    # The form's one-time key: a resent form (double click, a retry) records the entry once.
    request_key = models.UUIDField("提交标识", null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = "案件进展"
        verbose_name_plural = "案件进展"
        ordering = ["happened_on", "created_at", "id"]
        indexes = [models.Index(fields=["case", "happened_on", "id"], name="legal_case_entry_thread")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.happened_on:%Y-%m-%d}"


class CaseNumberSequence(models.Model):
    """The last case number given in a year; its row is locked to take the next one."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    last = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = "法律援助案号"
        verbose_name_plural = "法律援助案号"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
