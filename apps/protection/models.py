"""Labour protection supervision: resumption plans, self-inspections, hazards, visits, health figures, 安康杯."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from apps.core.models import Enterprise, Organization
from apps.core.uploads import PrivateFileField

# What a resumption plan must cover: key, label, what is expected.
PLAN_ITEMS = [
    ("organisation", "防控组织", "成立防控工作领导小组，明确负责人和各岗位责任"),
    ("materials", "防护物资", "口罩、消毒液、测温设备等物资储备及发放办法"),
    ("entry", "出入管理", "人员、车辆进出登记与测温，外来人员管理"),
    ("canteen", "食堂管理", "分餐错峰就餐、餐具消毒、从业人员健康管理"),
    ("dormitory", "宿舍管理", "住宿人员控制、通风消毒、异常人员隔离安排"),
    ("health", "健康监测", "每日健康监测、异常情况报告流程"),
    ("emergency", "应急处置", "发现疑似病例或安全事故时的处置流程和联系人"),
    ("safety", "安全生产", "复工前设备检修、安全培训，防止抢工期冒险作业"),
]
PLAN_ITEM_LABELS = {key: label for key, label, _ in PLAN_ITEMS}
MAX_FIGURE = 100_000


class ResumptionPlan(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    enterprise = models.OneToOneField(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                      related_name="resumption_plan")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    checklist = models.JSONField("防控措施清单", default=dict)
    document = PrivateFileField("方案文件", upload_to="protection/plans", blank=True)
    resumed_on = models.DateField("复工日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("提交时间")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "复工方案"
        verbose_name_plural = "复工方案"
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("submit_plan", "提交复工方案"),
            ("review_plan", "审核复工方案"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} 复工方案"


class PlanVersion(models.Model):
    """Every submission of a plan, kept as it was, with the review it received."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "通过"
        RETURNED = "returned", "退回修改"

    plan = models.ForeignKey(ResumptionPlan, verbose_name="方案", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    checklist = models.JSONField("防控措施清单", default=dict)
    document = PrivateFileField("方案文件", upload_to="protection/plans", blank=True)
    resumed_on = models.DateField("复工日期", null=True, blank=True)
    note = models.CharField("修改说明", max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("提交时间")
    decision = models.CharField("审核结果", max_length=12, choices=Decision.choices, blank=True)
    comment = models.TextField("审核意见", blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "复工方案版本"
        verbose_name_plural = "复工方案版本"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="protection_plan_version_unique")]

    def __str__(self) -> str:
        return f"第 {self.number} 版"


class ChecklistTemplate(models.Model):
    """A self-inspection checklist. Once an inspection uses a version, changes make a new version."""

    family = models.UUIDField("模板系列", db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("模板名称", max_length=100)
    description = models.CharField("适用说明", max_length=300, blank=True)
    organization = models.ForeignKey(Organization, verbose_name="制定单位", on_delete=models.PROTECT,
                                     related_name="+")
    is_current = models.BooleanField("当前版本", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制定人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "自查清单模板"
        verbose_name_plural = "自查清单模板"
        ordering = ["name", "-version"]
        permissions = [("manage_templates", "管理自查清单模板"), ("fill_inspection", "填报企业自查")]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="protection_template_version_unique"),
            models.UniqueConstraint(fields=["family"], condition=Q(is_current=True),
                                    name="protection_template_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"


class TemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, verbose_name="模板", on_delete=models.CASCADE,
                                 related_name="items")
    topic = models.CharField("检查类别", max_length=40)
    text = models.CharField("检查项目", max_length=200)
    pass_criterion = models.CharField("合格标准", max_length=300)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "自查项目"
        verbose_name_plural = "自查项目"
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Inspection(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="inspections")
    template = models.ForeignKey(ChecklistTemplate, verbose_name="自查清单", on_delete=models.PROTECT,
                                 related_name="inspections")
    period = models.CharField("自查期间", max_length=7, help_text="年月，例如 2026-03")
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                  related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    failed_count = models.PositiveIntegerField("不合格项", default=0)

    class Meta:
        verbose_name = "企业自查"
        verbose_name_plural = "企业自查"
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "template", "period"],
                                               name="protection_inspection_once_per_period")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.period} 自查"


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name="自查", on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(TemplateItem, verbose_name="项目", on_delete=models.PROTECT, related_name="answers")
    passed = models.BooleanField("合格")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "自查结果"
        verbose_name_plural = "自查结果"
        ordering = ["inspection", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="protection_answer_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}: {'合格' if self.passed else '不合格'}"


class SupervisionVisit(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="visits")
    organization = models.ForeignKey(Organization, verbose_name="检查单位", on_delete=models.PROTECT,
                                     related_name="+")
    visited_on = models.DateField("检查日期", db_index=True)
    visitors = models.CharField("检查人员", max_length=200)
    findings = models.TextField("检查情况")
    follow_up_on = models.DateField("复查日期", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("复查提醒时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        ordering = ["-visited_on", "-id"]
        permissions = [("record_visit", "记录监督检查")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.enterprise.name}"


class Hazard(models.Model):
    class Level(models.TextChoices):
        GENERAL = "general", "一般"
        SERIOUS = "serious", "较大"
        MAJOR = "major", "重大"

    class Status(models.TextChoices):
        REPORTED = "reported", "已上报"
        ASSIGNED = "assigned", "整改中"
        RECTIFIED = "rectified", "待验收"
        VERIFIED = "verified", "已销号"
        REOPENED = "reopened", "重新整改"

    class Source(models.TextChoices):
        INSPECTION = "inspection", "企业自查"
        VISIT = "visit", "监督检查"
        PUBLIC = "public", "职工举报"

    # Days allowed to rectify, counted from the report: the graver, the sooner.
    DEADLINE_DAYS = {Level.GENERAL: 15, Level.SERIOUS: 7, Level.MAJOR: 3}
    OPEN = (Status.REPORTED, Status.ASSIGNED, Status.RECTIFIED, Status.REOPENED)

    reference = models.CharField("查询编号", max_length=16, unique=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="hazards")
    routed_to = models.ForeignKey(Organization, verbose_name="受理工会", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    level = models.CharField("隐患等级", max_length=10, choices=Level.choices, default=Level.GENERAL, db_index=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True)
    location = models.CharField("具体位置", max_length=100, blank=True)
    description = models.TextField("隐患描述")
    photo = PrivateFileField("现场照片", upload_to="protection/hazards", blank=True)
    reporter_name = models.CharField("举报人姓名", max_length=30, blank=True)
    reporter_phone = models.CharField("联系电话", max_length=20, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    inspection_answer = models.OneToOneField(InspectionAnswer, verbose_name="自查项目", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="hazard")
    visit = models.ForeignKey(SupervisionVisit, verbose_name="监督检查", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="hazards")
    responsible_person = models.CharField("整改责任人", max_length=30, blank=True)
    deadline = models.DateField("整改期限", db_index=True)
    reported_at = models.DateTimeField("上报时间", db_index=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="整改人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    rectified_at = models.DateTimeField("整改时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验收人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField("销号时间", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "风险隐患"
        verbose_name_plural = "风险隐患"
        ordering = ["-reported_at", "-id"]
        permissions = [
            ("handle_hazard", "受理、交办、验收隐患"),
            ("rectify_hazard", "报告隐患整改"),
            ("view_dashboard", "查看劳动保护统计"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="protection_hazard_due")]

    def __str__(self) -> str:
        return f"{self.reference} {self.enterprise.name}"

    @classmethod
    def deadline_for(cls, level: str, reported_on) -> object:
        return reported_on + timedelta(days=cls.DEADLINE_DAYS[cls.Level(level)])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today) -> bool:
        return self.is_open and self.deadline < today


class HazardEvent(models.Model):
    """The hazard's history: who did what, with the evidence of a rectification."""

    class Kind(models.TextChoices):
        REPORTED = "reported", "上报"
        ASSIGNED = "assigned", "交办整改"
        RECTIFIED = "rectified", "报告整改"
        VERIFIED = "verified", "验收销号"
        REOPENED = "reopened", "退回重新整改"
        ESCALATED = "escalated", "逾期督办"

    hazard = models.ForeignKey(Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("动作", max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.TextField("说明", blank=True)
    evidence = PrivateFileField("整改照片", upload_to="protection/evidence", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "隐患处理记录"
        verbose_name_plural = "隐患处理记录"
        ordering = ["hazard", "created_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class HazardEscalation(models.Model):
    """One row per hazard and step: the database keeps an escalation from being sent twice."""

    class Step(models.TextChoices):
        COUNTY = "county", "县（市、区）总工会督办"
        CITY = "city", "市总工会督办"

    hazard = models.ForeignKey(Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="escalations")
    step = models.CharField("督办层级", max_length=10, choices=Step.choices)
    organization = models.ForeignKey(Organization, verbose_name="督办单位", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("督办时间", auto_now_add=True)

    class Meta:
        verbose_name = "逾期督办"
        verbose_name_plural = "逾期督办"
        constraints = [models.UniqueConstraint(fields=["hazard", "step"], name="protection_escalation_once")]

    def __str__(self) -> str:
        return self.get_step_display()


class HealthRules(models.Model):
    enterprise = models.OneToOneField(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                      related_name="health_rules")
    monitoring = models.TextField("健康监测制度")
    entry = models.TextField("出入管理制度")
    canteen = models.TextField("食堂管理制度")
    hygiene = models.TextField("环境卫生制度")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "健康监测制度"
        verbose_name_plural = "健康监测制度"
        permissions = [("report_health", "报送健康监测")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} 健康监测制度"


class HealthDailyFigure(models.Model):
    """A day's aggregate figures: numbers only, never a person's record."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="health_figures")
    day = models.DateField("日期")
    on_site = models.PositiveIntegerField("在岗人数", validators=[MaxValueValidator(MAX_FIGURE)])
    checked = models.PositiveIntegerField("监测人数", validators=[MaxValueValidator(MAX_FIGURE)])
    abnormal = models.PositiveIntegerField("异常人数", validators=[MaxValueValidator(MAX_FIGURE)])
    isolated = models.PositiveIntegerField("隔离观察人数", validators=[MaxValueValidator(MAX_FIGURE)])
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField("报送时间", auto_now=True)

    class Meta:
        verbose_name = "健康监测日报"
        verbose_name_plural = "健康监测日报"
        ordering = ["enterprise", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"], name="protection_health_one_per_day"),
            models.CheckConstraint(condition=Q(checked__lte=F("on_site")),
                                   name="protection_health_checked_le_on_site"),
            models.CheckConstraint(condition=Q(abnormal__lte=F("checked")),
                                   name="protection_health_abnormal_le_checked"),
            models.CheckConstraint(condition=Q(isolated__lte=F("on_site")),
                                   name="protection_health_isolated_le_on_site"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class AccidentReport(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="accidents")
    occurred_on = models.DateField("发生日期", db_index=True)
    summary = models.CharField("事故概况", max_length=300)
    injured = models.PositiveIntegerField("受伤人数", default=0, validators=[MaxValueValidator(10_000)])
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField("报告时间", auto_now_add=True)

    class Meta:
        verbose_name = "事故报告"
        verbose_name_plural = "事故报告"
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.summary[:30]}"


class AnkangEntry(models.Model):
    """An enterprise's registration for one year's 安康杯 competition."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="ankang_entries")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报名人", on_delete=models.PROTECT,
                                      related_name="+")
    registered_at = models.DateTimeField("报名时间", auto_now_add=True)
    is_winner = models.BooleanField("优胜单位", default=False)
    winner_marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评定人", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    winner_marked_at = models.DateTimeField("评定时间", null=True, blank=True)

    class Meta:
        verbose_name = "安康杯参赛"
        verbose_name_plural = "安康杯参赛"
        ordering = ["-year", "enterprise__name"]
        permissions = [("register_ankang", "报名安康杯"), ("judge_ankang", "评定安康杯优胜单位")]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="protection_ankang_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} 安康杯 {self.enterprise.name}"
