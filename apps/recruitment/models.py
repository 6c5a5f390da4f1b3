"""Online spring recruitment (notice point 2): employers, posts, seekers, applications, interviews,
job fairs and point-to-point matching."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from apps.core.fields import WebLinkField
from apps.core.models import Enterprise, Organization
from apps.core.uploads import PrivateFileField


class KeyGroup(models.TextChoices):
    UNEMPLOYED = "unemployed", "失业人员"
    TRANSFERRED = "transferred", "转岗职工"
    NEEDY_FAMILY = "needy_family", "困难职工家庭成员"
    MIGRANT = "migrant", "农民工"
    GRADUATE = "graduate", "高校毕业生"
    OTHER = "other", "其他求职者"


WELCOME_GROUPS = [choice for choice in KeyGroup.choices if choice[0] != KeyGroup.OTHER]
WELCOME_CODES = [code for code, _label in WELCOME_GROUPS]


class Category(models.TextChoices):
    WELDING = "welding", "焊接"
    ELECTRICAL = "electrical", "电工电气"
    MACHINING = "machining", "数控机加工"
    ASSEMBLY = "assembly", "普工/装配"
    LOGISTICS = "logistics", "物流运输"
    WAREHOUSE = "warehouse", "仓储管理"
    CARE = "care", "护理护工"
    DOMESTIC = "domestic", "家政服务"
    CATERING = "catering", "餐饮服务"
    SALES = "sales", "销售客服"
    EDUCATION = "education", "教育培训"
    CONSTRUCTION = "construction", "建筑施工"
    IT = "it", "信息技术"
    OFFICE = "office", "财务行政"
    OTHER = "other", "其他"


class Education(models.TextChoices):
    NONE = "none", "不限"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士及以上"


class EmployerProfile(models.Model):
    """An enterprise's standing as an employer on the portal; its union staff verify it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待核实"
        VERIFIED = "verified", "已核实"
        REJECTED = "rejected", "未通过"

    enterprise = models.OneToOneField(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                      related_name="employer_profile")
    status = models.CharField("核实状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    introduction = models.TextField("企业简介", blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    note = models.CharField("核实意见", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "招聘企业"
        verbose_name_plural = "招聘企业"
        permissions = [
            ("verify_employer", "核实招聘企业"),
            ("review_post", "审核招聘岗位"),
            ("post_on_behalf", "代企业发布岗位"),
            ("broker_match", "点对点对接"),
            ("view_dashboard", "查看招聘统计"),
            ("manage_fairs", "管理网络招聘会"),
        ]

    def __str__(self) -> str:
        return str(self.enterprise)

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class EmployerMembership(models.Model):
    """A person who recruits for an enterprise: an ordinary account linked to it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待核实"
        ACTIVE = "active", "有效"
        REJECTED = "rejected", "未通过"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE,
                             related_name="employer_memberships")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="employer_memberships")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    job_title = models.CharField("职务", max_length=30, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("核实时间", null=True, blank=True)

    class Meta:
        verbose_name = "企业招聘账号"
        verbose_name_plural = "企业招聘账号"
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="recruitment_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class JobPost(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已发布"
        RETURNED = "returned", "退回修改"
        CLOSED = "closed", "已关闭"
        EXPIRED = "expired", "已过期"

    enterprise = models.ForeignKey(Enterprise, verbose_name="招聘企业", on_delete=models.PROTECT,
                                   related_name="job_posts")
    title = models.CharField("岗位名称", max_length=60)
    category = models.CharField("职业类别", max_length=20, choices=Category.choices)
    district = models.ForeignKey(Organization, verbose_name="工作地区", on_delete=models.PROTECT,
                                 related_name="+", limit_choices_to={"org_type": Organization.Type.COUNTY})
    address = models.CharField("工作地点", max_length=200)
    salary_min = models.PositiveIntegerField("月薪下限（元）", validators=[MinValueValidator(1)])
    salary_max = models.PositiveIntegerField("月薪上限（元）", validators=[MinValueValidator(1)])
    headcount = models.PositiveIntegerField("招聘人数", validators=[MinValueValidator(1)])
    description = models.TextField("岗位要求")
    benefits = models.TextField("福利待遇", blank=True)
    contact_name = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=20)
    valid_until = models.DateField("有效期至")
    video = PrivateFileField("岗位视频介绍", upload_to="recruitment/videos", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    search_document = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "招聘岗位"
        verbose_name_plural = "招聘岗位"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="recruit_post_newest"),
            models.Index(fields=["status", "-salary_max", "-id"], name="recruit_post_salary"),
            models.Index(fields=["enterprise", "status"], name="recruit_post_enterprise"),
            # The district's posts newest first, valid_until alongside: the capped count of a district
            # (with or without a welcomed group) reads the index only, and its page walks it in order.
            models.Index(fields=["district", "status", "-published_at", "-id"], include=["valid_until"],
                         name="recruit_post_district_newest"),
            models.Index(fields=["status", "valid_until"], name="recruit_post_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(salary_min__lte=models.F("salary_max")),
                                   name="recruit_post_salary_range", violation_error_message="月薪下限不能高于上限。"),
            models.CheckConstraint(condition=models.Q(salary_min__gte=1), name="recruit_post_salary_positive"),
            models.CheckConstraint(condition=models.Q(headcount__gte=1), name="recruit_post_headcount_positive",
                                   violation_error_message="招聘人数至少为 1 人。"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("recruitment:job_detail", args=[self.pk])

    @property
    def key_group_codes(self) -> list[str]:
        """The groups this post welcomes, in KeyGroup order.

        From the ``key_group_list`` annotation when the query made one (selectors.with_key_groups: no
        query of its own), else from the relation (its prefetch, or one query).
        """
        codes = getattr(self, "key_group_list", None)
        if codes is None:
            codes = [row.code for row in self.key_groups.all()]
        return [code for code in KeyGroup.values if code in codes]

    @property
    def key_group_labels(self) -> list[str]:
        return [KeyGroup(code).label for code in self.key_group_codes]

    @property
    def salary_text(self) -> str:
        return f"{self.salary_min}–{self.salary_max} 元/月"


class SeekerProfile(models.Model):
    """求职登记."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE,
                                related_name="seeker_profile")
    real_name = models.CharField("姓名", max_length=30)
    phone = models.CharField("联系电话", max_length=11)
    district = models.ForeignKey(Organization, verbose_name="居住地", on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"org_type": Organization.Type.COUNTY})
    key_group = models.CharField("人员类别", max_length=20, choices=KeyGroup.choices, default=KeyGroup.OTHER)
    education = models.CharField("学历", max_length=10, choices=Education.choices, default=Education.NONE)
    experience_years = models.PositiveSmallIntegerField("工作年限", default=0)
    skills = models.CharField("技能特长", max_length=200, blank=True)
    experience = models.TextField("工作经历", blank=True)
    desired_districts = models.ManyToManyField(Organization, verbose_name="期望工作地区", blank=True,
                                               related_name="+",
                                               limit_choices_to={"org_type": Organization.Type.COUNTY})
    desired_salary = models.PositiveIntegerField("期望月薪（元）", default=0)
    resume_text = models.TextField("简历", blank=True)
    resume_pdf = PrivateFileField("简历 PDF", upload_to="recruitment/resumes", blank=True)
    allow_recommendation = models.BooleanField("同意工会向用人单位推荐我", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "求职登记"
        verbose_name_plural = "求职登记"
        indexes = [models.Index(fields=["allow_recommendation", "district"], name="recruit_seeker_recommend")]

    def __str__(self) -> str:
        return self.real_name

    @property
    def education_text(self) -> str:
        """学历 as said of a person: "未填写" when not given (a post's "不限" would be wrong here)."""
        return "未填写" if self.education == Education.NONE else self.get_education_display()

    @property
    def desired_category_codes(self) -> list[str]:
        """The trades wanted, in Category order: from the ``desired_category_list`` annotation
        (selectors.with_wishes) when the query made one, else from the relation."""
        codes = getattr(self, "desired_category_list", None)
        if codes is None:
            codes = [row.code for row in self.desired_categories.all()]
        return [code for code in Category.values if code in codes]

    @property
    def desired_district_ids(self) -> list[int]:
        """The counties wanted, by id: from the ``desired_district_list`` annotation, else the relation."""
        ids = getattr(self, "desired_district_list", None)
        if ids is None:
            ids = [district.pk for district in self.desired_districts.all()]
        return sorted(ids)


class JobPostKeyGroup(models.Model):
    """A key group a post especially welcomes (重点群体优先): one row per post and group.

    A row per code rather than a lookup table with a many-to-many: the groups are the KeyGroup
    choices (also a seeker's 人员类别), so the code is the value and its label stays in one place;
    "posts welcoming migrants" is one probe of the (code, post) index.
    """

    # The unique (post, code) index serves "this post's groups"; no separate index on post alone.
    post = models.ForeignKey(JobPost, verbose_name="岗位", on_delete=models.CASCADE, related_name="key_groups",
                             db_index=False)
    code = models.CharField("重点群体", max_length=20, choices=WELCOME_GROUPS)

    class Meta:
        verbose_name = "岗位优先的重点群体"
        verbose_name_plural = "岗位优先的重点群体"
        constraints = [
            models.UniqueConstraint(fields=["post", "code"], name="recruit_post_group_once"),
            models.CheckConstraint(condition=models.Q(code__in=WELCOME_CODES), name="recruit_post_group_known"),
        ]
        indexes = [models.Index(fields=["code", "post"], name="recruit_group_posts")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.code}"


class SeekerDesiredCategory(models.Model):
    """A trade a seeker wants (期望职业): one row per seeker and category."""

    seeker = models.ForeignKey(SeekerProfile, verbose_name="求职者", on_delete=models.CASCADE,
                               related_name="desired_categories", db_index=False)
    code = models.CharField("期望职业", max_length=20, choices=Category.choices)

    class Meta:
        verbose_name = "期望职业"
        verbose_name_plural = "期望职业"
        constraints = [
            models.UniqueConstraint(fields=["seeker", "code"], name="recruit_seeker_category_once"),
            models.CheckConstraint(condition=models.Q(code__in=Category.values), name="recruit_seeker_category_known"),
        ]
        indexes = [models.Index(fields=["code", "seeker"], name="recruit_category_seekers")]

    def __str__(self) -> str:
        return f"{self.seeker_id}: {self.code}"


class SavedJob(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_jobs")
    post = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "收藏的岗位"
        verbose_name_plural = "收藏的岗位"
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="recruitment_saved_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.post_id}"


class SavedSearch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField("名称", max_length=60)
    params = models.JSONField("条件", default=dict)
    alert = models.BooleanField("每日推送新岗位", default=False)
    last_alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "保存的搜索"
        verbose_name_plural = "保存的搜索"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已投递"
        VIEWED = "viewed", "已查看"
        INTERVIEW = "interview", "面试"
        OFFERED = "offered", "已录用待入职"
        HIRED = "hired", "已入职"
        REJECTED = "rejected", "不合适"
        WITHDRAWN = "withdrawn", "已撤回"

    class Source(models.TextChoices):
        DIRECT = "direct", "自主投递"
        RECOMMENDED = "recommended", "系统推荐"
        BROKERED = "brokered", "工会点对点对接"

    post = models.ForeignKey(JobPost, verbose_name="岗位", on_delete=models.PROTECT, related_name="applications")
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="求职者", on_delete=models.PROTECT,
                               related_name="job_applications")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.DIRECT)
    cover_letter = models.TextField("求职留言", blank=True)
    created_at = models.DateTimeField("投递时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    hired_at = models.DateTimeField("入职时间", null=True, blank=True)

    class Meta:
        verbose_name = "求职申请"
        verbose_name_plural = "求职申请"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["post", "seeker"], name="recruitment_apply_once")]
        indexes = [models.Index(fields=["post", "status"], name="recruit_app_post")]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.post}"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申请进度"
        verbose_name_plural = "申请进度"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return Application.Status(self.to_status).label


