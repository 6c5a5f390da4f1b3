"""Pages: public lists cached and anonymous, forms refusing bad input, refusals, query counts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.volunteers import services
from apps.volunteers.models import Activity, Signup, Volunteer, Wish
from tests.factories import UserFactory

from .factories import make_activity, make_wish, volunteer_user

pytestmark = pytest.mark.django_db


def test_public_wish_pages_show_no_name_or_phone(client, org_tree, xiuwu_staff):
    wisher = UserFactory(username="13711112222", real_name="赵秘密")
    wish = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=wisher)
    for url in (reverse("volunteers:wish_list"), reverse("volunteers:wish_detail", args=[wish.pk]),
                reverse("volunteers:landing")):
        body = client.get(url).content.decode()
        assert "书包" in body
        assert "赵秘密" not in body and "13711112222" not in body and "1222" not in body


def test_draft_wish_is_not_public(client, org_tree, xiuwu_staff):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff, publish=False)
    assert client.get(reverse("volunteers:wish_detail", args=[wish.pk])).status_code == 404


def test_public_lists_are_cached_and_bumped(client, org_tree, xiuwu_staff, worker):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    url = reverse("volunteers:wish_list")
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    services.wish_claim(user=worker, wish=wish)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and "已认领" in response.content.decode()


def test_activity_list_query_count(client, org_tree, xiuwu_staff, django_assert_max_num_queries):
    for index in range(25):
        make_activity(org_tree.xiuwu, xiuwu_staff, days=1 + index, title=f"活动{index}")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("volunteers:activity_list"))
    assert response.content.decode().count('data-testid="activity-row"') == 20


def test_wish_list_query_count(client, org_tree, xiuwu_staff, django_assert_max_num_queries):
    for index in range(25):
        make_wish(org_tree.xiuwu, xiuwu_staff, wisher=UserFactory(username=f"1360000{index:04d}"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("volunteers:wish_list"))
    assert response.content.decode().count('data-testid="wish-row"') == 20


def test_console_lists_query_count(client, org_tree, xiuwu_staff, django_assert_max_num_queries):
    for index in range(12):
        volunteer_user(org_tree.xiuwu, f"1350000{index:04d}")
        make_activity(org_tree.xiuwu, xiuwu_staff, days=1 + index, title=f"活动{index}")
        make_wish(org_tree.xiuwu, xiuwu_staff, wisher=UserFactory(username=f"1340000{index:04d}"))
    Volunteer.objects.update(status="pending")
    client.force_login(xiuwu_staff)
    for name in ("console_volunteers", "console_activities", "console_wishes"):
        with django_assert_max_num_queries(22):
            assert client.get(reverse(f"volunteers:{name}")).status_code == 200


def test_register_form_bad_input(client, org_tree, worker):
    client.force_login(worker)
    response = client.post(reverse("volunteers:register"), {"skills": "", "availability": "", "district": "999999"})
    body = response.content.decode()
    assert "请填写您的特长技能" in body and "请选择列表中的县" in body
    assert Volunteer.objects.count() == 0
    response = client.post(reverse("volunteers:register"),
                           {"skills": "心理", "availability": "周末", "district": org_tree.xiuwu_grassroots.pk})
    assert Volunteer.objects.count() == 0
    response = client.post(reverse("volunteers:register"),
                           {"skills": "心理", "availability": "周末", "district": org_tree.xiuwu.pk})
    assert response.status_code == 302 and Volunteer.objects.get().union == org_tree.xiuwu


def test_full_activity_page_offers_waiting_list(client, org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, capacity=1)
    services.signup_create(user=volunteer_user(org_tree.xiuwu, "13900000201"), activity=activity)
    second = volunteer_user(org_tree.xiuwu, "13900000202")
    client.force_login(second)
    response = client.post(reverse("volunteers:signup", args=[activity.pk]), follow=True)
    assert "名额已满" in response.content.decode() and 'data-testid="waitlist"' in response.content.decode()
    assert not Signup.objects.filter(volunteer__user=second).exists()
    client.post(reverse("volunteers:signup", args=[activity.pk]), {"waitlist": "1"})
    assert Signup.objects.get(volunteer__user=second).status == Signup.Status.WAITING


def test_cancel_someone_elses_signup_is_404(client, org_tree, xiuwu_staff, worker):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff)
    signup = services.signup_create(user=volunteer_user(org_tree.xiuwu, "13900000203"), activity=activity)
    client.force_login(worker)
    assert client.post(reverse("volunteers:cancel", args=[signup.pk])).status_code == 404


def test_other_district_gets_404(client, org_tree, xiuwu_staff, boai_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff)
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    volunteer = Volunteer.objects.get(pk=volunteer_user(org_tree.xiuwu, "13900000204").volunteer.pk)
    client.force_login(boai_staff)
    assert client.get(reverse("volunteers:activity_checkin", args=[activity.pk])).status_code == 404
    assert client.get(reverse("volunteers:console_wish", args=[wish.pk])).status_code == 404
    assert client.post(reverse("volunteers:volunteer_decide", args=[volunteer.pk]), {"approve": "1"}).status_code == 404


def test_worker_cannot_open_console(client, worker):
    client.force_login(worker)
    assert client.get(reverse("volunteers:console_activities")).status_code == 403


def test_activity_form_bad_input(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    start = timezone.localtime() + timedelta(days=2)
    data = {"title": "线上宣讲", "kind": "talk", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "place": "",
            "online_link": "javascript:alert(1)", "capacity": "0", "cancel_hours": "24"}
    body = client.post(reverse("volunteers:activity_create"), data).content.decode()
    assert "http://" in body and Activity.objects.count() == 0
    data.update(online_link="https://meeting.example.cn/x", capacity="10")
    body = client.post(reverse("volunteers:activity_create"), data).content.decode()
    assert "结束时间须晚于开始时间" in body and Activity.objects.count() == 0
    data["ends_at"] = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(reverse("volunteers:activity_create"), data).status_code == 302
    assert Activity.objects.get().organiser == xiuwu_staff.organization


def test_checkin_page_shows_qr_and_organiser_checks_in(client, org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff)
    signup = services.signup_create(user=volunteer_user(org_tree.xiuwu, "13900000205"), activity=activity)
    client.force_login(xiuwu_staff)
    body = client.get(reverse("volunteers:activity_checkin", args=[activity.pk])).content.decode()
    assert "<svg" in body and 'data-testid="roster-row"' in body
    response = client.post(reverse("volunteers:roster_checkin", args=[signup.pk]), follow=True)
    assert "只能在活动当天签到" in response.content.decode()
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(starts_at=now, ends_at=now + timedelta(hours=2))
    client.post(reverse("volunteers:roster_checkin", args=[signup.pk]))
    response = client.post(reverse("volunteers:roster_hours", args=[signup.pk]), {"hours": "abc"}, follow=True)
    assert "请填写数字" in response.content.decode()
    client.post(reverse("volunteers:roster_hours", args=[signup.pk]), {"hours": "1.5"})
    signup.refresh_from_db()
    assert signup.checked_in_at and str(signup.hours) == "1.5"


def test_scan_checks_in_on_the_day_and_refuses_forged_tokens(client, org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff)
    person = volunteer_user(org_tree.xiuwu, "13900000206")
    signup = services.signup_create(user=person, activity=activity)
    now = timezone.now()  # the activity is under way (today, whatever the hour)
    Activity.objects.filter(pk=activity.pk).update(starts_at=now, ends_at=now + timedelta(hours=1))
    client.force_login(person)
    assert client.get(reverse("volunteers:scan", args=["forged:token"])).status_code == 400
    url = reverse("volunteers:scan", args=[services.checkin_token(activity)])
    assert client.get(url).status_code == 200
    client.post(url)
    signup.refresh_from_db()
    assert signup.checked_in_at is not None


def test_certificate_prints_own_hours(client, org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff)
    person = volunteer_user(org_tree.xiuwu, "13900000207", name="孙志愿")
    signup = services.signup_create(user=person, activity=activity)
    Signup.objects.filter(pk=signup.pk).update(hours="2.5", checked_in_at=timezone.now())
    client.force_login(person)
    body = client.get(reverse("volunteers:certificate")).content.decode()
    assert "孙志愿" in body and "2.5" in body and "@media print" in body
    assert "我的志愿者证" in client.get(reverse("core:me")).content.decode()


def test_leaderboard_by_district(client, org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff)
    signup = services.signup_create(user=volunteer_user(org_tree.xiuwu, "13900000208"), activity=activity)
    Signup.objects.filter(pk=signup.pk).update(hours="3")
    body = client.get(reverse("volunteers:leaderboard")).content.decode()
    assert "修武县总工会" in body and "3.0" in body and "13900000208" not in body


def test_wish_form_bad_input_and_claim_twice(client, org_tree, xiuwu_staff, worker, other_worker):
    client.force_login(xiuwu_staff)
    body = client.post(reverse("volunteers:wish_create"), {"what": "", "why": "x", "value": "9999",
                                                           "wisher_phone": "123", "union": ""}).content.decode()
    assert "请填写心愿内容" in body and "500" in body and Wish.objects.count() == 0
    client.post(reverse("volunteers:wish_create"), {"what": "书包", "why": "困难", "value": "100", "publish": "on",
                                                    "wisher_phone": worker.username, "union": org_tree.xiuwu.pk})
    wish = Wish.objects.get()
    assert wish.status == Wish.Status.PUBLISHED
    client.force_login(other_worker)
    client.post(reverse("volunteers:wish_claim", args=[wish.pk]))
    client.force_login(UserFactory(username="13911110000"))
    response = client.post(reverse("volunteers:wish_claim", args=[wish.pk]), follow=True)
    assert "已被他人认领" in response.content.decode()
    wish.refresh_from_db()
    assert wish.donor == other_worker
    client.force_login(worker)
    assert "我的微心愿" in client.get(reverse("core:me")).content.decode()


def test_confirm_form_refuses_non_image(client, org_tree, xiuwu_staff, worker):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    services.wish_claim(user=worker, wish=wish)
    client.force_login(xiuwu_staff)
    fake = SimpleUploadedFile("a.png", b"MZ\x90\x00 not an image", content_type="image/png")
    body = client.post(reverse("volunteers:console_wish", args=[wish.pk]), {"photo": fake}).content.decode()
    assert "文件类型不符" in body
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED


def test_indicators(org_tree, xiuwu_staff, worker):
    from apps.core.indicators import all_indicators

    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    today = timezone.localdate()
    indicators = all_indicators()
    assert indicators["volunteers.wishes_published"].compute([org_tree.city], today, today)[org_tree.city.pk] == 1
    assert indicators["volunteers.wishes_published"].compute([org_tree.boai], today, today)[org_tree.boai.pk] == 0
    assert wish.pk


def test_personal_data_copy_lists_volunteer_records(org_tree, xiuwu_staff):
    from apps.volunteers.privacy import my_volunteer_data as my_data

    person = volunteer_user(org_tree.xiuwu, "13900000209")
    services.signup_create(user=person, activity=make_activity(org_tree.xiuwu, xiuwu_staff))
    titles = {section.title: section for section in my_data(person)}
    assert titles["志愿服务活动"].rows[0][0] == "法律咨询进企业"
