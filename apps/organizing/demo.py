"""Demonstration data for organizing: catch-all unions, the census extract of 500 enterprises
(``demo_data/census_extract_4jp.csv``, two of its rows deliberately wrong so the report shows
rejections), applications in every state, members with cards, founding plans in every state,
postponed elections and social union workers. Safe to run again."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files import File
from django.utils import timezone
from stdnum.cn import ric

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import User
from apps.core.models import Enterprise, Organization

from . import services
from .models import CensusImport, FoundingPlan, MembershipApplication, SocialWorker, UnionProfile

CENSUS_FILE = Path(__file__).parent / "demo_data" / "census_extract_4jp.csv"
WORKERS = [  # phone, name, new-form work, where, final state
    ("13839500001", "赵刚", "courier", "bare", "approved"),
    ("13839500002", "钱敏", "delivery", "bare", "approved"),
    ("13839500003", "孙浩", "ride_hailing", "bare", "approved"),
    ("13839500004", "周丽", "", "union", "approved"),
    ("13839500005", "吴军", "truck", "none", "submitted"),
    ("13839500006", "郑芳", "domestic", "none", "submitted"),
    ("13839500007", "冯磊", "", "union", "submitted"),
    ("13839500008", "陈雪", "courier", "bare", "submitted"),
    ("13839500009", "褚伟", "", "union", "returned"),
    ("13839500010", "卫红", "delivery", "none", "returned"),
    ("13839500011", "蒋涛", "", "union", "withdrawn"),
]


def _id_number(serial: int, area: str = "410821") -> str:
    body = f"{area}1990{(serial % 12) + 1:02d}{(serial % 27) + 1:02d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _user(phone: str, name: str) -> User:
    user = User.objects.filter(username=phone).first()
    if user is None:
        user = User(username=phone, phone=phone, real_name=name, phone_verified_at=timezone.now())
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _census(actor) -> CensusImport:
    existing = CensusImport.objects.filter(original_name=CENSUS_FILE.name).first()
    if existing:
        return existing
    census = CensusImport(original_name=CENSUS_FILE.name, organization=actor.organization, uploaded_by=actor)
    with CENSUS_FILE.open("rb") as handle:
        census.file.save(CENSUS_FILE.name, File(handle), save=False)
    census.save()
    return services.census_import_run(import_id=census.pk)


def _applications(actor, xiuwu: Organization) -> None:
    if MembershipApplication.objects.filter(user__username=WORKERS[0][0]).exists():
        return
    union_enterprise = Enterprise.objects.filter(name="修武县恒达机械制造有限公司").first()
    bare = (Enterprise.objects.filter(district=xiuwu, has_union=False, employee_count__gte=25)
            .order_by("-employee_count", "pk").first())
    zhang = User.objects.filter(username="13839100001").first()
    if zhang is not None and union_enterprise is not None and not hasattr(zhang, "membership"):
        application = services.application_submit(
            user=zhang, real_name=zhang.real_name, id_number=_id_number(100), enterprise=union_enterprise,
            no_fixed_employer=False, district=None, occupation="数控车工")
        services.application_approve(actor=actor, application=application)
    for serial, (phone, name, new_form, where, state) in enumerate(WORKERS, start=1):
        user = _user(phone, name)
        enterprise = {"bare": bare, "union": union_enterprise, "none": None}[where]
        application = services.application_submit(
            user=user, real_name=name, id_number=_id_number(serial), enterprise=enterprise,
            no_fixed_employer=enterprise is None, district=xiuwu, new_form_work=new_form,
            occupation={"courier": "快递员", "delivery": "外卖骑手", "ride_hailing": "网约车司机", "truck": "货车司机",
                        "domestic": "家政服务员"}.get(new_form, "装配工"))
        if state == "approved":
            services.application_approve(actor=actor, application=application)
        elif state == "returned":
            services.application_return(actor=actor, application=application,
                                        reason="工作单位填写不完整，请补充后重新申请")
        elif state == "withdrawn":
            services.application_withdraw(user=user, application=application)


def _plans(actor, xiuwu: Organization) -> None:
    if FoundingPlan.objects.exists():
        return
    candidates = list(Enterprise.objects.filter(district=xiuwu, has_union=False, employee_count__gte=25)
                      .order_by("-employee_count", "pk")[1:5])
    today = timezone.localdate()
    for index, enterprise in enumerate(candidates):
        plan = services.plan_save(actor=actor, enterprise=enterprise, data={
            "contact_name": "企业办公室主任", "contact_phone": "0391-7123456",
            "planned_date": today + dt.timedelta(days=30 * (index + 1)),
            "steps": "1. 走访企业负责人；2. 宣传发动职工入会；3. 成立筹备组；4. 召开会员大会选举"})
        if index >= 1:
            services.plan_save(actor=actor, enterprise=enterprise, data={"status": "contacted"})
            services.plan_note_add(actor=actor, plan=plan, noted_on=today - dt.timedelta(days=10),
                                   text="上门走访，企业负责人同意支持建会")
        if index >= 2:
            services.plan_save(actor=actor, enterprise=enterprise, data={"status": "preparing"})
        if index == 3:
            services.plan_found(actor=actor, plan=plan, union_name=f"{enterprise.name}工会",
                                founded_on=today - dt.timedelta(days=3))


def _elections(actor) -> None:
    if UnionProfile.objects.filter(election_postponed_on__isnull=False).exists():
        return
    today = timezone.localdate()
    started, ended = today - dt.timedelta(days=300), today - dt.timedelta(days=100)
    services.epidemic_record(actor=actor, started_on=started, ended_on=None, deadline_days=90)
    unions = list(Organization.objects.filter(org_type=Organization.Type.GRASSROOTS, code__regex=r"G\d\d$")
                  .order_by("code")[:4])
    for index, union in enumerate(unions):
        term_end = started + dt.timedelta(days=40 * (index + 1))
        services.term_set(actor=actor, union=union, term_start=term_end.replace(year=term_end.year - 5),
                          term_end=term_end)
        if index < 3:
            services.election_postpone(actor=actor, union=union, reason="任期在疫情防控期间届满，暂缓召开会员大会")
    services.epidemic_record(actor=actor, started_on=started, ended_on=ended, deadline_days=90)
    if unions:
        services.election_record(actor=actor, union=unions[0], held_on=today - dt.timedelta(days=20))


def _social_workers(actor) -> None:
    if SocialWorker.objects.exists():
        return
    rows = [("410821G02", "张秀兰", "13839600001", "城关镇东关社区防控组", "入户排查", True),
            ("410821G01", "李建国", "13839600002", "云台山镇防控卡点", "卡点值守", True),
            ("410822G01", "王淑芬", "13839600003", "清化镇防控组", "心理疏导", True),
            ("410882G01", "刘卫东", "13839600004", "沁园街道防控组", "物资配送", False),
            ("410802G01", "杨帆", "13839600005", "焦南街道防控组", "复工宣传", False)]
    today = timezone.localdate()
    for code, name, phone, team, role, approved in rows:
        union = Organization.objects.filter(code=code).first()
        if union is None:
            continue
        worker = services.social_worker_register(actor=actor, data={
            "name": name, "phone": phone, "union": union, "team": team, "assigned_since": today - dt.timedelta(days=40),
            "team_role": role})
        if approved:
            services.social_worker_review(actor=actor, worker=worker, approve=True)


def seed(stdout=None) -> None:
    actor = User.objects.get(username="city_office")
    for county in Organization.objects.filter(org_type=Organization.Type.COUNTY):
        services.catch_all_union_for(county=county, actor=actor)
    census = _census(actor)
    xiuwu = Organization.objects.get(code="410821")
    _applications(actor, xiuwu)
    _plans(actor, xiuwu)
    _elections(actor)
    _social_workers(actor)
    if stdout:
        stdout.write(f"  普查导入 新增{census.created_count} 拒绝{census.rejected_count}，"
                     f"入会申请 {MembershipApplication.objects.count()} 份，建会预案 {FoundingPlan.objects.count()} 个")
