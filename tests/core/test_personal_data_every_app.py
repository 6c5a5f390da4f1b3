"""One person with records in every app: the copy gathers them all, and closing the account runs every
app's closer in one transaction and says, app by app, what went and what stays."""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from apps.accounts import services as account_services
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.organizing import services as organizing
from apps.organizing.models import Membership
from apps.protection import services as protection
from apps.protection.models import Hazard
from apps.publicity import services as publicity
from apps.publicity.models import Essay, EssayContest
from apps.volunteers import services as volunteers
from apps.volunteers.models import Activity, Signup, Volunteer, Wish
from apps.women_workers import services as women
from apps.women_workers.models import Arrangement, Booking, CounsellingSlot
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
BODY = "41082119900101" + "001"
ID_NUMBER = BODY + ric.calc_check_digit(BODY + "0")


@pytest.fixture
def everywhere(worker, org_tree, xiuwu_enterprise, grassroots_staff, xiuwu_staff, city_staff):
    """张伟: a member, a hazard reporter, a woman worker with a booking, an essayist, a volunteer."""
    worker.phone_verified_at = timezone.now()
    worker.save(update_fields=["phone_verified_at"])
    worker = account_services.user_set_id_number(user=worker, id_number=ID_NUMBER)
    organizing.application_approve(actor=grassroots_staff, application=organizing.application_submit(
        user=worker, real_name="张伟", id_number=ID_NUMBER, enterprise=xiuwu_enterprise, no_fixed_employer=False,
        district=None, occupation="钳工"))
    protection.hazard_report_public(enterprise=xiuwu_enterprise, description="冲压机防护罩拆掉了，很危险。",
                                    reporter_name="张伟", reporter_phone=worker.phone)
    today = timezone.localdate()
    women.arrangement_request(actor=worker, data={
        "employer_name": xiuwu_enterprise.name, "kind": "remote", "period": "pregnancy", "child_birth_date": None,
        "starts_on": today + timedelta(days=3), "ends_on": today + timedelta(days=90), "reason": "孕 28 周",
        "sensitive_consent": True})
    counsellor = UserFactory(username="counsellor", real_name="何心怡", roles=[Role.COUNSELLOR])
    start = timezone.now() + timedelta(days=2)
    slot = CounsellingSlot.objects.create(counsellor=counsellor, starts_at=start, ends_at=start + timedelta(hours=1),
                                          modes="video")
    women.booking_create(actor=worker, slot=slot, mode="video", topic="焦虑", sensitive_consent=True)
    contest = EssayContest.objects.create(title="抗击疫情，我们在行动", rules="不少于800字。",
                                          organization=org_tree.city, opens_on=today,
                                          closes_on=today + timedelta(days=9))
    publicity.essay_submit(author=worker, contest=contest, title="我的抗疫日记", text="坚守岗位。" * 20)
    volunteer = volunteers.volunteer_register(user=worker, district=org_tree.xiuwu, skills="电工", availability="周末")
    volunteers.volunteer_decide(actor=xiuwu_staff, volunteer=volunteer, approve=True)
    activity = volunteers.activity_create(actor=xiuwu_staff, data={
        "title": "社区防疫值守", "kind": "epidemic", "starts_at": start, "ends_at": start + timedelta(hours=2),
        "place": "修武县职工之家", "capacity": 3, "organiser": org_tree.xiuwu})
    volunteers.signup_create(user=worker, activity=activity)
    volunteers.wish_create(actor=xiuwu_staff, wisher=worker, union=org_tree.xiuwu, what="给孩子买一个书包",
                           why="家中困难", value=Decimal("120"), publish=True)
    return worker


def test_the_copy_gathers_every_apps_records(client, everywhere):
    client.force_login(everywhere)
    document = json.loads(client.get(reverse("core:my_data_export") + "?format=json").content)
    titles = {part["类别"] for part in document["内容"]}
    assert {"工会会员", "会籍变动", "入会申请", "我举报的风险隐患", "特殊时期工作安排", "心理咨询预约", "征文投稿",
            "志愿者登记", "志愿服务活动", "我的微心愿"} <= titles
    member = next(part for part in document["内容"] if part["类别"] == "工会会员")["记录"][0]
    assert member["身份证号码"].startswith("4108") and ID_NUMBER not in json.dumps(document, ensure_ascii=False)
    response = client.get(reverse("core:my_data_export"))
    assert response.status_code == 200


def test_closing_runs_every_closer_and_says_what_each_did(client, everywhere, django_capture_on_commit_callbacks):
    client.force_login(everywhere)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    for app in ("工会会员", "隐患举报", "女职工关爱", "宣传与评选", "志愿服务"):
        assert f'<h2 class="h6">{app}</h2>' in html
    assert "不等于退会" in html
    user = User.objects.get(pk=everywhere.pk)
    assert not user.is_active and user.real_name == "已注销用户"
    member = Membership.objects.get()
    assert member.is_active and member.user is None and member.phone == ""
    assert not Hazard.objects.filter(reporter_phone__gt="").exists()
    assert not Arrangement.objects.exists() and not Booking.objects.exists()
    assert not Essay.objects.exists()
    assert Volunteer.objects.get().skills == "" and not Signup.objects.exists()
    assert Activity.objects.get().taken == 0
    assert Wish.objects.get().status == Wish.Status.WITHDRAWN
