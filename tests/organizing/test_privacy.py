"""A member's copy of their records and what closing the account does to them (PIPL art. 45, 47)."""
from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts import services as account_services
from apps.core.models import AuditLog
from apps.core.registry import account_closers, my_data_exports
from apps.organizing import services
from apps.organizing.models import Membership, MembershipApplication, SocialWorker
from apps.organizing.privacy import CLOSED_NAME, membership_records_close, my_membership_data
from apps.organizing.selectors import membership_of
from tests.factories import PASSWORD, UserFactory

from .conftest import apply, id_number

pytestmark = pytest.mark.django_db


def _sections(user) -> dict:
    return {section.title: section for section in my_membership_data(user)}


def _cells(sections) -> list[str]:
    return [str(cell) for section in sections.values() for row in section.rows for cell in row]


@pytest.fixture
def social_worker(worker, org_tree, grassroots_staff):
    worker.phone_verified_at = timezone.now()
    worker.save(update_fields=["phone_verified_at"])
    return services.social_worker_register(actor=grassroots_staff, data={
        "name": "张伟", "phone": worker.phone, "union": org_tree.xiuwu_grassroots, "team": "修武县城关镇防控组",
        "assigned_since": date(2020, 2, 1), "team_role": "卡口值守"})


def test_the_copy_holds_the_membership_its_history_and_applications(member, worker, other_worker, union_enterprise,
                                                                  social_worker):
    apply(other_worker, enterprise=union_enterprise, serial=2)
    sections = _sections(worker)
    assert {"工会会员", "会籍变动", "入会申请", "社会化工会工作者登记"} <= set(sections)
    card = dict(zip(sections["工会会员"].columns, sections["工会会员"].rows[0], strict=True))
    assert card["会员编号"] == member.member_number and card["状态"] == "在会"
    assert card["身份证号码"] == member.id_masked and "*" in card["身份证号码"]
    assert card["工作单位"] == union_enterprise.name and card["入会方式"] == "网上入会"
    assert sections["会籍变动"].rows[0][1] == "入会"
    application = dict(zip(sections["入会申请"].columns, sections["入会申请"].rows[0], strict=True))
    assert application["状态"] == "已通过" and application["受理工会"] == "修武县恒达机械工会"
    assert sections["社会化工会工作者登记"].rows[0][3] == "修武县城关镇防控组"
    cells = _cells(sections)
    # Nobody else's: not the other applicant's name nor ID, not the whole ID number, not the reviewer.
    assert other_worker.real_name not in cells and id_number(2) not in cells and id_number(1) not in cells
    assert "grassroots_staff" not in " ".join(cells)


def test_an_unverified_phone_does_not_claim_a_social_worker_registration(worker, social_worker):
    worker.phone_verified_at = None
    worker.save(update_fields=["phone_verified_at"])
    assert "社会化工会工作者登记" not in _sections(worker)


def test_a_member_imported_by_their_union_finds_the_record_by_id_number(org_tree, grassroots_staff, worker):
    from apps.core.crypto import encrypt, pii_digest
    from apps.organizing.services.membership import _make_member

    number = id_number(5)
    _make_member(actor=grassroots_staff, user=None, real_name="张伟", digest=pii_digest(number),
                 cipher=encrypt(number), masked="4108**********0000", phone="", union=org_tree.xiuwu_grassroots,
                 enterprise=None, occupation="钳工", new_form_work="", online=False)
    worker = account_services.user_set_id_number(user=worker, id_number=number)
    assert _sections(worker)["工会会员"].rows[0][8] == "工会登记"


def test_someone_with_nothing_here_gets_no_sections_and_no_note(worker):
    assert my_membership_data(worker) == []
    assert membership_records_close(user=worker) is None


def test_closing_keeps_an_active_member_on_the_roll_without_the_account(member, worker, union_enterprise, client):
    old_token = member.verify_token
    note = membership_records_close(user=worker)
    member.refresh_from_db()
    assert member.is_active and member.user is None and member.phone == ""
    assert member.real_name == "张伟" and member.id_masked and member.id_cipher  # the roll still names the member
    assert member.verify_token != old_token
    assert client.get(reverse("organizing:verify", args=[old_token])).status_code == 404
    application = MembershipApplication.objects.get(user=worker)
    assert application.real_name == CLOSED_NAME and application.id_cipher == "" and application.phone == ""
    assert application.status == "approved"
    assert any("不等于退会" in text for text in note.kept)
    assert any("电子会员卡" in text for text in note.erased)
    assert AuditLog.objects.filter(action="organizing.membership.account_closed", target_id=str(member.pk)).exists()


