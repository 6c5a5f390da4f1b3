"""Demonstration data: courses, a question bank, an open contest with attempts from several
districts, a practice quiz, a labour competition with entries, a 工人先锋号 campaign, three studios."""
from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from apps.accounts.models import User
from apps.core.models import Enterprise, Organization

from .demo_questions import build_questions
from .models import (
    Achievement,
    Attempt,
    Campaign,
    Course,
    Criterion,
    Enrollment,
    Entry,
    Lesson,
    ParticipantProfile,
    Question,
    QuestionBank,
    Quiz,
    QuizResult,
    Stage,
    Studio,
)

STUDIOS = [
    ("410871", "焦作示范区新能源汽车零部件有限公司", "李建国劳模创新工作室", "李建国", Studio.LeaderTitle.MODEL_WORKER,
     "全国劳动模范、河南省五一劳动奖章获得者", "汽车零部件精密加工",
     "王磊 数控车工\n赵敏 质量工程师\n孙浩 工艺员\n周婷 设备维修工",
     "完成技术革新 26 项，其中“变速箱壳体一次装夹多面加工”工艺使单件工时下降 35%。\n获国家实用新型专利 9 项。",
     "以劳模为引领，聚焦精密加工中的效率与质量难题，开展“师带徒”和技术攻关。"),
    ("410882", "沁阳市化工新材料有限公司", "张丽萍工匠创新工作室", "张丽萍", Studio.LeaderTitle.CRAFTSMAN,
     "中原大工匠、焦作市五一劳动奖章获得者", "化工安全与节能减排",
     "刘洋 化工总控工\n陈静 安全工程师\n吴涛 仪表工",
     "开发“反应釜温压联锁预警”小改小革成果，连续三年实现零事故。\n年节约蒸汽 1.2 万吨。",
     "聚焦化工安全生产和节能减排，培养化工总控工 120 余名。"),
    ("410821", "修武县恒达机械制造有限公司", "王志刚技能大师工作室", "王志刚", Studio.LeaderTitle.CRAFTSMAN,
     "河南省技术能手、焦作市劳动模范", "焊接与机械装配",
     "马超 焊工\n杨帆 装配钳工\n何欣 技术员",
     "主持“厚板窄间隙焊接”攻关，焊缝一次合格率提高到 99.2%。\n培训焊工 300 余人次，带出高级技师 6 名。",
     "以焊接技能传承为主，承担县域职工焊工技能竞赛的组织与培训。"),
]

COURSES = [
    ("复工复产安全生产第一课", Course.Category.SAFETY, "复工企业全体职工", None,
     "长时间停工后复工是事故多发期。本课程讲解复工前安全检查、岗位风险辨识、有限空间和动火作业等要点。",
     [("复工前的安全检查", "<p>复工复产前，企业应当对设备设施、电气线路、消防器材和危险化学品储存场所开展全面安全检查，"
       "<strong>确认安全后方可投入使用</strong>。</p><ul><li>检查设备防护装置是否完好</li><li>检查电气线路有无老化、破损</li>"
       "<li>检查消防通道是否畅通</li></ul>"),
      ("岗位风险辨识与“三违”", "<p>反“三违”——违章指挥、违章作业、违反劳动纪律——是班组安全管理的基本要求。"
       "从业人员发现直接危及人身安全的紧急情况时，有权停止作业或者在采取可能的应急措施后撤离作业场所。</p>"),
      ("有限空间作业“先通风、再检测、后作业”", "<p>进入有限空间作业前，必须<strong>先通风、再检测、后作业</strong>，"
       "并设专人监护。严禁未经检测、无人监护进入。</p>")]),
    ("企业复工疫情防控指南", Course.Category.EPIDEMIC, "复工企业职工和管理人员", None,
     "依据国家和省市疫情防控要求，讲解复工企业的健康监测、环境消毒、食堂和宿舍管理。",
     [("健康监测与健康台账", "<p>企业应当建立职工健康台账，做到一人一档。职工上岗前测量体温，"
       "体温≥37.3°C应及时报告并到发热门诊就诊。</p>"),
      ("口罩佩戴与手卫生", "<p>医用口罩鼻夹朝上，完全覆盖口鼻；七步洗手法揉搓时间不少于 15 秒。</p>"),
      ("办公场所和食堂", "<p>办公场所每日开窗通风 2—3 次；食堂分时段错峰就餐，同向就座。</p>")]),
    ("疫情期间劳动关系法律问答", Course.Category.LABOUR_LAW, "全体职工", None,
     "围绕疫情期间工资支付、劳动合同、休息休假等职工关心的问题，由志愿律师解读相关法律规定。",
     [("劳动合同的订立与解除", "<p>建立劳动关系，应当订立书面劳动合同；自用工之日起一个月内订立。"
       "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。</p>"),
      ("工资支付与加班报酬", "<p>休息日安排工作又不能补休的，支付不低于工资百分之二百的报酬；"
       "法定休假日安排工作的，支付不低于工资百分之三百的报酬。</p>"),
      ("劳动争议怎么办", "<p>劳动争议申请仲裁的时效期间为一年。可先向企业劳动争议调解委员会申请调解，"
       "也可拨打 12351 职工服务热线咨询。</p>")]),
    ("数控车床操作技能微课", Course.Category.SKILLS, "机械加工岗位职工", 0,
     "由李建国劳模创新工作室领办，讲解数控车床开机检查、对刀和常见质量问题处理。",
     [("开机前检查与安全操作", "<p>开机前检查润滑、气压和卡盘；操作时必须关闭防护门，严禁戴手套操作旋转部件。</p>"),
      ("对刀与程序校验", "<p>采用试切法对刀，首件必须单段运行并检验，确认无误后再批量加工。</p>"),
      ("常见尺寸超差的原因", "<p>刀具磨损、热变形和装夹不牢是尺寸超差的常见原因，应定期测量并补偿刀具。</p>")]),
]


