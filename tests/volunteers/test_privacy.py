"""A volunteer's, wisher's and donor's copy, and what closing the account does (PIPL art. 45, 47)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.core.registry import account_closers, my_data_exports
from apps.notifications.models import Notification
from apps.volunteers import services
from apps.volunteers.models import Activity, Signup, Volunteer, Wish
from apps.volunteers.privacy import my_volunteer_data, volunteer_records_close
from tests.factories import PASSWORD, UserFactory

from .factories import make_activity, make_volunteer, make_wish, volunteer_user

pytestmark = pytest.mark.django_db


def _sections(user) -> dict:
    return {section.title: section for section in my_volunteer_data(user)}


def _served(user, organiser, staff, *, hours: str = "2.0", title: str = "社区防疫值守") -> Signup:
    """A sign-up to an activity that has since taken place, checked in and out."""
    signup = services.signup_create(user=user, activity=make_activity(organiser, staff, title=title, capacity=5))
    past = timezone.now() - timedelta(days=7)
    Activity.objects.filter(pk=signup.activity_id).update(starts_at=past, ends_at=past + timedelta(hours=3))
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=past, checked_out_at=past + timedelta(hours=2),
                                               hours=Decimal(hours))
    signup.refresh_from_db()
    return signup


@pytest.fixture
def volunteer(org_tree):
    return volunteer_user(org_tree.xiuwu, "13900000301", name="赵志愿")


# ---------------------------------------------------------------- the copy
def test_the_copy_holds_registration_check_ins_hours_and_both_kinds_of_wish(volunteer, org_tree, xiuwu_staff,
                                                                             other_worker):
    _served(volunteer, org_tree.xiuwu, xiuwu_staff)
    services.signup_create(user=volunteer, activity=make_activity(org_tree.xiuwu, xiuwu_staff, title="送法进企业"))
    make_wish(org_tree.xiuwu, xiuwu_staff, wisher=volunteer)
    someone_elses = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=other_worker)
    services.wish_claim(user=volunteer, wish=someone_elses)
    sections = _sections(volunteer)
    registration = dict(zip(sections["志愿者登记"].columns, sections["志愿者登记"].rows[0], strict=True))
    assert registration["特长技能"] == "法律咨询" and registration["累计服务时长（小时）"] == Decimal("2.0")
    activities = {row[0]: dict(zip(sections["志愿服务活动"].columns, row, strict=True))
                  for row in sections["志愿服务活动"].rows}
    assert activities["社区防疫值守"]["签到时间"] and activities["社区防疫值守"]["时长（小时）"] == Decimal("2.0")
    assert activities["送法进企业"]["报名状态"] == "已报名" and activities["送法进企业"]["组织单位"] == "修武县总工会"
    assert sections["我的微心愿"].rows[0][1] == "家中困难，孩子开学需要书包"
    claim = dict(zip(sections["我认领的微心愿"].columns, sections["我认领的微心愿"].rows[0], strict=True))
    assert claim["状态"] == "已认领" and claim["实现期限"]
    cells = [str(c) for s in sections.values() for row in s.rows for c in row]
    assert other_worker.real_name not in cells and other_worker.phone not in cells
    assert "家中困难，孩子开学需要书包" not in [str(c) for c in sections["我认领的微心愿"].rows[0]]


def test_the_copy_runs_a_fixed_number_of_queries(volunteer, org_tree, xiuwu_staff, django_assert_max_num_queries):
    for i in range(4):
        _served(volunteer, org_tree.xiuwu, xiuwu_staff, title=f"活动{i}")
        make_wish(org_tree.xiuwu, xiuwu_staff, wisher=volunteer)
    with django_assert_max_num_queries(4):
        sections = my_volunteer_data(volunteer)
    assert [len(s.rows) for s in sections] == [1, 4, 4]


# ---------------------------------------------------------------- the services closing relies on
def test_a_wish_is_withdrawn_by_its_wisher_or_union_only_before_a_claim(org_tree, xiuwu_staff, boai_staff, worker,
                                                                        other_worker):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=worker)
    with pytest.raises(PermissionDenied):
        services.wish_withdraw(actor=boai_staff, wish=wish)
    services.wish_withdraw(actor=worker, wish=wish)
    assert Wish.objects.get(pk=wish.pk).status == Wish.Status.WITHDRAWN
    claimed = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=worker)
    services.wish_claim(user=other_worker, wish=claimed)
    with pytest.raises(ValidationError):
        services.wish_withdraw(actor=xiuwu_staff, wish=claimed)
    assert AuditLog.objects.filter(action="volunteers.wish.withdrawn").count() == 1


def test_closing_cancels_even_inside_the_cut_off_but_not_once_begun(volunteer, org_tree, xiuwu_staff):
    soon = make_activity(org_tree.xiuwu, xiuwu_staff, days=0.5, cancel_hours=24)
    signup = services.signup_create(user=volunteer, activity=soon)
    with pytest.raises(ValidationError):
        services.signup_cancel(user=volunteer, signup=signup)
    services.signup_cancel(user=volunteer, signup=signup, account_closing=True)
    assert Signup.objects.get(pk=signup.pk).status == Signup.Status.CANCELLED
    begun = services.signup_create(user=volunteer, activity=make_activity(org_tree.xiuwu, xiuwu_staff, days=2,
                                                                          title="已开始"))
    Activity.objects.filter(pk=begun.activity_id).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError):
        services.signup_cancel(user=volunteer, signup=begun, account_closing=True)


# ---------------------------------------------------------------- closing
def test_closing_frees_coming_places_and_moves_the_waiting_list_up(volunteer, org_tree, xiuwu_staff,
                                                                   django_capture_on_commit_callbacks):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, capacity=1, days=0.5)
    mine = services.signup_create(user=volunteer, activity=activity)
    next_in_line = volunteer_user(org_tree.xiuwu, "13900000302", name="钱候补")
    waiting = services.signup_create(user=next_in_line, activity=activity, waitlist=True)
    with django_capture_on_commit_callbacks(execute=True):
        note = volunteer_records_close(user=volunteer)
    assert not Signup.objects.filter(pk=mine.pk).exists()  # cancelled through the service, then deleted
    assert AuditLog.objects.filter(action="volunteers.signup.cancelled", target_id=str(mine.pk)).exists()
    assert Signup.objects.get(pk=waiting.pk).status == Signup.Status.CONFIRMED
    assert Activity.objects.get(pk=activity.pk).taken == 1
    assert Notification.objects.filter(recipient=next_in_line, title__startswith="候补成功").exists()
    assert "已取消的志愿服务活动报名 1 条（其中尚未开始的 1 项先行取消，名额已按候补顺序递补）" in note.erased


def test_closing_keeps_hours_and_number_and_erases_what_the_volunteer_wrote(volunteer, org_tree, xiuwu_staff):
    served = _served(volunteer, org_tree.xiuwu, xiuwu_staff)
    number = Volunteer.objects.get(user=volunteer).number
    note = volunteer_records_close(user=volunteer)
    kept = Volunteer.objects.get(user=volunteer)
    assert kept.number == number and kept.status == Volunteer.Status.APPROVED
    assert kept.skills == "" and kept.availability == ""
    assert Signup.objects.get(pk=served.pk).hours == Decimal("2.0")
    assert "志愿者登记中的特长技能和可服务时间" in note.erased
    assert any("服务时长计入工会志愿服务统计" in text for text in note.kept)


def test_a_registration_never_approved_is_deleted(worker, org_tree):
    make_volunteer(worker, org_tree.xiuwu, approved=False)
    note = volunteer_records_close(user=worker)
    assert not Volunteer.objects.filter(user=worker).exists()
    assert "未通过审核或待审核的志愿者登记已删除" in note.erased


def test_closing_withdraws_unclaimed_wishes_releases_claims_and_keeps_gifts(org_tree, xiuwu_staff, worker,
                                                                            other_worker):
    unclaimed = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=worker)
    given = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=worker)
    services.wish_claim(user=other_worker, wish=given)
    # What the worker claimed for somebody else, not yet delivered, goes back on the list.
    third = UserFactory(username="13700000010", real_name="孙需要")
    promised = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=third)
    services.wish_claim(user=worker, wish=promised)
    note = volunteer_records_close(user=worker)
    unclaimed.refresh_from_db(), given.refresh_from_db(), promised.refresh_from_db()
    assert unclaimed.status == Wish.Status.WITHDRAWN and unclaimed.what == "" and unclaimed.why == ""
    assert given.status == Wish.Status.CLAIMED and given.what == "给孩子买一个书包" and given.why == ""
    assert promised.status == Wish.Status.PUBLISHED and promised.donor is None
    assert promised.why == "家中困难，孩子开学需要书包"  # somebody else's wish is untouched
    assert AuditLog.objects.filter(action="volunteers.wish.released", target_id=str(promised.pk)).exists()
    assert any("爱心捐赠的记录" in text for text in note.kept)
    assert "已撤回的微心愿的内容和缘由（其中尚未被认领的 1 个先行撤回）" in note.erased
    assert any("认领关系" in text for text in note.erased)


def test_closing_twice_or_with_nothing_is_harmless(volunteer, org_tree, xiuwu_staff, other_worker):
    assert volunteer_records_close(user=other_worker) is None
    _served(volunteer, org_tree.xiuwu, xiuwu_staff)
    volunteer_records_close(user=volunteer)
    second = volunteer_records_close(user=volunteer)
    assert second.erased == [] and second.kept
    assert Signup.objects.filter(volunteer__user=volunteer).count() == 1


def test_closing_runs_a_fixed_number_of_queries_whatever_the_history(volunteer, org_tree, xiuwu_staff, other_worker,
                                                                     django_assert_max_num_queries):
    for i in range(5):
        _served(volunteer, org_tree.xiuwu, xiuwu_staff, title=f"活动{i}")
        services.wish_claim(user=other_worker, wish=make_wish(org_tree.xiuwu, xiuwu_staff, wisher=volunteer))
    with django_assert_max_num_queries(16):
        volunteer_records_close(user=volunteer)
    assert Wish.objects.filter(wisher=volunteer, why="").count() == 5


def test_the_close_account_page_runs_it(client, volunteer, org_tree, xiuwu_staff):
    assert volunteer_records_close in list(account_closers) and my_volunteer_data in list(my_data_exports)
    signup = services.signup_create(user=volunteer, activity=make_activity(org_tree.xiuwu, xiuwu_staff))
    client.force_login(volunteer)
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "账号已注销" in html and "志愿服务" in html
    assert not Signup.objects.filter(pk=signup.pk).exists()
    assert Activity.objects.get(pk=signup.activity_id).taken == 0
