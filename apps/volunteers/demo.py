"""Demonstration data: volunteers in several districts, activities of every kind (one full with a
waiting list), hours, and micro-wishes in every state. Idempotent."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.core.models import Organization

from .models import Activity, Signup, Volunteer, Wish

MARKER = "“和你在一起”法律咨询进企业"
PEOPLE = [("13770000001", "孙丽", "410821"), ("13770000002", "周强", "410821"), ("13770000003", "吴敏", "410822"),
          ("13770000004", "郑涛", "410822"), ("13770000005", "冯娟", "410802"), ("13770000006", "陈刚", "410802"),
          ("13839100001", "张伟", "410821")]
ACTIVITIES = [  # title, kind, county, days from today, capacity, place, online link
    (MARKER, "legal", "410821", 5, 3, "修武县职工之家二楼", ""),
    ("社区疫情防控志愿服务", "epidemic", "410822", 3, 6, "博爱县清化镇街道社区", ""),
    ("劳模助力乡村振兴（脱贫攻坚）帮扶行", "poverty", "410802", 10, 8, "解放区上白作村", ""),
    ("劳模工匠进校园宣讲", "talk", "410821", -12, 4, "修武县第一中学报告厅", ""),
    ("职工心理健康线上疏导", "counselling", "410822", -5, 5, "", "https://meeting.example.cn/jzxl"),
    ("文化进基层·送戏下乡", "culture", "410802", -20, 6, "解放区焦东街道文化广场", ""),
]
WISHES = [  # what, value, county, state
    ("给上初中的女儿买一台学习用台灯", "90", "410821", "published"),
    ("冬天给老母亲买一件棉大衣", "260", "410822", "published"),
    ("孩子想要一套课外读物", "150", "410802", "claimed"),
    ("一双劳保防滑鞋", "120", "410821", "fulfilled"),
    ("给患病的父亲买一个血压计", "200", "410822", "confirmed"),
    ("家里需要一个电饭煲", "180", "410802", "draft"),
]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(stdout=None) -> None:
    if Activity.objects.filter(title=MARKER).exists():
        if stdout:
            stdout.write(f"  志愿者 {Volunteer.objects.count()} 人（已存在）")
        return
    User = get_user_model()
    counties = {o.code: o for o in Organization.objects.filter(code__in=["410821", "410822", "410802"])}
    staff = {u.organization.code: u for u in User.objects.filter(
        username__in=["xiuwu_staff", "boai_staff", "jiefang_staff"]).select_related("organization")}
    today, now = timezone.localdate(), timezone.now()
    volunteers = []
    for index, (phone, name, code) in enumerate(PEOPLE):
        user = User.objects.filter(username=phone).first() or User.objects.create(
            username=phone, phone=phone, real_name=name)
        status = "pending" if index == 5 else "approved"
        volunteer = Volunteer.objects.create(user=user, union=counties[code], district=counties[code],
                                             skills=["法律咨询", "心理疏导", "文艺演出", "电工维修", "医护"][index % 5],
                                             availability="周末全天", status=status,
                                             approved_at=now if status == "approved" else None)
        if status == "approved":
            volunteer.number = f"ZY{code}{volunteer.pk:05d}"
            volunteer.save(update_fields=["number"])
            volunteers.append(volunteer)
    for title, kind, code, days, capacity, place, link in ACTIVITIES:
        day = today + timedelta(days=days)
        activity = Activity.objects.create(
            title=title, kind=kind, starts_at=_at(day, 9), ends_at=_at(day, 12), place=place, online_link=link,
            capacity=capacity, organiser=counties[code], created_by=staff.get(code) or User.objects.filter(
                is_superuser=True).first(), description=f"{title}，欢迎有相关特长的职工志愿者报名参加。")
        if title == MARKER:  # full, with a waiting list of two
            chosen, waiting = volunteers[:3], volunteers[3:5]
        else:
            chosen, waiting = [v for v in volunteers if v.district.code == code][:capacity], []
        for volunteer in chosen:
            Signup.objects.create(activity=activity, volunteer=volunteer, status="confirmed",
                                  checked_in_at=_at(day, 9) if days < 0 else None,
                                  checked_out_at=_at(day, 12) if days < 0 else None,
                                  hours=Decimal("3.0") if days < 0 else Decimal("0"))
        for volunteer in waiting:
            Signup.objects.create(activity=activity, volunteer=volunteer, status="waiting")
        activity.taken = len(chosen)
        activity.save(update_fields=["taken"])
    wishers = list(User.objects.filter(username__in=["13839100003", "13839100004", "13839100005"]))
    donor = User.objects.filter(username="13839100002").first()
    for index, (what, value, code, state) in enumerate(WISHES):
        wisher = wishers[index % len(wishers)] if wishers else volunteers[0].user
        claimed = state in ("claimed", "fulfilled", "confirmed")
        wish = Wish.objects.create(
            wisher=wisher, union=counties[code], what=what, why="家庭收入较低，经工会走访核实，情况属实。",
            value=Decimal(value), status=state, donor=donor if claimed else None,
            published_at=None if state == "draft" else now - timedelta(days=10),
            claimed_at=now - timedelta(days=5) if claimed else None,
            due_at=now + timedelta(days=9) if claimed else None,
            fulfilled_at=now - timedelta(days=2) if state in ("fulfilled", "confirmed") else None,
            confirmed_at=now - timedelta(days=1) if state == "confirmed" else None)
        if state == "confirmed":
            wish.photo.save("photo.png", ContentFile(PNG, name="photo.png"))
    if stdout:
        stdout.write(f"  志愿者 {Volunteer.objects.count()} 人，活动 {Activity.objects.count()} 场，"
                     f"微心愿 {Wish.objects.count()} 个")