class Interview(models.Model):
    class Mode(models.TextChoices):
        VIDEO = "video", "视频面试"
        PHONE = "phone", "电话面试"
        ONSITE = "onsite", "现场面试"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待确认"
        ACCEPTED = "accepted", "已确认"
        RESCHEDULE = "reschedule", "求职者申请改期"
        CANCELLED = "cancelled", "已取消"

    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.CASCADE,
                                    related_name="interviews")
    scheduled_at = models.DateTimeField("面试时间")
    mode = models.CharField("面试方式", max_length=10, choices=Mode.choices, default=Mode.VIDEO)
    location = models.CharField("会议链接或地址", max_length=300)
    note = models.CharField("备注", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PROPOSED)
    seeker_note = models.CharField("求职者留言", max_length=300, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "面试"
        verbose_name_plural = "面试"
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="recruit_interview_due")]

    def __str__(self) -> str:
        return f"{self.application} {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def place_label(self) -> str:
        return {self.Mode.PHONE: "联系电话", self.Mode.VIDEO: "会议链接"}.get(self.mode, "面试地址")


class JobFair(models.Model):
    class Theme(models.TextChoices):
        GENERAL = "general", "综合招聘"
        GRADUATE = "graduate", "高校毕业生专场"
        MIGRANT = "migrant", "农民工专场"
        REEMPLOYMENT = "reemployment", "失业及转岗人员再就业专场"
        NEEDY = "needy", "困难职工家庭专场"

    title = models.CharField("招聘会名称", max_length=80)
    theme = models.CharField("主题", max_length=20, choices=Theme.choices, default=Theme.GENERAL)
    organizer = models.ForeignKey(Organization, verbose_name="主办工会", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    description = models.TextField("介绍", blank=True)
    is_published = models.BooleanField("公开", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "网络招聘会"
        verbose_name_plural = "网络招聘会"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(starts_on__lte=models.F("ends_on")), name="recruit_fair_dates",
                                   violation_error_message="结束日期不能早于开始日期。"),
        ]

    def __str__(self) -> str:
        return self.title


