"""Her copy of her records, a counsellor's and a helper's, and what closing the account does (PIPL art. 28, 45, 47)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.core.registry import account_closers, my_data_exports
from apps.notifications.models import Notification
from apps.women_workers import services
from apps.women_workers.models import Arrangement, Booking, CareFamily, CareVisit, CounsellingSlot
from apps.women_workers.privacy import (
    CRISIS_CONTACT_HOLD_DAYS,
    crisis_contacts_purge,
    my_women_data,
    women_records_close,
)
from tests.factories import PASSWORD, UserFactory

from .conftest import arrangement_data

pytestmark = pytest.mark.django_db
FAMILY = {"member_name": "李娟", "member_role": "护士", "deployed_to": "湖北省武汉市", "family_contact": "王刚",
          "family_phone": "13812345678", "address": "修武县城关镇"}


def _sections(user) -> dict:
    return {section.title: section for section in my_women_data(user)}


def _cells(sections: dict) -> list[str]:
    return [str(cell) for section in sections.values() for row in section.rows for cell in row]


def _slot(counsellor, days: float) -> CounsellingSlot:
    start = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return CounsellingSlot.objects.create(counsellor=counsellor, starts_at=start, ends_at=start + timedelta(minutes=50),
                                          modes="video,phone,in_person", place="市总工会心理服务室")


def _held(person, counsellor, *, days_ago: int = 3, crisis: bool = False) -> Booking:
    """A session that took place: booked ahead, moved into the past, recorded by the counsellor."""
    booking = services.booking_create(actor=person, slot=_slot(counsellor, 1 + days_ago), mode="phone",
                                      topic="复工后失眠", contact_phone="13900000001", sensitive_consent=True)
    past = timezone.now() - timedelta(days=days_ago)
    CounsellingSlot.objects.filter(pk=booking.slot_id).update(starts_at=past, ends_at=past + timedelta(minutes=50))
    Booking.objects.filter(pk=booking.pk).update(starts_at=past, ends_at=past + timedelta(minutes=50))
    return services.booking_record_session(actor=counsellor, booking=booking, note="情绪低落，建议复诊", crisis=crisis)


@pytest.fixture
def agreed(member, xiuwu_staff):
    arrangement = services.arrangement_request(actor=member, data=arrangement_data())
    return services.arrangement_record_negotiation(actor=xiuwu_staff, arrangement=arrangement, outcome="agreed",
                                                   note="与人事经理面谈，同意居家", outcome_note="单位同意居家办公")


@pytest.fixture
def family(org_tree, xiuwu_staff):
    return services.family_register(actor=xiuwu_staff, data={**FAMILY, "district": org_tree.xiuwu},
                                    needs=["孩子网课无人辅导"])


# ---------------------------------------------------------------- the copy
def test_her_copy_holds_her_arrangements_and_bookings_without_the_confidential_note(agreed, member, counsellor,
                                                                                    other_worker, slot):
    _held(member, counsellor, crisis=True)
    services.booking_create(sensitive_consent=True, actor=other_worker, slot=slot, mode="video", topic="别人的话题")
    sections = _sections(member)
    assert set(sections) == {"特殊时期工作安排", "心理咨询预约"}
    arrangement = dict(zip(sections["特殊时期工作安排"].columns, sections["特殊时期工作安排"].rows[0], strict=True))
    assert arrangement["特殊时期"] == "孕期" and arrangement["安排方式"] == "居家办公"
    assert arrangement["我的说明"] == "孕 28 周，通勤一小时" and arrangement["工会的答复"] == "单位同意居家办公"
    assert arrangement["提交方式"] == "本人提交" and arrangement["状态"] == "已达成"
    booking = dict(zip(sections["心理咨询预约"].columns, sections["心理咨询预约"].rows[0], strict=True))
    assert booking["咨询师"] == "何心怡" and booking["想聊的话题"] == "复工后失眠" and booking["状态"] == "已咨询"
    cells = _cells(sections)
    assert "情绪低落，建议复诊" not in cells  # the counsellor's confidential note
    assert "与人事经理面谈" not in " ".join(cells)  # the union's working notes
    assert "别人的话题" not in cells and len(sections["心理咨询预约"].rows) == 1


def test_a_counsellors_copy_lists_her_slots_but_no_client(counsellor, slot, worker):
    services.booking_create(actor=worker, slot=slot, mode="phone", topic="焦虑", contact_phone="13900000001",
                            sensitive_consent=True)
    _slot(counsellor, 5)
    section = _sections(counsellor)["我发布的咨询时段（咨询师）"]
    assert [row[4] for row in section.rows] == ["已预约", "空闲"]
    assert section.rows[0][2] == "视频、电话、面谈"
    cells = _cells(_sections(counsellor))
    assert "张伟" not in cells and "焦虑" not in cells and "13900000001" not in cells


def test_a_helpers_copy_names_the_family_but_not_its_contact_details(family, org_tree, xiuwu_staff):
    helper = UserFactory(organization=org_tree.xiuwu_grassroots, real_name="刘敏")
    services.family_assign_helpers(actor=xiuwu_staff, family=family, helpers=[helper])
    services.visit_log(actor=helper, family=family, visited_on=timezone.localdate(), help_given="送去米面油")
    services.need_solve(actor=helper, need=family.needs.get())
    sections = _sections(helper)
    assert sections["结对帮扶（我是帮扶人）"].rows[0][0] == "李娟家庭"
    assert sections["我记录的帮扶走访"].rows[0][2] == "送去米面油"
    assert sections["我解决的帮扶需求"].rows[0][1] == "孩子网课无人辅导"
    cells = _cells(sections)
    assert FAMILY["family_phone"] not in cells and FAMILY["address"] not in cells and "王刚" not in cells


def test_the_copy_runs_a_fixed_number_of_queries(member, counsellor, xiuwu_staff, django_assert_max_num_queries):
    for week in range(4):
        services.arrangement_request(actor=member, data=arrangement_data(
            starts_on=timezone.localdate() + timedelta(days=3 + 100 * week),
            ends_on=timezone.localdate() + timedelta(days=90 + 100 * week)))
        services.booking_create(sensitive_consent=True, actor=member, slot=_slot(counsellor, 2 + week), mode="video")
    with django_assert_max_num_queries(6):
        sections = my_women_data(member)
    assert [len(s.rows) for s in sections] == [4, 4]


# ---------------------------------------------------------------- closing
def test_closing_withdraws_open_requests_and_cancels_upcoming_bookings(member, counsellor, slot,
                                                                       django_capture_on_commit_callbacks):
    open_request = services.arrangement_request(actor=member, data=arrangement_data())
    booking = services.booking_create(sensitive_consent=True, actor=member, slot=slot, mode="video", topic="压力大")
    with django_capture_on_commit_callbacks(execute=True):
        note = women_records_close(user=member)
    assert not Arrangement.objects.filter(pk=open_request.pk).exists()
    assert not Booking.objects.filter(pk=booking.pk).exists()
    assert AuditLog.objects.filter(action="women.arrangement.withdrawn", target_id=str(open_request.pk)).exists()
    assert AuditLog.objects.filter(action="women.booking.cancelled", target_id=str(booking.pk)).exists()
    # The slot is free again and the counsellor is told.
    assert slot.pk in CounsellingSlot.objects.filter(bookings__isnull=True).values_list("pk", flat=True)
    assert Notification.objects.filter(recipient=counsellor, title="心理咨询预约已取消").exists()
    assert "已撤回的特殊时期工作安排申请 1 份（其中进行中的 1 份先行撤回）" in note.erased
    assert "已取消的心理咨询预约 1 次（其中尚未进行的 1 次先行取消，时段已释放给其他人）" in note.erased


def test_closing_erases_health_details_and_keeps_the_counted_outcomes(agreed, member, counsellor):
    agreed_nursing = Arrangement.objects.filter(pk=agreed.pk)
    agreed_nursing.update(period="nursing", child_birth_date=timezone.localdate() - timedelta(days=30))
    session = _held(member, counsellor, crisis=True)
    Booking.objects.filter(pk=session.pk).update(crisis_flagged_at=timezone.now() - timedelta(days=10))
    note = women_records_close(user=member)
    kept = Arrangement.objects.get(pk=agreed.pk)
    assert kept.status == "agreed" and kept.employer_name and kept.decided_at
    assert kept.reason == "" and kept.child_birth_date is None
    assert kept.negotiation_note == "" and kept.outcome_note == ""
    session.refresh_from_db()
    assert session.status == "held" and session.crisis and session.crisis_flagged_at
    assert session.note == "" and session.topic == "" and session.contact_phone == ""
    text = "".join(note.kept)
    assert "工作统计保留" in text and "心理服务次数" in text and "危机干预" in text and "生命健康" not in text
    assert "心理咨询的话题、联系电话和咨询师的保密记录" in note.erased


def test_a_crisis_still_being_acted_on_keeps_a_way_to_reach_her_until_the_hold_ends(member, counsellor, client,
                                                                                  city_staff):
    session = _held(member, counsellor, crisis=True)
    Booking.objects.filter(pk=session.pk).update(contact_phone="")  # a video session: only the account's phone
    client.force_login(member)
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    assert "生命健康" in response.content.decode()
    session.refresh_from_db()
    assert session.contact_phone == "13900000001" and session.note == "" and session.topic == ""
    # The department still sees whom to call.
    client.force_login(city_staff)
    assert "13900000001" in client.get(reverse("women_workers:crisis_list")).content.decode()
    # The daily purge leaves it during the hold, erases it after, and does nothing the second time.
    assert crisis_contacts_purge() == 0
    later = timezone.now() + timedelta(days=CRISIS_CONTACT_HOLD_DAYS, hours=1)
    assert crisis_contacts_purge(now=later) == 1 and crisis_contacts_purge(now=later) == 0
    assert Booking.objects.get(pk=session.pk).contact_phone == ""


def test_the_purge_leaves_active_accounts_alone_and_is_scheduled(member, counsellor):
    from apps.core.schedules import declared_periodic_tasks

    session = _held(member, counsellor, crisis=True)
    later = timezone.now() + timedelta(days=CRISIS_CONTACT_HOLD_DAYS + 1)
    assert crisis_contacts_purge(now=later) == 0
    assert Booking.objects.get(pk=session.pk).contact_phone == "13900000001"
    assert "apps.women_workers.tasks.purge_crisis_contacts" in {t["task"] for t in declared_periodic_tasks()}


def test_a_counsellor_closing_takes_her_future_slots_down_and_tells_the_client(counsellor, slot, worker,
                                                                               django_capture_on_commit_callbacks):
    booking = services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="video")
    spare = _slot(counsellor, 6)
    with django_capture_on_commit_callbacks(execute=True):
        note = women_records_close(user=counsellor)
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert set(CounsellingSlot.objects.filter(pk__in=[slot.pk, spare.pk]).values_list("is_withdrawn", flat=True)) == {
        True}
    assert Notification.objects.filter(recipient=worker, title="心理咨询预约已取消").exists()
    assert any("2 个未来咨询时段已撤下" in text for text in note.erased)


def test_a_counsellor_closing_keeps_the_sessions_she_held_for_her_clients(counsellor, worker):
    session = _held(worker, counsellor)
    note = women_records_close(user=counsellor)
    session.refresh_from_db()
    assert session.note == "情绪低落，建议复诊"
    assert any("来访者的保密档案" in text for text in note.kept)


def test_a_helper_closing_ends_the_pairing_and_keeps_the_familys_history(family, org_tree, xiuwu_staff):
    helper = UserFactory(organization=org_tree.xiuwu_grassroots)
    services.family_assign_helpers(actor=xiuwu_staff, family=family, helpers=[helper, xiuwu_staff])
    services.visit_log(actor=helper, family=family, visited_on=timezone.localdate(), help_given="送去米面油")
    note = women_records_close(user=helper)
    assert list(CareFamily.objects.get(pk=family.pk).helpers.all()) == [xiuwu_staff]
    assert CareVisit.objects.filter(helper=helper, help_given="送去米面油").exists()
    assert AuditLog.objects.filter(action="women.family.helper_left").exists()
    assert any("结对关系" in text for text in note.erased) and any("帮扶档案" in text for text in note.kept)


def test_closing_twice_or_with_nothing_is_harmless(agreed, member, counsellor, other_worker):
    assert women_records_close(user=other_worker) is None
    _held(member, counsellor)
    women_records_close(user=member)
    second = women_records_close(user=member)
    assert second.erased == [] and second.kept
    assert Arrangement.objects.filter(worker=member).count() == 1 and Booking.objects.filter(person=member).count() == 1


def test_closing_runs_a_fixed_number_of_queries_whatever_the_history(member, counsellor, xiuwu_staff,
                                                                     django_assert_max_num_queries):
    for week in range(4):
        arrangement = services.arrangement_request(actor=member, data=arrangement_data(
            starts_on=timezone.localdate() + timedelta(days=3 + 100 * week),
            ends_on=timezone.localdate() + timedelta(days=90 + 100 * week)))
        services.arrangement_record_negotiation(actor=xiuwu_staff, arrangement=arrangement, outcome="refused",
                                                note="单位不同意")
        _held(member, counsellor, days_ago=3 + week)
    with django_assert_max_num_queries(19):  # the same with one record of each kind or a hundred
        women_records_close(user=member)
    assert Arrangement.objects.filter(worker=member, reason="").count() == 4


def test_the_close_account_page_runs_it(client, agreed, member, slot):
    assert women_records_close in list(account_closers) and my_women_data in list(my_data_exports)
    services.booking_create(sensitive_consent=True, actor=member, slot=slot, mode="video")
    client.force_login(member)
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "账号已注销" in html and "女职工关爱" in html and "工作统计保留" in html
    assert not Booking.objects.filter(person=member).exists()
    assert Arrangement.objects.get(pk=agreed.pk).reason == ""