def _org(code: str) -> Organization | None:
    return Organization.objects.filter(code=code).first()


def seed(stdout=None) -> None:
    city = _org("410800")
    if city is None:
        return
    rng = random.Random(2026)
    now = timezone.now()
    studios = _seed_studios()
    _seed_courses(city, studios)
    bank = _seed_bank(city)
    workers = _seed_workers(rng)
    contest = _seed_quizzes(city, bank, now)
    _seed_attempts(contest, workers, rng, now)
    _seed_enrollments(workers, rng, now)
    _seed_campaigns(city, rng)
    if stdout:
        stdout.write(f"  课程 {Course.objects.count()} 门，试题 {Question.objects.count()} 道，"
                     f"答题成绩 {QuizResult.objects.count()} 条，竞赛报名 {Entry.objects.count()} 个")


def _seed_studios() -> list[Studio]:
    studios = []
    for county_code, enterprise_name, name, leader, title, honours, field, members, achievements, text in STUDIOS:
        studio = Studio.objects.filter(name=name).first()
        if studio is None:
            enterprise = Enterprise.objects.filter(name=enterprise_name).first()
            studio = Studio.objects.create(
                name=name, leader_name=leader, leader_title=title, leader_honours=honours, field=field,
                enterprise=enterprise, organization=_org(county_code), members=members, achievements=achievements,
                description=text)
        studios.append(studio)
    return studios


def _seed_courses(city, studios) -> None:
    for title, category, audience, studio_index, description, lessons in COURSES:
        if Course.objects.filter(title=title).exists():
            continue
        course = Course.objects.create(title=title, category=category, audience=audience, description=description,
                                       organization=city, is_published=True,
                                       studio=studios[studio_index] if studio_index is not None else None)
        Lesson.objects.bulk_create([Lesson(course=course, order=n, title=lesson_title, kind=Lesson.Kind.ARTICLE,
                                           body=body, minutes=8 + n * 2)
                                    for n, (lesson_title, body) in enumerate(lessons, start=1)])


def _seed_bank(city) -> QuestionBank:
    bank = QuestionBank.objects.filter(name="复工复产应知应会题库").first()
    if bank is None:
        bank = QuestionBank.objects.create(name="复工复产应知应会题库", organization=city,
                                           description="劳动法律、安全生产、疫情防控")
        questions = build_questions(Question)
        for question in questions:
            question.bank = bank
        Question.objects.bulk_create(questions)
    return bank


def _seed_workers(rng) -> list[tuple[User, Organization]]:
    """Demo workers in the grassroots unions of several districts, each with a chosen union."""
    unions = list(Organization.objects.filter(org_type=Organization.Type.GRASSROOTS).order_by("code"))
    if not unions:
        return []
    surnames = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
    given = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "刚", "平"]
    wanted = [f"1393910{n:04d}" for n in range(1, 181)]
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    password = make_password("Jiaozuo@2026")
    User.objects.bulk_create([User(username=u, phone=u, real_name=rng.choice(surnames) + rng.choice(given)
                                   + rng.choice(["", *given]), password=password)
                              for u in wanted if u not in existing])
    users = list(User.objects.filter(username__in=wanted).order_by("username"))
    pairs = [(user, unions[i % len(unions)]) for i, user in enumerate(users)]
    have = set(ParticipantProfile.objects.filter(user__in=users).values_list("user_id", flat=True))
    ParticipantProfile.objects.bulk_create([ParticipantProfile(user=u, organization=o) for u, o in pairs
                                            if u.pk not in have])
    demo_worker = User.objects.filter(username="13839100001").first()
    if demo_worker and not ParticipantProfile.objects.filter(user=demo_worker).exists():
        xiuwu_union = _org("410821G01") or unions[0]
        ParticipantProfile.objects.create(user=demo_worker, organization=xiuwu_union)
    return pairs


