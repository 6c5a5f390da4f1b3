"""Demonstration data: 30 articles across the categories, exemplars, an open 最美职工 selection with
nominations (in its public voting phase), an essay contest with entries."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.core.models import Organization
from apps.core.search import build_document

from .models import Article, Campaign, CampaignQuota, Essay, EssayContest, Exemplar, Nomination, Vote
from .sanitize import plain_text

TOPICS = {
    Article.Category.NEWS: ["市总工会开展复工复产“送温暖”活动", "县区工会为一线职工送去防护物资",
                            "焦作市职工技能竞赛启动", "基层工会开展“安康杯”知识竞赛", "市总工会走访慰问困难职工",
                            "工会帮扶中心线上服务上线"],
    Article.Category.POLICY: ["职工疗休养政策解读", "阶段性减免社保费政策问答", "稳岗返还政策申领指南",
                              "困难职工帮扶政策解读", "工会经费支持复工复产的通知解读", "职工医疗互助政策问答"],
    Article.Category.HEALTH: ["复工后如何做好个人防护", "冬季职工健康小贴士", "长时间伏案工作如何保护颈椎",
                              "职工心理健康自我调适", "食堂就餐卫生须知", "夜班职工的作息建议"],
    Article.Category.LABOUR_LAW: ["工伤认定的条件与流程", "疫情期间工资如何支付", "劳动合同解除的法律规定",
                                  "加班工资的计算方法", "女职工特殊劳动保护规定", "劳动争议调解仲裁流程"],
    Article.Category.EXEMPLAR: ["最美职工：坚守三十天的保供人", "工人先锋号：抗疫一线的青年突击队",
                                "五一劳动奖章获得者的故事", "复工复产中的“主心骨”", "社区防控一线的工会志愿者",
                                "连夜转产口罩的车间班组"],
}
EXEMPLARS = [
    ("王建国", "修武县恒达机械制造有限公司", True, False, False,
     "疫情期间连续三十天驻厂，带领班组保障防疫物资生产线不停工。"),
    ("焦作市人民医院发热门诊护理组", "焦作市人民医院", True, False, True,
     "春节期间全员放弃休假，坚守发热门诊，累计接诊发热患者两千余人次。"),
    ("李秀梅", "博爱县铸造有限公司", False, True, False,
     "复工复产中牵头制定车间防控方案，一周内实现全员安全复工。"),
    ("解放区环卫工人班组", "解放区城市管理局", True, True, True,
     "疫情期间每天对辖区道路和公共设施消杀两次，保障城市运行。"),
]
NOMINEES = [("张立新", True), ("刘芳", True), ("赵强", False), ("孙丽", True), ("周勇", False), ("吴敏", True)]


def seed(stdout=None) -> None:
    if Article.objects.filter(title=TOPICS[Article.Category.NEWS][0]).exists():
        if stdout:
            stdout.write(f"  宣传文章 {Article.objects.count()} 篇（已存在）")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["city_office", "xiuwu_staff", "boai_staff", "grassroots_staff"])}
    workers = list(User.objects.filter(username__startswith="138391000").order_by("username")[:6])
    city = Organization.objects.get(code="410800")
    city_office = users["city_office"]
    now = timezone.now()
    today = timezone.localdate()

    articles = []
    for c_index, (category, titles) in enumerate(TOPICS.items()):
        for t_index, title in enumerate(titles):
            body = (f"<p>{title}。</p><p>为深入贯彻落实市委、市政府关于统筹推进疫情防控和经济社会发展的部署，"
                    f"焦作市总工会围绕“{title}”组织开展了一系列工作。</p><ul><li>主动服务一线职工</li>"
                    f"<li>保障职工合法权益</li></ul>")
            summary = plain_text(body)[:100]
            scheduled = c_index == 0 and t_index == 5
            articles.append(Article(
                title=title, category=category, body=body, summary=summary, organization=city, author=city_office,
                reviewer=city_office, reviewed_at=now, status=Article.Status.PUBLISHED,
                published_at=now + timedelta(days=2) if scheduled else now - timedelta(days=c_index * 6 + t_index),
                search_document=build_document(title, summary, plain_text(body))))
    Article.objects.bulk_create(articles)

    for name, workplace, front_line, resumption, collective, story in EXEMPLARS:
        Exemplar.objects.create(name=name, workplace=workplace, front_line=front_line, resumption=resumption,
                                is_collective=collective, story=story, organization=city, created_by=city_office,
                                is_published=True, published_at=now)

    campaign = Campaign.objects.create(
        title="2026年焦作市“最美职工”评选", kind=Campaign.Kind.MOST_BEAUTIFUL,
        criteria="在疫情防控和复工复产中表现突出、事迹感人的一线职工。\n同等条件下向抗疫一线倾斜。",
        organization=city, nominate_until=today - timedelta(days=3), front_line_priority=True,
        voting_enabled=True, voting_until=today + timedelta(days=14), notice_until=today + timedelta(days=28),
        status=Campaign.Status.VOTING, review_round=1, default_quota=5)
    counties = list(Organization.objects.filter(parent=city, org_type=Organization.Type.COUNTY).order_by("code"))
    staff_by_code = {"410821": users.get("xiuwu_staff"), "410822": users.get("boai_staff")}
    for index, (name, front_line) in enumerate(NOMINEES):
        district = counties[index % min(2, len(counties))]
        nomination = Nomination.objects.create(
            campaign=campaign, district=district, nominated_by=district,
            submitted_by=staff_by_code.get(district.code) or city_office, nominee_name=name,
            workplace=f"{district.name.replace('总工会', '')}某企业", front_line=front_line,
            deeds=f"{name}同志在疫情防控期间主动请缨，" + ("坚守抗疫一线。" if front_line else "保障企业平稳复工。"),
            rounds_passed=1)
        Vote.objects.bulk_create([Vote(nomination=nomination, voter=w, day=today - timedelta(days=d + 1))
                                  for d in range(len(NOMINEES) - index) for w in workers[:2]])
    medal = Campaign.objects.create(
        title="2026年五一劳动奖章推荐", kind=Campaign.Kind.MAY_DAY_MEDAL, criteria="在本职岗位作出突出贡献的职工。",
        organization=city, nominate_until=today + timedelta(days=20), front_line_priority=True, default_quota=3)
    # 修武县 has more front-line workers to put forward this year: its own quota, the rest the default.
    CampaignQuota.objects.bulk_create([CampaignQuota(campaign=medal, district=d, quota=5)
                                       for d in counties if d.code == "410821"])

    contest = EssayContest.objects.create(
        title="“抗击疫情，我们在行动”主题征文", organization=city, status=EssayContest.Status.OPEN,
        rules="面向全市职工征集反映抗疫和复工复产的真实故事。\n体裁不限，每人限投一篇，1000 至 3000 字。",
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=20))
    for index, worker in enumerate(workers[1:4]):
        title = ["平凡的坚守", "车间里的春天", "我的抗疫日记"][index]
        Essay.objects.create(contest=contest, author=worker, title=title,
                             text="疫情发生以来，我们车间的工友们坚守岗位，互相鼓励。" * 20)
    if stdout:
        stdout.write(f"  宣传文章 {Article.objects.count()} 篇，评选 {Campaign.objects.count()} 项")
