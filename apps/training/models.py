"""Training and competitions: courses and micro-classes, question banks and quizzes (网络答题、
网上练兵), labour and skills competitions with 岗位建功 / 工人先锋号 campaigns, innovation studios."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.core.models import Enterprise, Organization
from apps.core.uploads import PrivateFileField


class ParticipantProfile(models.Model):
    """The union a worker trains and competes for (the foundation's User has no worker→union link)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_profile")
    organization = models.ForeignKey(Organization, verbose_name="所在工会", on_delete=models.PROTECT,
                                     related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "学员所在工会"
        verbose_name_plural = "学员所在工会"

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"


class Studio(models.Model):
    """劳模和工匠人才创新工作室."""

    class LeaderTitle(models.TextChoices):
        MODEL_WORKER = "model_worker", "劳动模范"
        CRAFTSMAN = "craftsman", "工匠人才"

    name = models.CharField("工作室名称", max_length=100)
    leader_name = models.CharField("领衔人", max_length=30)
    leader_title = models.CharField("领衔人称号", max_length=20, choices=LeaderTitle.choices)
    leader_honours = models.CharField("荣誉", max_length=200, blank=True)
    field = models.CharField("专业领域", max_length=60)
    enterprise = models.ForeignKey(Enterprise, verbose_name="所在企业", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="所属工会", on_delete=models.PROTECT,
                                     related_name="+")
    members = models.TextField("成员", blank=True, help_text="每行一人：姓名 岗位")
    achievements = models.TextField("主要成果", blank=True)
    description = models.TextField("简介", blank=True)
    is_published = models.BooleanField("公开", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "创新工作室"
        verbose_name_plural = "创新工作室"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def member_list(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]


class Course(models.Model):
    class Category(models.TextChoices):
        SAFETY = "safety", "安全生产"
        EPIDEMIC = "epidemic", "疫情防护"
        LABOUR_LAW = "labour_law", "劳动法律"
        SKILLS = "skills", "职业技能"
        READING = "reading", "读书学习"
        BUSINESS = "business", "业务培训"

    title = models.CharField("课程名称", max_length=100)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    audience = models.CharField("适用对象", max_length=100, default="全体职工")
    cover = PrivateFileField("封面图片", upload_to="training/covers", blank=True)
    description = models.TextField("课程简介", blank=True)
    organization = models.ForeignKey(Organization, verbose_name="主办单位", on_delete=models.PROTECT,
                                     related_name="+")
    studio = models.ForeignKey(Studio, verbose_name="创新工作室", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="courses")
    is_published = models.BooleanField("已发布", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "课程"
        verbose_name_plural = "课程"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("manage_courses", "管理课程"),
            ("view_training_stats", "查看培训统计"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", "视频"
        ARTICLE = "article", "图文"
        DOCUMENT = "document", "文档"

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField("顺序", default=1)
    title = models.CharField("课时名称", max_length=100)
    kind = models.CharField("形式", max_length=10, choices=Kind.choices)
    video = PrivateFileField("视频", upload_to="training/videos", blank=True)
    document = PrivateFileField("文档", upload_to="training/documents", blank=True)
    body = models.TextField("正文", blank=True)
    minutes = models.PositiveSmallIntegerField("时长（分钟）", default=10)

    class Meta:
        verbose_name = "课时"
        verbose_name_plural = "课时"
        ordering = ["course", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="学员", on_delete=models.CASCADE,
                             related_name="training_enrollments")
    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="enrollments")
    organization = models.ForeignKey(Organization, verbose_name="所在工会", on_delete=models.PROTECT,
                                     related_name="+")
    enrolled_at = models.DateTimeField("报名时间", auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True, db_index=True)
    certificate_no = models.CharField("证书编号", max_length=24, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "选课"
        verbose_name_plural = "选课"
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="training_enrollment_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField("完成时间", auto_now_add=True)

    class Meta:
        verbose_name = "学习进度"
        verbose_name_plural = "学习进度"
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="training_progress_once")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}:{self.lesson_id}"


class QuestionBank(models.Model):
    name = models.CharField("题库名称", max_length=100)
    description = models.CharField("说明", max_length=200, blank=True)
    organization = models.ForeignKey(Organization, verbose_name="所属单位", on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "题库"
        verbose_name_plural = "题库"
        ordering = ["name"]
        permissions = [("manage_quizzes", "管理题库与答题")]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "单选题"
        MULTIPLE = "multiple", "多选题"
        TRUE_FALSE = "true_false", "判断题"
        FILL = "fill", "填空题"

    class Difficulty(models.IntegerChoices):
        EASY = 1, "易"
        MEDIUM = 2, "中"
        HARD = 3, "难"

    bank = models.ForeignKey(QuestionBank, verbose_name="题库", on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField("题型", max_length=12, choices=Kind.choices)
    stem = models.TextField("题干")
    # Choice questions: option texts; the answer holds their indices. Fill-in: acceptable answers.
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.JSONField("正确答案", default=list)
    explanation = models.TextField("解析", blank=True)
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices, default=Difficulty.MEDIUM)
    # Stored as ",tag1,tag2," so that one tag is found with a plain ``contains``.
    tags = models.CharField("标签", max_length=200, blank=True)
    # A question that attempts have used is retired rather than deleted: no new quiz draws it.
    is_retired = models.BooleanField("已停用", default=False)

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "试题"
        ordering = ["bank", "id"]

    def __str__(self) -> str:
        return self.stem[:40]

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def is_choice(self) -> bool:
        return self.kind != self.Kind.FILL


class Quiz(models.Model):
    class Mode(models.TextChoices):
        EXAM = "exam", "在线测验"
        PRACTICE = "practice", "网上练兵"
        CONTEST = "contest", "网络答题竞赛"

    class Selection(models.TextChoices):
        FIXED = "fixed", "固定题目"
        RANDOM = "random", "每次随机抽题"

    class Grading(models.TextChoices):
        HIGHEST = "highest", "取最高分"
        LAST = "last", "取最后一次"

    class Publication(models.TextChoices):
        LIVE = "live", "实时公布"
        AFTER_CLOSE = "after_close", "结束后公布"

    title = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    mode = models.CharField("类型", max_length=10, choices=Mode.choices, default=Mode.EXAM)
    organization = models.ForeignKey(Organization, verbose_name="主办单位", on_delete=models.PROTECT,
                                     related_name="+")
    banks = models.ManyToManyField(QuestionBank, verbose_name="题库", related_name="quizzes")
    tag = models.CharField("限定标签", max_length=30, blank=True, help_text="留空表示不限")
    difficulty = models.PositiveSmallIntegerField("限定难度", choices=Question.Difficulty.choices, null=True,
                                                  blank=True)
    question_count = models.PositiveSmallIntegerField("题目数量", default=10)
    selection = models.CharField("抽题方式", max_length=10, choices=Selection.choices, default=Selection.RANDOM)
    fixed_question_ids = models.JSONField("固定题目", default=list, blank=True, editable=False)
    shuffle_options = models.BooleanField("打乱选项顺序", default=True)
    points_per_question = models.PositiveSmallIntegerField("每题分值", default=2)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("结束时间")
    time_limit_minutes = models.PositiveSmallIntegerField("答题限时（分钟）", default=20)
    max_attempts = models.PositiveSmallIntegerField("可答次数", default=1, help_text="网上练兵不限次数")
    grading = models.CharField("成绩计算", max_length=10, choices=Grading.choices, default=Grading.HIGHEST)
    show_answers = models.BooleanField("交卷后显示答案与解析", default=True)
    leaderboard_publication = models.CharField("排行榜公布", max_length=12, choices=Publication.choices,
                                               default=Publication.AFTER_CLOSE)
    is_published = models.BooleanField("已发布", default=False)
    leaderboard_announced_at = models.DateTimeField("排行榜公布通知时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "答题"
        verbose_name_plural = "答题"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="training_quiz_dates",
                                   violation_error_message="结束时间必须晚于开始时间。"),
            models.CheckConstraint(condition=Q(question_count__gte=1), name="training_quiz_has_questions"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_practice(self) -> bool:
        return self.mode == self.Mode.PRACTICE

    @property
    def is_contest(self) -> bool:
        return self.mode == self.Mode.CONTEST

    @property
    def max_score(self) -> int:
        return self.question_count * self.points_per_question


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "答题中"
        SUBMITTED = "submitted", "已交卷"
        EXPIRED = "expired", "超时未交"

    quiz = models.ForeignKey(Quiz, verbose_name="答题", on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答题人", on_delete=models.CASCADE,
                             related_name="training_attempts")
    organization = models.ForeignKey(Organization, verbose_name="所在工会", on_delete=models.PROTECT,
                                     related_name="+")
    number = models.PositiveSmallIntegerField("第几次", default=1)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间")
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True, db_index=True)
    # Fixed when the attempt starts: [{"q": question id, "o": [option indices in display order]}].
    items = models.JSONField("题目", default=list)
    # {"<question id>": answer}; choice answers are option indices, fill-in answers text.
    answers = models.JSONField("作答", default=dict, blank=True)
    # Fixed at the hand-in: {"<question id>": {"key": the answer key then, "ok": right or not}}, so a
    # result page marks each answer as it was graded even after staff correct a question.
    marking = models.JSONField("交卷时的评分", default=dict, blank=True, editable=False)
    correct_count = models.PositiveSmallIntegerField("答对题数", default=0)
    score = models.PositiveIntegerField("得分", default=0)
    max_score = models.PositiveIntegerField("满分", default=0)
    duration_seconds = models.PositiveIntegerField("用时（秒）", default=0)

    class Meta:
        verbose_name = "答题记录"
        verbose_name_plural = "答题记录"
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], condition=Q(status="in_progress"),
                                    name="training_one_running_attempt"),
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="training_attempt_number"),
            models.CheckConstraint(condition=Q(score__lte=F("max_score")), name="training_attempt_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · 第{self.number}次"

    @property
    def question_ids(self) -> list[int]:
        return [item["q"] for item in self.items]


class QuizResult(models.Model):
    """A participant's standing in one quiz (highest or last attempt): what leaderboards read."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="results")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name="所在工会", on_delete=models.PROTECT,
                                     related_name="+")
    county = models.ForeignKey(Organization, verbose_name="所属县（市、区）或产业工会", null=True,
                               on_delete=models.PROTECT, related_name="+")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveIntegerField("成绩")
    duration_seconds = models.PositiveIntegerField("用时（秒）")
    submitted_at = models.DateTimeField("交卷时间")
    attempts_used = models.PositiveSmallIntegerField("答题次数", default=1)

    class Meta:
        verbose_name = "答题成绩"
        verbose_name_plural = "答题成绩"
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="training_result_once")]
        indexes = [models.Index(fields=["quiz", "-score", "duration_seconds", "submitted_at"],
                                name="training_result_rank")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.score}"


class WrongAnswer(models.Model):
    """A worker's record of questions answered wrongly, to practise again (错题本)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    times_wrong = models.PositiveIntegerField("答错次数", default=1)
    last_wrong_at = models.DateTimeField("最近答错")
    last_answer = models.JSONField("最近作答", null=True, blank=True)
    mastered_at = models.DateTimeField("已掌握", null=True, blank=True)

    class Meta:
        verbose_name = "错题"
        verbose_name_plural = "错题本"
        ordering = ["-last_wrong_at"]
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="training_wrong_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.question_id}"


class Campaign(models.Model):
    """A labour or skills competition, a 岗位建功 campaign or a 工人先锋号 creation campaign."""

    class Kind(models.TextChoices):
        LABOUR = "labour", "劳动竞赛"
        SKILLS = "skills", "技能竞赛"
        JOB_MERIT = "job_merit", "岗位建功"
        PIONEER = "pioneer", "工人先锋号创建"

    class Status(models.TextChoices):
        DRAFT = "draft", "筹备中"
        OPEN = "open", "报名进行中"
        JUDGING = "judging", "评审中"
        PUBLISHED = "published", "结果已公布"

    title = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    description = models.TextField("简介", blank=True)
    rules = models.TextField("规则", blank=True)
    organization = models.ForeignKey(Organization, verbose_name="主办单位", on_delete=models.PROTECT,
                                     related_name="+")
    allow_individuals = models.BooleanField("允许个人报名", default=True)
    allow_teams = models.BooleanField("允许团队报名", default=True)
    registration_closes = models.DateField("报名截止")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    judges = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="评委", blank=True,
                                    related_name="judged_campaigns")
    results_published_at = models.DateTimeField("结果公布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "竞赛活动"
        verbose_name_plural = "竞赛活动"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("manage_campaigns", "管理竞赛活动"),
            ("register_entries", "组织报名参赛"),
            ("review_pioneer", "审核工人先锋号申报"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pioneer(self) -> bool:
        return self.kind == self.Kind.PIONEER


class Stage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField("顺序", default=1)
    name = models.CharField("阶段", max_length=60)
    starts_on = models.DateField("开始")
    ends_on = models.DateField("结束")
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "阶段"
        verbose_name_plural = "阶段"
        ordering = ["campaign", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="training_stage_dates",
                                   violation_error_message="结束日期不能早于开始日期。"),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField("顺序", default=1)
    name = models.CharField("评分项", max_length=60)
    max_score = models.PositiveSmallIntegerField("满分", default=10)

    class Meta:
        verbose_name = "评分标准"
        verbose_name_plural = "评分标准"
        ordering = ["campaign", "order"]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_score}分）"


class Entry(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", "团队"
        INDIVIDUAL = "individual", "个人"

    class Review(models.TextChoices):
        NONE = "", "无需审核"
        SUBMITTED = "submitted", "待县（市、区）审核"
        COUNTY_APPROVED = "county_approved", "待市总审核"
        RETURNED = "returned", "已退回修改"
        APPROVED = "approved", "市总审核通过"
        REJECTED = "rejected", "未通过"

    campaign = models.ForeignKey(Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(Organization, verbose_name="报名工会", on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField("参赛形式", max_length=12, choices=Kind.choices)
    name = models.CharField("参赛名称", max_length=100, help_text="团队名称或个人姓名")
    members = models.TextField("成员", blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    registered_at = models.DateTimeField("报名时间", auto_now_add=True, db_index=True)
    review_status = models.CharField("审核状态", max_length=16, choices=Review.choices, blank=True, default="")
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    final_score = models.DecimalField("最终得分", max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)

    class Meta:
        verbose_name = "参赛报名"
        verbose_name_plural = "参赛报名"
        ordering = ["campaign", "rank", "registered_at"]
        constraints = [models.UniqueConstraint(fields=["campaign", "organization", "name"],
                                               name="training_entry_unique_name"),
                       models.CheckConstraint(condition=Q(final_score__isnull=True) | Q(final_score__gte=0),
                                              name="training_entry_score_not_negative")]

    def __str__(self) -> str:
        return self.name


class Achievement(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="achievements")
    stage = models.ForeignKey(Stage, verbose_name="阶段", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    text = models.TextField("成果说明")
    photo = PrivateFileField("照片", upload_to="training/achievements", blank=True)
    attachment = PrivateFileField("附件", upload_to="training/achievements", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "参赛成果"
        verbose_name_plural = "参赛成果"
        ordering = ["entry", "submitted_at"]

    def __str__(self) -> str:
        return self.text[:40]


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField("得分", max_digits=5, decimal_places=1)
    comment = models.CharField("评语", max_length=200, blank=True)
    scored_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "criterion"], name="training_score_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="training_score_not_negative",
                                   violation_error_message="得分不能为负数。"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} · {self.criterion_id} · {self.value}"