def test_closing_anonymises_a_membership_that_already_ended(member, worker, grassroots_staff):
    services.membership_leave(user=worker, membership=member)
    note = membership_records_close(user=worker)
    member.refresh_from_db()
    assert member.user is None and member.real_name == CLOSED_NAME
    assert member.id_masked == "" and member.id_cipher == "" and member.phone == "" and member.occupation == ""
    assert member.id_digest == f"closed-{member.pk}"
    assert member.member_number and list(member.events.values_list("kind", flat=True)) == ["joined", "left"]
    assert any("名册的历史" in text for text in note.kept)
    # The same ID number may join again later, as a new member.
    again = services.application_approve(actor=grassroots_staff, application=apply(
        UserFactory(real_name="张伟"), serial=1, enterprise=member.enterprise))
    assert again.pk != member.pk


def test_closing_withdraws_a_pending_application_through_the_service_then_deletes_it(worker, union_enterprise):
    application = apply(worker, enterprise=union_enterprise)
    note = membership_records_close(user=worker)
    assert not MembershipApplication.objects.filter(user=worker).exists()
    assert AuditLog.objects.filter(action="organizing.application.withdrawn",
                                   target_id=str(application.pk)).exists()
    assert "待审核的入会申请已撤回" in note.erased
    assert any("已删除" in text for text in note.erased) and note.kept == []


def test_returned_applications_are_deleted(worker, union_enterprise, xiuwu_staff):
    services.application_return(actor=xiuwu_staff, application=apply(worker, enterprise=union_enterprise),
                                 reason="单位名称有误")
    membership_records_close(user=worker)
    assert not MembershipApplication.objects.exists()


def test_a_social_worker_registration_is_kept_and_said_so(worker, social_worker):
    note = membership_records_close(user=worker)
    assert SocialWorker.objects.filter(pk=social_worker.pk, phone=worker.phone).exists()
    assert any("社会化工会工作者" in text for text in note.kept)


def test_closing_twice_is_harmless(member, worker):
    services.membership_leave(user=worker, membership=member)
    membership_records_close(user=worker)
    second = membership_records_close(user=worker)
    member.refresh_from_db()
    assert member.real_name == CLOSED_NAME and Membership.objects.count() == 1
    assert second is None or not second.erased


def test_the_close_account_page_runs_it_and_a_new_account_finds_the_roll_again(client, member, worker):
    account_services.user_set_id_number(user=worker, id_number=id_number(1))
    assert membership_records_close in list(account_closers)
    assert my_membership_data in list(my_data_exports)
    client.force_login(worker)
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "账号已注销" in html and "工会会员" in html and "不等于退会" in html
    member.refresh_from_db()
    assert member.user is None and member.is_active
    # Registering again with the same ID number: the card is there again, with a fresh verification address.
    newcomer = account_services.user_set_id_number(user=UserFactory(real_name="张伟"), id_number=id_number(1))
    assert membership_of(newcomer) == member


def test_the_copy_runs_a_fixed_number_of_queries(member, worker, union_enterprise, org_tree, xiuwu_staff,
                                                  social_worker, django_assert_max_num_queries):
    for _ in range(3):  # a history that grows: transfers back and forth
        services.membership_transfer(actor=worker, membership=member, enterprise=None, district=org_tree.boai)
        services.membership_transfer(actor=worker, membership=member, enterprise=union_enterprise)
    with django_assert_max_num_queries(4):
        sections = my_membership_data(worker)
    assert len(next(s for s in sections if s.title == "会籍变动").rows) == 7


def test_closing_runs_a_fixed_number_of_queries_whatever_the_history(worker, union_enterprise, xiuwu_staff,
                                                                     django_assert_max_num_queries):
    for _ in range(5):
        services.application_return(actor=xiuwu_staff, application=apply(worker, enterprise=union_enterprise),
                                    reason="材料不全")
    member = services.application_approve(actor=xiuwu_staff, application=apply(worker, enterprise=union_enterprise))
    services.membership_leave(user=worker, membership=member)
    with django_assert_max_num_queries(12):
        membership_records_close(user=worker)
    assert MembershipApplication.objects.filter(user=worker).count() == 1
