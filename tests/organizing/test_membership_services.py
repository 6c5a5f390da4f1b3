"""Online membership: routing, review, numbers, one membership per person, transfers, leaving."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.registry import membership as membership_link
from apps.notifications.models import Notification
from apps.organizing import selectors, services
from apps.organizing.models import Membership, MembershipApplication, MembershipEvent, UnionProfile
from tests.factories import UserFactory

from .conftest import apply, id_number

pytestmark = pytest.mark.django_db


def test_application_goes_to_the_employers_union(worker, union_enterprise):
    application = apply(worker, enterprise=union_enterprise)
    assert application.union == union_enterprise.union
    assert application.id_masked.startswith("4108") and "*" in application.id_masked
    assert id_number(1) not in application.id_cipher


def test_without_a_union_it_goes_to_the_county_catch_all_union(worker, bare_enterprise, org_tree):
    application = apply(worker, enterprise=bare_enterprise)
    profile = UnionProfile.objects.get(organization=application.union)
    assert profile.is_catch_all and profile.county == org_tree.xiuwu
    assert application.union.parent == org_tree.xiuwu
    # One catch-all union per county: a second applicant lands in the same one.
    second = apply(UserFactory(), enterprise=bare_enterprise, serial=2)
    assert second.union == application.union
    assert UnionProfile.objects.filter(county=org_tree.xiuwu, is_catch_all=True).count() == 1


def test_no_fixed_employer_needs_a_district(worker, org_tree):
    with pytest.raises(ValidationError) as error:
        apply(worker)
    assert "district" in error.value.error_dict
    application = apply(worker, district=org_tree.boai, new_form_work="delivery")
    assert application.no_fixed_employer and application.union.parent == org_tree.boai


def test_bad_id_number_is_refused_and_nothing_saved(worker, union_enterprise):
    with pytest.raises(ValidationError) as error:
        services.application_submit(user=worker, real_name="张伟", id_number="410821199001010010",
                                    enterprise=union_enterprise, no_fixed_employer=False, district=None,
                                    occupation="钳工")
    assert "id_number" in error.value.error_dict
    assert not MembershipApplication.objects.exists()


def test_approval_gives_a_number_a_card_and_a_message(worker, union_enterprise, grassroots_staff, org_tree,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member = services.application_approve(actor=grassroots_staff,
                                              application=apply(worker, enterprise=union_enterprise))
    assert member.member_number.startswith("410821" + str(member.joined_at.year))
    assert len(member.member_number) == 16 and member.user == worker and member.is_active
    assert member.events.get().kind == MembershipEvent.Kind.JOINED
    assert Notification.objects.filter(recipient=worker, title__contains="已通过").exists()
    assert selectors.union_of(worker) == org_tree.xiuwu_grassroots


def test_an_id_already_a_member_cannot_apply_again(member, union_enterprise):
    other = UserFactory()
    with pytest.raises(ValidationError) as error:
        apply(other, enterprise=union_enterprise)
    assert "已是工会会员" in str(error.value)


def test_a_second_open_application_for_the_same_id_is_refused(worker, union_enterprise):
    apply(worker, enterprise=union_enterprise)
    with pytest.raises(ValidationError, match="待审核"):
        apply(UserFactory(), enterprise=union_enterprise)


def test_id_must_match_the_one_on_the_account(worker, union_enterprise):
    from apps.core.crypto import pii_digest

    worker.id_number_digest = pii_digest(id_number(7))
    worker.save()
    with pytest.raises(ValidationError, match="不一致"):
        apply(worker, enterprise=union_enterprise, serial=1)


def test_staff_of_another_district_cannot_approve(worker, union_enterprise, boai_staff):
    application = apply(worker, enterprise=union_enterprise)
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=boai_staff, application=application)
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED


def test_return_needs_a_reason_and_tells_the_worker(worker, union_enterprise, xiuwu_staff,
                                                   django_capture_on_commit_callbacks):
    application = apply(worker, enterprise=union_enterprise)
    with pytest.raises(ValidationError):
        services.application_return(actor=xiuwu_staff, application=application, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(actor=xiuwu_staff, application=application, reason="单位名称有误")
    application.refresh_from_db()
    assert application.status == "returned"
    assert Notification.objects.filter(recipient=worker, body__contains="单位名称有误").exists()
    # Returned: the worker may apply again.
    assert apply(worker, enterprise=union_enterprise).status == "submitted"


def test_approving_twice_is_an_error(worker, union_enterprise, xiuwu_staff):
    application = apply(worker, enterprise=union_enterprise)
    services.application_approve(actor=xiuwu_staff, application=application)
    with pytest.raises(ValidationError):
        services.application_approve(actor=xiuwu_staff, application=application)
    assert Membership.objects.count() == 1


def test_numbers_follow_on_and_are_never_reused(worker, other_worker, union_enterprise, xiuwu_staff):
    first = services.application_approve(actor=xiuwu_staff, application=apply(worker, enterprise=union_enterprise))
    services.membership_leave(user=worker, membership=first)
    second = services.application_approve(actor=xiuwu_staff,
                                          application=apply(other_worker, enterprise=union_enterprise, serial=2))
    assert int(second.member_number[-6:]) == int(first.member_number[-6:]) + 1
    # Rejoining keeps the first number and the history.
    again = services.application_approve(actor=xiuwu_staff, application=apply(worker, enterprise=union_enterprise))
    assert again.pk == first.pk and again.member_number == first.member_number and again.is_active
    assert list(again.events.values_list("kind", flat=True)) == ["joined", "left", "rejoined"]


def test_transfer_keeps_the_history(member, worker, boai_enterprise, org_tree):
    services.membership_transfer(actor=worker, membership=member, enterprise=boai_enterprise)
    member.refresh_from_db()
    assert member.union == org_tree.boai_grassroots
    transfer = member.events.get(kind="transferred")
    assert transfer.from_union == org_tree.xiuwu_grassroots and transfer.to_union == org_tree.boai_grassroots
    assert selectors.union_of(worker) == org_tree.boai_grassroots


def test_staff_end_a_membership_with_a_reason(member, worker, xiuwu_staff, boai_staff):
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=boai_staff, membership=member, reason="重复登记")
    with pytest.raises(ValidationError):
        services.membership_end(actor=xiuwu_staff, membership=member, reason="")
    services.membership_end(actor=xiuwu_staff, membership=member, reason="已调离本市")
    member.refresh_from_db()
    assert member.status == "ended" and selectors.union_of(worker) is None


def test_unions_of_many_users_in_two_queries(member, worker, other_worker, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        found = selectors.unions_of([worker, other_worker])
    assert found == {worker.pk: member.union}


def test_core_link_asks_organizing(member, worker, other_worker):
    assert membership_link.union_of(worker) == member.union
    assert membership_link.union_of(other_worker) is None


def test_training_uses_the_membership_union(member, worker, org_tree):
    from apps.training.services import participant_organization, participant_set_organization

    participant_set_organization(user=worker, organization=org_tree.boai_grassroots)
    assert participant_organization(worker) == org_tree.xiuwu_grassroots


def test_catch_all_applications_are_announced_to_the_county_staff(worker, bare_enterprise, xiuwu_staff, boai_staff,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        apply(worker, enterprise=bare_enterprise)
    assert Notification.objects.filter(recipient=xiuwu_staff, title__contains="新的入会申请").exists()
    assert not Notification.objects.filter(recipient=boai_staff).exists()


def test_home_section_and_me_section(client, member, worker):
    assert "网上入会" in client.get("/").content.decode()
    client.force_login(worker)
    assert "电子会员卡" in client.get("/me/").content.decode()