def _seed_quizzes(city, bank, now) -> Quiz:
    contest = Quiz.objects.filter(title="焦作市职工复工复产知识网络答题竞赛").first()
    if contest is None:
        contest = Quiz.objects.create(
            title="焦作市职工复工复产知识网络答题竞赛", mode=Quiz.Mode.CONTEST, organization=city,
            description="围绕劳动法律、安全生产、疫情防控知识，每人可答 3 次，取最高分；同分按用时排名。",
            question_count=20, selection=Quiz.Selection.RANDOM, points_per_question=5,
            opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=21), time_limit_minutes=15,
            max_attempts=3, grading=Quiz.Grading.HIGHEST, show_answers=True,
            leaderboard_publication=Quiz.Publication.LIVE, is_published=True)
        contest.banks.set([bank])
    if not Quiz.objects.filter(title="网上练兵：安全生产应知应会").exists():
        practice = Quiz.objects.create(
            title="网上练兵：安全生产应知应会", mode=Quiz.Mode.PRACTICE, organization=city, tag="安全生产",
            description="不限次数，逐题作答即时判分，答错自动记入错题本。", question_count=10,
            opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=180), time_limit_minutes=30,
            max_attempts=0, is_published=True)
        practice.banks.set([bank])
    if not Quiz.objects.filter(title="劳动法律知识在线测验").exists():
        exam = Quiz.objects.create(
            title="劳动法律知识在线测验", mode=Quiz.Mode.EXAM, organization=city, tag="劳动法",
            description="固定题目，限时 10 分钟，可答 2 次，取最后一次成绩。", question_count=10,
            selection=Quiz.Selection.FIXED, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=60),
            time_limit_minutes=10, max_attempts=2, grading=Quiz.Grading.LAST, is_published=True)
        exam.banks.set([bank])
        pool = list(Question.objects.filter(bank=bank, tags__contains=",劳动法,").values_list("pk", flat=True))
        exam.fixed_question_ids = random.Random(7).sample(pool, 10)
        exam.save(update_fields=["fixed_question_ids"])
    return contest


def _seed_attempts(contest: Quiz, workers, rng, now) -> None:
    if contest.attempts.exists() or not workers:
        return
    questions = list(Question.objects.filter(bank__in=contest.banks.all()))
    attempts = []
    for user, union in workers[:150]:
        skill = rng.uniform(0.45, 0.95)
        chosen = rng.sample(questions, contest.question_count)
        answers, correct = {}, 0
        for question in chosen:
            right = rng.random() < skill
            correct += right
            if question.kind == Question.Kind.FILL:
                answers[str(question.pk)] = question.answer[0] if right else "不清楚"
            elif question.kind == Question.Kind.MULTIPLE:
                answers[str(question.pk)] = question.answer if right else question.answer[:1]
            else:
                answers[str(question.pk)] = question.answer[0] if right else (question.answer[0] + 1) % len(
                    question.options)
        started = now - timedelta(days=rng.uniform(0.1, 6.5))
        duration = rng.randint(180, 840)
        attempts.append(Attempt(
            quiz=contest, user=user, organization=union, number=1, status=Attempt.Status.SUBMITTED,
            started_at=started, deadline=started + timedelta(minutes=contest.time_limit_minutes),
            submitted_at=started + timedelta(seconds=duration),
            items=[{"q": q.pk, "o": list(range(len(q.options)))} for q in chosen], answers=answers,
            correct_count=correct, score=correct * contest.points_per_question, max_score=contest.max_score,
            duration_seconds=duration))
    Attempt.objects.bulk_create(attempts)
    counties = {o.pk: o.county for _, o in workers}
    QuizResult.objects.bulk_create([
        QuizResult(quiz=contest, user=a.user, organization=a.organization, county=counties[a.organization.pk],
                   attempt=a, score=a.score, duration_seconds=a.duration_seconds, submitted_at=a.submitted_at)
        for a in attempts])


