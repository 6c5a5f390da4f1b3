# ruff: noqa: E501  (a table of demonstration data reads better one row per line)
"""Demonstration data: verified employers, 300+ posts in every district, 60 seekers across the key
groups, applications in every state, interviews, a job fair with live streams, brokered matches."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.core.models import Enterprise, Organization

from .models import (
    Application,
    ApplicationEvent,
    BrokeredMatch,
    Category,
    Education,
    EmployerMembership,
    EmployerProfile,
    FairParticipation,
    Interview,
    JobFair,
    JobPost,
    JobPostKeyGroup,
    KeyGroup,
    LiveSession,
    SeekerDesiredCategory,
    SeekerProfile,
)
from .services import recommendations_for_profile, refresh_search_document

DEMO_PASSWORD = "Jiaozuo@2026"

# title, category, salary range, requirement, groups especially welcome
OCCUPATIONS = [
    ("焊工", Category.WELDING, (5000, 8500), "持焊工证，熟悉二氧化碳保护焊、氩弧焊，能看懂图纸。", ["migrant", "transferred"]),
    ("电焊工（学徒）", Category.WELDING, (3500, 5000), "无经验可培训，吃苦耐劳，包教包会。", ["migrant", "unemployed"]),
    ("电工", Category.ELECTRICAL, (4500, 7000), "持低压电工证，负责厂区设备日常维护。", ["transferred"]),
    ("维修电工", Category.ELECTRICAL, (5000, 7500), "熟悉PLC、变频器，能独立排除电气故障。", ["transferred"]),
    ("数控车工", Category.MACHINING, (5500, 9000), "熟练操作法兰克系统数控车床，会编程优先。", ["graduate", "transferred"]),
    ("加工中心操作工", Category.MACHINING, (5000, 8000), "会对刀、装夹，能看懂零件图，两班倒。", ["migrant"]),
    ("普工", Category.ASSEMBLY, (3800, 5500), "身体健康，服从安排，适应倒班。", ["migrant", "unemployed", "needy_family"]),
    ("装配工", Category.ASSEMBLY, (4000, 6000), "汽车零部件装配，计件工资，多劳多得。", ["migrant", "unemployed"]),
    ("叉车司机", Category.LOGISTICS, (4500, 6500), "持特种设备（叉车）作业证，有仓库经验。", ["transferred", "migrant"]),
    ("货车司机", Category.LOGISTICS, (6000, 9000), "B2及以上驾照，熟悉焦作至郑州线路。", ["transferred"]),
    ("快递员", Category.LOGISTICS, (4500, 8000), "负责片区收派件，多劳多得，配电动车。", ["unemployed", "migrant", "needy_family"]),
    ("仓管员", Category.WAREHOUSE, (3800, 5500), "会电脑操作，熟悉出入库流程，认真细致。", ["graduate", "needy_family"]),
    ("护工", Category.CARE, (3500, 5500), "照护老人或病人，有证优先，可培训。", ["needy_family", "unemployed"]),
    ("养老护理员", Category.CARE, (3800, 5800), "持养老护理员证优先，有爱心耐心。", ["needy_family", "unemployed"]),
    ("育婴员", Category.DOMESTIC, (4500, 7000), "持育婴员证，有带婴儿经验。", ["needy_family"]),
    ("家政保洁员", Category.DOMESTIC, (3200, 4800), "身体健康，时间灵活，可做钟点工。", ["needy_family", "unemployed"]),
    ("厨师", Category.CATERING, (4500, 7000), "擅长豫菜、家常菜，有食堂经验优先。", ["transferred"]),
    ("服务员", Category.CATERING, (3000, 4200), "热情大方，包吃住。", ["migrant", "graduate"]),
    ("销售代表", Category.SALES, (4000, 9000), "底薪加提成，有驾照优先。", ["graduate", "unemployed"]),
    ("客服专员", Category.SALES, (3500, 5000), "普通话标准，会基本电脑操作。", ["graduate", "needy_family"]),
    ("小学教师", Category.EDUCATION, (4000, 6000), "本科及以上，持教师资格证。", ["graduate"]),
    ("职业培训讲师", Category.EDUCATION, (5000, 8000), "熟悉电工或焊工技能培训，有高级工证书。", ["transferred"]),
    ("钢筋工", Category.CONSTRUCTION, (6000, 9000), "有工地经验，服从管理，注意安全。", ["migrant"]),
    ("瓦工", Category.CONSTRUCTION, (6000, 9500), "砌墙、贴砖，有经验者优先。", ["migrant"]),
    ("软件测试员", Category.IT, (4500, 7500), "计算机相关专业，熟悉测试流程。", ["graduate"]),
    ("网络运维", Category.IT, (5000, 8000), "熟悉交换机、服务器维护。", ["graduate", "transferred"]),
    ("会计", Category.OFFICE, (4000, 6000), "持初级会计证，熟练使用财务软件。", ["graduate", "unemployed"]),
    ("行政文员", Category.OFFICE, (3200, 4500), "熟练使用办公软件，工作细致。", ["graduate", "needy_family"]),
]
# What each trade recruits for: a restaurant hires cooks and waiters, a machinery plant welders and fitters.
TRADES = {
    "批发零售": ["销售代表", "客服专员", "仓管员", "会计", "货车司机"],
    "交通运输": ["货车司机", "叉车司机", "快递员", "仓管员", "客服专员"],
    "居民服务": ["家政保洁员", "育婴员", "护工", "养老护理员"],
    "有色金属": ["普工", "电工", "维修电工", "叉车司机", "加工中心操作工"],
    "建材": ["普工", "叉车司机", "货车司机", "销售代表", "电工"],
    "机械制造": ["焊工", "电焊工（学徒）", "数控车工", "加工中心操作工", "装配工", "电工", "维修电工"],
    "农业": ["普工", "销售代表", "货车司机"],
    "电子信息": ["软件测试员", "网络运维", "装配工", "客服专员", "行政文员"],
    "餐饮": ["厨师", "服务员"],
    "汽车制造": ["焊工", "装配工", "数控车工", "普工", "维修电工", "叉车司机"],
    "电子商务": ["客服专员", "仓管员", "快递员", "网络运维", "销售代表"],
    "旅游": ["服务员", "厨师", "客服专员", "销售代表", "行政文员"],
    "食品加工": ["普工", "叉车司机", "仓管员", "销售代表", "电工"],
    "铸造": ["普工", "焊工", "电工", "叉车司机", "加工中心操作工"],
    "工艺品": ["普工", "销售代表"],
    "造纸": ["普工", "电工", "维修电工", "叉车司机", "仓管员"],
    "文化": ["行政文员", "销售代表", "客服专员", "职业培训讲师"],
    "化工": ["普工", "电工", "维修电工", "会计", "叉车司机"],
    "纺织服装": ["普工", "仓管员", "销售代表", "电工"],
    "皮革": ["普工", "销售代表", "仓管员"],
}
GENERAL_TRADE = ["普工", "销售代表", "行政文员", "仓管员"]
OCCUPATION_BY_TITLE = {row[0]: row for row in OCCUPATIONS}


def occupations_for(enterprise: Enterprise) -> list[tuple]:
    """The occupations an enterprise of this trade would plausibly advertise."""
    return [OCCUPATION_BY_TITLE[title] for title in TRADES.get(enterprise.industry, GENERAL_TRADE)]


BENEFITS = ["五险一金，包工作餐，年终奖", "缴纳社保，提供宿舍，节日福利", "五险，带薪年假，班车接送",
            "包吃住，满勤奖，技能补贴", "五险一金，定期体检，岗位培训"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建国", "志强", "晓燕", "海燕", "红梅", "小龙", "文博"]
SKILLS = {"welding": "电焊证、氩弧焊", "electrical": "低压电工证", "machining": "数控车床操作、CAD",
          "assembly": "装配、质检", "logistics": "叉车证、C1驾照", "warehouse": "Excel、仓储管理", "care": "护理员证",
          "domestic": "育婴员证", "catering": "面点、烹饪", "sales": "沟通能力强", "education": "教师资格证",
          "construction": "砌筑", "it": "Python、网络维护", "office": "初级会计证、Office"}
EMPLOYERS = [
    ("employer_hengda", "修武县恒达机械制造有限公司", "王建设", "13839200001"),
    ("employer_wanfang", "焦作万方物流有限公司", "李春华", "13839200002"),
    ("employer_qinyang", "沁阳市化工新材料有限公司", "赵立新", "13839200003"),
]
SEEKER_PREFIX = "1383930"


def seed(stdout=None) -> None:
    from django.contrib.auth.hashers import make_password

    from apps.accounts import demo as accounts_demo
    from apps.core import demo as core_demo

    password_hash = make_password(DEMO_PASSWORD)  # argon2 is slow on purpose: hash once for every demo account
    rng = random.Random(20260301)
    now = timezone.now()
    today = timezone.localdate()
    city = Organization.objects.get(code="410800")
    staff = User.objects.filter(username="city_office").first()
    # Only the city's demo enterprises: organizing's census adds ~500 more, and seeding again after it
    # must not give them all employer accounts.
    enterprises = list(core_demo.demo_enterprises().select_related("district").order_by("pk"))
    for enterprise in enterprises:
        EmployerProfile.objects.get_or_create(enterprise=enterprise, defaults={
            "status": EmployerProfile.Status.VERIFIED, "verified_by": staff, "verified_at": now,
            "introduction": f"{enterprise.name}是{enterprise.district.name.replace('总工会', '')}的{enterprise.industry}企业，"
                            f"现有职工{enterprise.employee_count}人，积极复工复产，诚聘各类人才。"})
    for username, enterprise_name, real_name, phone in EMPLOYERS:
        enterprise = Enterprise.objects.filter(name=enterprise_name).first()
        if enterprise is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, real_name=real_name, phone=phone)
            user.password = password_hash
            user.save()
        EmployerMembership.objects.get_or_create(user=user, enterprise=enterprise, defaults={
            "status": EmployerMembership.Status.ACTIVE, "job_title": "人事经理", "decided_at": now})
        entry = (username, f"{real_name}（{enterprise_name} 招聘账号）")
        if entry not in accounts_demo.LOGINS:
            accounts_demo.LOGINS.append(entry)

    if JobPost.objects.count() >= 300:
        if stdout:
            stdout.write(f"  岗位 {JobPost.objects.count()} 个（已存在）")
        return

    posts, welcomed = [], []
    for index in range(340):
        enterprise = enterprises[index % len(enterprises)]
        title, category, (low, high), requirement, groups = rng.choice(occupations_for(enterprise))
        shift = rng.choice([-500, 0, 0, 500, 1000])
        status = JobPost.Status.PUBLISHED
        roll = index % 40
        if roll == 1:
            status = JobPost.Status.PENDING
        elif roll == 2:
            status = JobPost.Status.DRAFT
        elif roll == 3:
            status = JobPost.Status.CLOSED
        elif roll == 4:
            status = JobPost.Status.EXPIRED
        published = now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
        post = JobPost(
            enterprise=enterprise, district=enterprise.district, title=title, category=category,
            address=enterprise.address or enterprise.district.name.replace("总工会", ""),
            salary_min=low + shift, salary_max=high + shift, headcount=rng.choice([1, 2, 3, 5, 5, 8, 10, 20]),
            description=requirement, benefits=rng.choice(BENEFITS),
            contact_name=enterprise.contact_name or "人事部", contact_phone=enterprise.contact_phone or "0391-3560000",
            valid_until=today - timedelta(days=3) if status == JobPost.Status.EXPIRED
            else today + timedelta(days=rng.randint(10, 90)),
            status=status, created_by=staff,
            published_at=published if status in (JobPost.Status.PUBLISHED, JobPost.Status.CLOSED,
                                                  JobPost.Status.EXPIRED) else None,
        )
        refresh_search_document(post)
        posts.append(post)
        welcomed.append(groups)
    JobPost.objects.bulk_create(posts)
    JobPostKeyGroup.objects.bulk_create([JobPostKeyGroup(post=post, code=code)
                                         for post, groups in zip(posts, welcomed, strict=True) for code in groups])
    published = [p for p in JobPost.objects.filter(status=JobPost.Status.PUBLISHED).select_related("district")]

    counties = list(Organization.objects.filter(org_type=Organization.Type.COUNTY).order_by("code"))
    groups = [g for g, _ in KeyGroup.choices]
    seekers = []
    for index in range(60):
        username = f"{SEEKER_PREFIX}{index:04d}"
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, phone=username, real_name=name)
            user.password = password_hash
            user.save()
        category = rng.choice(OCCUPATIONS)[1]
        district = counties[index % len(counties)]
        wanted = {category, rng.choice(Category.values)}
        profile, created = SeekerProfile.objects.get_or_create(user=user, defaults={
            "real_name": name, "phone": username, "district": district, "key_group": groups[index % len(groups)],
            "education": rng.choice(Education.values), "experience_years": rng.randint(0, 20),
            "skills": SKILLS.get(category, ""), "desired_salary": rng.choice([0, 3500, 4500, 5500]),
            "resume_text": f"{name}，求职意向：{Category(category).label}。{SKILLS.get(category, '')}。",
            "allow_recommendation": index % 6 != 0,
        })
        if created:
            SeekerDesiredCategory.objects.bulk_create([SeekerDesiredCategory(seeker=profile, code=code)
                                                       for code in sorted(wanted)])
            profile.desired_districts.set([district])
        seekers.append(profile)
    for profile in seekers:
        recommendations_for_profile(profile_id=profile.pk)

    # Applications in every state, with their history.
    pipeline = {
        Application.Status.SUBMITTED: [], Application.Status.VIEWED: ["viewed"],
        Application.Status.INTERVIEW: ["viewed", "interview"],
        Application.Status.OFFERED: ["viewed", "interview", "offered"],
        Application.Status.HIRED: ["viewed", "interview", "offered", "hired"],
        Application.Status.REJECTED: ["viewed", "rejected"], Application.Status.WITHDRAWN: ["withdrawn"],
    }
    statuses = list(pipeline)
    applications, events, interviews = [], [], []
    pairs = set()
    for index in range(150):
        profile = seekers[index % len(seekers)]
        post = rng.choice(published)
        if (profile.pk, post.pk) in pairs:
            continue
        pairs.add((profile.pk, post.pk))
        status = statuses[index % len(statuses)]
        source = Application.Source.RECOMMENDED if index % 5 == 0 else Application.Source.DIRECT
        applications.append(Application(post=post, seeker_id=profile.user_id, status=status, source=source,
                                        hired_at=now - timedelta(days=rng.randint(0, 10)) if status == "hired" else None))
    Application.objects.bulk_create(applications)
    for application in applications:
        previous = ""
        for step in ["submitted", *pipeline[application.status]]:
            events.append(ApplicationEvent(application=application, from_status=previous, to_status=step))
            previous = step
        if application.status in ("interview", "offered", "hired"):
            upcoming = application.status == "interview"
            mode = rng.choice(Interview.Mode.values)
            location = {
                Interview.Mode.VIDEO: "https://meeting.example.cn/j/" + str(rng.randint(10**8, 10**9)),
                Interview.Mode.PHONE: application.post.contact_phone,
            }.get(mode, application.post.address)
            # Office hours, on a day a few days away (or past): 9:00–16:30 local time.
            day = timezone.localdate() + timedelta(days=rng.randint(1, 5) if upcoming else -rng.randint(1, 10))
            at = timezone.make_aware(datetime.combine(day, time(9, 0))) + timedelta(minutes=30 * rng.randint(0, 15))
            interviews.append(Interview(
                application=application, mode=mode, scheduled_at=at, location=location,
                status=Interview.Status.PROPOSED if upcoming else Interview.Status.ACCEPTED))
    ApplicationEvent.objects.bulk_create(events)
    Interview.objects.bulk_create(interviews)

    # Point-to-point matches brokered by the county unions.
    brokers = {u.organization_id: u for u in User.objects.filter(username__in=["xiuwu_staff", "boai_staff",
                                                                              "jiefang_staff", "city_office"])}
    matches = []
    for index, profile in enumerate([s for s in seekers if s.allow_recommendation][:16]):
        post = rng.choice(published)
        broker = brokers.get(post.district_id) or brokers.get(city.pk)
        if broker is None:
            continue
        outcome = [BrokeredMatch.Outcome.HIRED, BrokeredMatch.Outcome.PENDING, BrokeredMatch.Outcome.INTERVIEWING,
                   BrokeredMatch.Outcome.FAILED][index % 4]
        matches.append(BrokeredMatch(seeker=profile, post=post, broker=broker, organization=broker.organization,
                                     note="工会电话联系双方，推荐面试", outcome=outcome,
                                     outcome_at=now - timedelta(days=2) if outcome != "pending" else None))
    BrokeredMatch.objects.bulk_create(matches, ignore_conflicts=True)

    # A spring fair for migrant workers and graduates, with live streams.
    fair, _ = JobFair.objects.get_or_create(title="2026年焦作市线上春风行动网络招聘会", defaults={
        "theme": JobFair.Theme.MIGRANT, "organizer": city, "starts_on": today - timedelta(days=3),
        "ends_on": today + timedelta(days=27),
        "description": "面向农民工、高校毕业生、失业人员等重点群体，全市百家企业线上招聘，直播带岗、视频面试。"})
    JobFair.objects.get_or_create(title="高校毕业生专场网络招聘会", defaults={
        "theme": JobFair.Theme.GRADUATE, "organizer": city, "starts_on": today + timedelta(days=10),
        "ends_on": today + timedelta(days=20), "description": "技术、教育、财务等岗位，欢迎应届毕业生。"})
    by_enterprise: dict[int, list[JobPost]] = {}
    for post in published:
        by_enterprise.setdefault(post.enterprise_id, []).append(post)
    for enterprise in enterprises[:12]:
        participation, _ = FairParticipation.objects.get_or_create(
            fair=fair, enterprise=enterprise, defaults={"status": FairParticipation.Status.JOINED})
        participation.posts.set(by_enterprise.get(enterprise.pk, [])[:4])
    for offset, enterprise in enumerate(enterprises[:3]):
        session = LiveSession.objects.create(
            fair=fair, enterprise=enterprise, title=f"{enterprise.name.replace('有限公司', '')}直播带岗",
            starts_at=now + timedelta(days=offset, hours=2), link=f"https://live.example.cn/room/{1000 + offset}")
        session.posts.set(by_enterprise.get(enterprise.pk, [])[:3])
    if stdout:
        stdout.write(f"  岗位 {JobPost.objects.count()} 个，求职者 {SeekerProfile.objects.count()} 人，"
                     f"申请 {Application.objects.count()} 份，招聘会 {JobFair.objects.count()} 场")
