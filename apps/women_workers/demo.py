"""Demonstration data: arrangements in every state, counsellors with weekly slots and bookings (one held with a
crisis flag, one cancelled), front-line families with helpers, visits and needs, commendation recommendations."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts.roles import Role, role_group
from apps.core.models import Organization
from apps.core.registry import membership

from .models import Arrangement, Booking, CareFamily, CareNeed, CareVisit, Commendation, CounsellingSlot

EMPLOYERS = ["修武县恒达机械制造有限公司", "焦作万方物流有限公司", "沁阳市化工新材料有限公司"]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _colleague():
    from apps.accounts.demo import DEMO_PASSWORD, LOGINS

    User = get_user_model()
    colleague = User.objects.filter(username="counsellor_lin").first()
    if colleague is None:
        colleague = User(username="counsellor_lin", real_name="林静")
        colleague.set_password(DEMO_PASSWORD)
        colleague.save()
    colleague.groups.add(role_group(Role.COUNSELLOR))
    LOGINS.append(("counsellor_lin", "林静（心理咨询师）"))
    return colleague


def seed(stdout=None) -> None:
    colleague = _colleague()
    if Arrangement.objects.exists():
        if stdout:
            stdout.write(f"  特殊时期安排 {Arrangement.objects.count()} 件（已存在）")
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "grassroots_staff", "xiuwu_staff", "boai_staff", "jiefang_staff", "counsellor",
        "13839100001", "13839100002", "13839100003", "13839100004", "13839100005"])}
    fallback_union = Organization.objects.get(code="410821G02")
    today = timezone.localdate()
    staff = users["grassroots_staff"]

    workers = [users[p] for p in ("13839100002", "13839100005", "13839100004", "13839100001", "13839100003")]
    states = [
        (Arrangement.Status.SUBMITTED, Arrangement.Kind.REMOTE, Arrangement.Period.PREGNANCY, "", ""),
        (Arrangement.Status.NEGOTIATING, Arrangement.Kind.FLEXIBLE, Arrangement.Period.NURSING,
         "已与企业人事部门电话沟通，企业表示下周答复。", ""),
        (Arrangement.Status.AGREED, Arrangement.Kind.REMOTE, Arrangement.Period.PREGNANCY,
         "与企业协商，同意孕晚期居家办公。", "单位同意您自下周一起居家办公至产假开始，工资待遇不变。"),
        (Arrangement.Status.PARTLY_AGREED, Arrangement.Kind.ADJUSTED, Arrangement.Period.NURSING,
         "企业同意调离夜班，暂不能调整到行政岗。", "单位同意哺乳期内不安排夜班，每天哺乳时间 1 小时。"),
        (Arrangement.Status.REFUSED, Arrangement.Kind.LEAVE, Arrangement.Period.PREGNANCY,
         "企业以岗位紧缺为由未同意额外休假，已告知可申请劳动监察。", "单位未同意额外休假，工会将继续跟进。"),
        (Arrangement.Status.WITHDRAWN, Arrangement.Kind.FLEXIBLE, Arrangement.Period.PREGNANCY, "", ""),
    ]
    for index, (status, kind, period, note, outcome) in enumerate(states):
        worker = workers[index % len(workers)]
        union = membership.union_of(worker) or fallback_union
        birth = today - timedelta(days=120) if period == Arrangement.Period.NURSING else None
        arrangement = Arrangement.objects.create(
            worker=worker, union=union, submitted_by=worker if index % 2 == 0 else staff,
            employer_name=EMPLOYERS[index % len(EMPLOYERS)], kind=kind, period=period, child_birth_date=birth,
            starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=200 if birth else 120),
            reason="孕期反应较重，通勤时间长。" if period == Arrangement.Period.PREGNANCY else "需要按时哺乳。",
            status=status, negotiation_note=f"[{today:%Y-%m-%d} 陈晓燕] {note}" if note else "",
            outcome_note=outcome, handled_by=staff if note else None,
            decided_at=timezone.now() if status in Arrangement.OUTCOMES else None)
        Arrangement.objects.filter(pk=arrangement.pk).update(created_at=timezone.now() - timedelta(days=10 - index))

    # Counsellors: the demo counsellor and a colleague, weekly slots for three weeks, Monday to Friday.
    counsellor = users["counsellor"]
    slots = []
    for offset in range(-3, 21):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for who, hour in ((counsellor, 9), (counsellor, 14), (colleague, 19)):
            start = _at(day, hour)
            slots.append(CounsellingSlot(counsellor=who, starts_at=start, ends_at=start + timedelta(minutes=50),
                                         modes="video,phone,in_person" if who == counsellor else "video,phone",
                                         place="焦作市总工会职工心理服务室（人民路 1001 号）"))
    CounsellingSlot.objects.bulk_create(slots, ignore_conflicts=True)
    past = list(CounsellingSlot.objects.filter(counsellor=counsellor, starts_at__lt=timezone.now())[:2])
    future = list(CounsellingSlot.objects.filter(counsellor=counsellor, starts_at__gt=timezone.now() + timedelta(
        days=1))[:3])
    plan = [
        (past[0] if past else None, users["13839100002"], Booking.Status.HELD,
         "工作压力大，睡眠差，已给予放松训练建议。", False),
        (past[1] if len(past) > 1 else None, users["13839100003"], Booking.Status.HELD,
         "情绪低落，有自伤念头，已建议就医并告知热线。", True),
        (future[0] if future else None, users["13839100001"], Booking.Status.BOOKED, "", False),
        (future[1] if len(future) > 1 else None, users["13839100004"], Booking.Status.CANCELLED, "", False),
    ]
    for slot, person, status, note, crisis in plan:
        if slot is None:
            continue
        Booking.objects.create(
            slot=slot, person=person, starts_at=slot.starts_at, ends_at=slot.ends_at, mode=Booking.Mode.VIDEO,
            topic="复工后焦虑" if status != Booking.Status.CANCELLED else "", contact_phone=person.phone or "",
            status=status, note=note, crisis=crisis, crisis_flagged_at=slot.ends_at if crisis else None,
            cancelled_at=timezone.now() if status == Booking.Status.CANCELLED else None)

    # Front-line women's families paired with helpers.
    families = [
        ("410821", "李娟", "护士", "湖北省武汉市金银潭医院", "王刚", "13839211001",
         ["孩子网课无人辅导", "老人每周透析需要接送"], ["grassroots_staff", "xiuwu_staff"]),
        ("410822", "赵敏", "医生", "湖北省武汉市雷神山医院", "赵建国", "13839211002",
         ["家中蔬菜等生活物资采购困难"], ["boai_staff"]),
        ("410802", "孙倩", "社区工作者", "解放区焦北街道卡口", "孙立", "13839211003",
         ["两个孩子无人看护", "房贷延期手续"], ["jiefang_staff"]),
    ]
    for code, name, role, deployed, contact, phone, needs, helper_names in families:
        district = Organization.objects.get(code=code)
        family = CareFamily.objects.create(member_name=name, member_role=role, deployed_to=deployed,
                                           family_contact=contact, family_phone=phone, district=district,
                                           address=f"{district.name.replace('总工会', '')}", registered_by=staff)
        family.helpers.set([users[h] for h in helper_names])
        for index, text in enumerate(needs):
            need = CareNeed.objects.create(family=family, description=text)
            CareNeed.objects.filter(pk=need.pk).update(created_at=timezone.now() - timedelta(days=12 - index * 4))
            if index == 0 and code == "410821":
                CareNeed.objects.filter(pk=need.pk).update(solved_at=timezone.now(), solved_by=users[helper_names[0]])
        CareVisit.objects.create(family=family, helper=users[helper_names[0]], visited_on=today - timedelta(days=3),
                                 help_given="上门慰问，送去米面油和口罩，了解家庭困难。")

    grassroots = Organization.objects.get(code="410821G02")
    Commendation.objects.create(kind=Commendation.Kind.MARCH_EIGHTH, name="李娟", organization=grassroots,
                                workplace="修武县人民医院", front_line=True,
                                deeds="驰援武汉 56 天，护理重症患者 120 余人次。", recommended_by=staff)
    Commendation.objects.create(kind=Commendation.Kind.MAY_DAY, name="孙倩", organization=Organization.objects.get(
        code="410802"), workplace="焦北街道办事处", front_line=True, deeds="连续 40 天坚守社区卡口。",
        status=Commendation.Status.UNDER_REVIEW, recommended_by=users["jiefang_staff"])
    if stdout:
        stdout.write(f"  特殊时期安排 {Arrangement.objects.count()} 件，咨询时段 {CounsellingSlot.objects.count()} 个，"
                     f"帮扶家庭 {CareFamily.objects.count()} 户")