def _seed_enrollments(workers, rng, now) -> None:
    courses = list(Course.objects.filter(is_published=True).prefetch_related("lessons"))
    if Enrollment.objects.exists() or not courses:
        return
    rows = []
    for n, (user, union) in enumerate(workers[:120]):
        course = courses[n % len(courses)]
        done = rng.random() < 0.45
        rows.append(Enrollment(user=user, course=course, organization=union,
                               completed_at=now - timedelta(days=rng.randint(0, 5)) if done else None,
                               certificate_no=f"JZGH{now:%Y}D{n:09d}" if done else None))
    Enrollment.objects.bulk_create(rows)


def _seed_campaigns(city, rng) -> None:
    today = timezone.localdate()
    if not Campaign.objects.filter(title__startswith="“岗位建功促生产").exists():
        campaign = Campaign.objects.create(
            title="“岗位建功促生产、同舟共济渡难关”劳动竞赛", kind=Campaign.Kind.LABOUR, organization=city,
            description="在复工返岗职工中开展岗位建功活动，围绕重点项目建设、节能减排、安康杯等开展劳动竞赛。",
            rules="1. 以基层工会为单位报名，团队或个人均可参赛。\n2. 各阶段提交生产任务完成情况、技术革新成果及照片。\n"
                  "3. 评委按评分标准打分，取各评委平均分排名。",
            registration_closes=today + timedelta(days=10), status=Campaign.Status.JUDGING)
        Stage.objects.bulk_create([
            Stage(campaign=campaign, order=1, name="动员报名", starts_on=today - timedelta(days=20),
                  ends_on=today + timedelta(days=10)),
            Stage(campaign=campaign, order=2, name="岗位比武", starts_on=today - timedelta(days=10),
                  ends_on=today + timedelta(days=30)),
            Stage(campaign=campaign, order=3, name="评选表彰", starts_on=today + timedelta(days=31),
                  ends_on=today + timedelta(days=45))])
        Criterion.objects.bulk_create([
            Criterion(campaign=campaign, order=1, name="生产任务完成", max_score=40),
            Criterion(campaign=campaign, order=2, name="技术革新与节能减排", max_score=30),
            Criterion(campaign=campaign, order=3, name="安全生产与疫情防控", max_score=30)])
        judges = list(User.objects.filter(username__in=["city_dept", "jiefang_staff"]))
        campaign.judges.set(judges)
        registrar = User.objects.filter(username="grassroots_staff").first()
        entries = [("410821G01", Entry.Kind.TEAM, "恒达机械焊接班", "马超 焊工\n杨帆 装配钳工"),
                   ("410871G01", Entry.Kind.TEAM, "新能源零部件精加工班组", "王磊 数控车工\n赵敏 质检"),
                   ("410882G01", Entry.Kind.INDIVIDUAL, "吴涛", "吴涛 仪表工"),
                   ("410802G02", Entry.Kind.TEAM, "万方物流配送突击队", "郑凯 驾驶员\n冯雪 调度员"),
                   ("410822G01", Entry.Kind.TEAM, "博爱铸造熔炼班", "黄勇 熔炼工")]
        for code, kind, name, members in entries:
            org = _org(code)
            if org is None:
                continue
            entry = Entry.objects.create(campaign=campaign, organization=org, kind=kind, name=name, members=members,
                                         registered_by=registrar)
            Achievement.objects.create(entry=entry, text=f"{name}复工以来克服人手不足困难，提前完成一季度生产任务，"
                                                         f"提出合理化建议 {rng.randint(3, 12)} 条。",
                                       submitted_by=registrar)
    if not Campaign.objects.filter(kind=Campaign.Kind.PIONEER).exists():
        pioneer = Campaign.objects.create(
            title="2026 年度焦作市“工人先锋号”创建活动", kind=Campaign.Kind.PIONEER, organization=city,
            description="在复工复产中涌现的先进班组中开展工人先锋号创建，经县（市、区）总工会初审、市总工会审核后命名。",
            rules="申报单位提交班组事迹材料，县级总工会初审，市总工会审核。", allow_individuals=False,
            registration_closes=today + timedelta(days=30), status=Campaign.Status.OPEN)
        registrar = User.objects.filter(username="grassroots_staff").first()
        for code, name, status in [("410821G02", "恒达机械装配一班", Entry.Review.SUBMITTED),
                                   ("410823G01", "武陟纸业抄纸车间甲班", Entry.Review.COUNTY_APPROVED)]:
            org = _org(code)
            if org is not None:
                Entry.objects.create(campaign=pioneer, organization=org, kind=Entry.Kind.TEAM, name=name,
                                     registered_by=registrar, review_status=status)