class FairParticipation(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", "已邀请"
        JOINED = "joined", "已参会"

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="participations")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.INVITED)
    posts = models.ManyToManyField(JobPost, blank=True, related_name="fair_participations")

    class Meta:
        verbose_name = "参会企业"
        verbose_name_plural = "参会企业"
        constraints = [models.UniqueConstraint(fields=["fair", "enterprise"], name="recruitment_fair_once")]

    def __str__(self) -> str:
        return f"{self.fair_id}: {self.enterprise_id}"


class LiveSession(models.Model):
    """直播带岗: a live stream at a fair, presenting some posts."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="live_sessions")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("直播主题", max_length=80)
    starts_at = models.DateTimeField("开播时间")
    link = WebLinkField("直播链接")
    posts = models.ManyToManyField(JobPost, verbose_name="带岗岗位", blank=True, related_name="+")

    class Meta:
        verbose_name = "直播带岗"
        verbose_name_plural = "直播带岗"
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """A precomputed seeker ↔ post match with its reasons; refreshed in the background."""

    profile = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="recommendations")
    post = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="recommendations")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "匹配推荐"
        verbose_name_plural = "匹配推荐"
        ordering = ["-score", "-id"]
        constraints = [models.UniqueConstraint(fields=["profile", "post"], name="recruitment_reco_unique")]
        indexes = [models.Index(fields=["post", "-score"], name="recruit_reco_post")]

    def __str__(self) -> str:
        return f"{self.profile_id} ↔ {self.post_id} ({self.score})"


class BrokeredMatch(models.Model):
    """点对点对接: union staff put this seeker in touch with this employer for this post."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "已对接，待反馈"
        INTERVIEWING = "interviewing", "面试中"
        HIRED = "hired", "已入职"
        FAILED = "failed", "未成功"

    seeker = models.ForeignKey(SeekerProfile, verbose_name="求职者", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(JobPost, verbose_name="岗位", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="对接工会", on_delete=models.PROTECT, related_name="+")
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="对接人", on_delete=models.PROTECT,
                               related_name="+")
    note = models.CharField("对接说明", max_length=300, blank=True)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_at = models.DateTimeField("结果时间", null=True, blank=True)
    created_at = models.DateTimeField("对接时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "点对点对接"
        verbose_name_plural = "点对点对接"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["seeker", "post"], name="recruitment_broker_once")]

    def __str__(self) -> str:
        return f"{self.seeker} ↔ {self.post}"
