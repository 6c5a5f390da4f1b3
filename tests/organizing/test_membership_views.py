"""The /join/ pages, the card and its verification, staff review: who may see what."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organizing import services
from apps.organizing.models import Membership, MembershipApplication
from tests.factories import UserFactory

from .conftest import apply, id_number

pytestmark = pytest.mark.django_db


def test_join_landing_is_public(client):
    assert client.get(reverse("organizing:join")).status_code == 200


def _step1(client, **data):
    return client.post(reverse("organizing:apply", args=[1]), {"real_name": "张伟", "id_number": id_number(1), **data})


def test_three_steps_submit_an_application(client, worker, bare_enterprise, org_tree):
    client.force_login(worker)
    assert _step1(client).status_code == 302
    page = client.get(reverse("organizing:apply", args=[2]), {"q": "丰收面粉"}).content.decode()
    assert "修武县丰收面粉有限公司" in page
    assert client.post(reverse("organizing:apply", args=[2]), {"enterprise": bare_enterprise.pk}).status_code == 302
    response = client.post(reverse("organizing:apply", args=[3]),
                           {"occupation": "外卖骑手", "new_form_work": "delivery", "agree": "on"})
    assert response.status_code == 302
    application = MembershipApplication.objects.get()
    assert application.new_form_work == "delivery" and application.union.parent == org_tree.xiuwu
    assert "organizing_join_draft" not in client.session


def test_step_one_bad_id_number_shows_a_message_next_to_the_field(client, worker):
    client.force_login(worker)
    response = _step1(client, id_number="410821199001010010")
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert "organizing_join_draft" not in client.session


def test_step_one_nul_byte_in_name_is_refused(client, worker):
    client.force_login(worker)
    response = _step1(client, real_name="张\x00伟")
    assert response.status_code == 400  # core's NUL-byte guard answers before the form
    assert "organizing_join_draft" not in client.session


def test_step_one_id_already_a_member(client, member, other_worker):
    client.force_login(other_worker)
    response = _step1(client)
    assert "已是工会会员" in response.content.decode()


def test_step_two_needs_an_employer_or_a_district(client, worker):
    client.force_login(worker)
    _step1(client)
    response = client.post(reverse("organizing:apply", args=[2]), {})
    assert "请先搜索并选择工作单位" in response.content.decode()
    response = client.post(reverse("organizing:apply", args=[2]), {"no_fixed_employer": "on"})
    assert "请选择您所在的县" in response.content.decode()
    response = client.post(reverse("organizing:apply", args=[2]), {"enterprise": "99999999"})
    assert response.status_code == 200


def test_step_three_needs_occupation_and_consent(client, worker, bare_enterprise):
    client.force_login(worker)
    _step1(client)
    client.post(reverse("organizing:apply", args=[2]), {"enterprise": bare_enterprise.pk})
    response = client.post(reverse("organizing:apply", args=[3]), {"occupation": "", "new_form_work": "pilot"})
    assert response.status_code == 200
    assert not MembershipApplication.objects.exists()


def test_later_steps_without_the_first_go_back(client, worker):
    client.force_login(worker)
    assert client.get(reverse("organizing:apply", args=[3])).url == reverse("organizing:apply", args=[1])


def test_member_card_shows_qr_and_someone_elses_is_404(client, member, worker, other_worker):
    client.force_login(worker)
    page = client.get(reverse("organizing:card", args=[member.pk])).content.decode()
    assert member.member_number in page and "<svg" in page
    client.force_login(other_worker)
    assert client.get(reverse("organizing:card", args=[member.pk])).status_code == 404


def test_verification_shows_only_masked_name_union_and_validity(client, member):
    page = client.get(reverse("organizing:verify", args=[member.verify_token])).content.decode()
    assert "张*" in page and "张伟" not in page and str(member.union) in page and "有效" in page
    assert member.member_number not in page and member.id_masked not in page


def test_verification_of_an_unknown_address_is_404(client, member):
    assert client.get(reverse("organizing:verify", args=["nope" * 3])).status_code == 404
    assert client.get(reverse("organizing:verify", args=[member.member_number])).status_code == 404


def test_leave_and_transfer_from_the_card(client, member, worker, boai_enterprise):
    client.force_login(worker)
    response = client.post(reverse("organizing:transfer"), {"enterprise": boai_enterprise.pk})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.union == boai_enterprise.union
    client.post(reverse("organizing:leave"))
    member.refresh_from_db()
    assert member.is_active  # not confirmed
    client.post(reverse("organizing:leave"), {"confirm": "yes"})
    member.refresh_from_db()
    assert member.status == Membership.Status.LEFT


def test_transfer_to_the_same_union_is_refused_with_a_message(client, member, worker, union_enterprise):
    client.force_login(worker)
    response = client.post(reverse("organizing:transfer"), {"enterprise": union_enterprise.pk})
    assert response.status_code == 200 and "无需转会" in response.content.decode()


# --- staff -------------------------------------------------------------------------------------

def test_workers_cannot_open_the_staff_list(client, worker):
    client.force_login(worker)
    assert client.get(reverse("organizing:application_list")).status_code == 403


def test_staff_list_is_scoped_and_query_count_fixed(client, org_tree, union_enterprise, boai_enterprise, xiuwu_staff,
                                                    grassroots_staff, boai_staff, django_assert_max_num_queries):
    for n in range(1, 26):
        apply(UserFactory(), enterprise=union_enterprise, serial=n, new_form_work="courier" if n % 2 else "")
    apply(UserFactory(), enterprise=boai_enterprise, serial=900)
    client.force_login(xiuwu_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("organizing:application_list"))
    assert response.context["page_obj"].paginator.count == 25
    client.force_login(boai_staff)
    assert client.get(reverse("organizing:application_list")).context["page_obj"].paginator.count == 1
    client.force_login(grassroots_staff)
    assert client.get(reverse("organizing:application_list")).context["page_obj"].paginator.count == 25


def test_approving_another_districts_application_is_404(client, worker, union_enterprise, boai_staff):
    application = apply(worker, enterprise=union_enterprise)
    client.force_login(boai_staff)
    url = reverse("organizing:application_detail", args=[application.pk])
    assert client.post(url, {"action": "approve"}).status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_staff_approve_and_return_through_the_page(client, worker, other_worker, union_enterprise, xiuwu_staff):
    first = apply(worker, enterprise=union_enterprise)
    second = apply(other_worker, enterprise=union_enterprise, serial=2)
    client.force_login(xiuwu_staff)
    client.post(reverse("organizing:application_detail", args=[first.pk]), {"action": "approve"})
    assert Membership.objects.filter(user=worker).exists()
    url = reverse("organizing:application_detail", args=[second.pk])
    response = client.post(url, {"action": "return", "reason": ""})
    assert response.status_code == 200 and "必填" in response.content.decode()
    client.post(url, {"action": "return", "reason": "请补充单位"})
    second.refresh_from_db()
    assert second.status == "returned"


def test_member_list_scoped_and_end_with_reason(client, member, xiuwu_staff, boai_staff,
                                                django_assert_max_num_queries):
    client.force_login(boai_staff)
    assert client.get(reverse("organizing:member_detail", args=[member.pk])).status_code == 404
    client.force_login(xiuwu_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organizing:member_list")).context["page_obj"].paginator.count == 1
    response = client.post(reverse("organizing:member_detail", args=[member.pk]), {"reason": ""})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.is_active
    client.post(reverse("organizing:member_detail", args=[member.pk]), {"reason": "调离本市"})
    member.refresh_from_db()
    assert member.status == "ended"


def test_catch_all_union_created_by_staff_only_in_scope(client, org_tree, xiuwu_staff):
    client.force_login(xiuwu_staff)
    client.post(reverse("organizing:catch_all_list"), {"county": org_tree.boai.pk})
    client.post(reverse("organizing:catch_all_list"), {"county": org_tree.xiuwu.pk})
    assert services.catch_all_union_for(county=org_tree.xiuwu).parent == org_tree.xiuwu
    from apps.organizing.models import UnionProfile
    assert list(UnionProfile.objects.filter(is_catch_all=True).values_list("county", flat=True)) == [org_tree.xiuwu.pk]


def test_withdraw_own_application_only(client, worker, other_worker, union_enterprise):
    application = apply(worker, enterprise=union_enterprise)
    client.force_login(other_worker)
    url = reverse("organizing:application_withdraw", args=[application.pk])
    assert client.post(url).status_code == 404
    client.force_login(worker)
    client.post(url)
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_training_pages_show_a_members_union_instead_of_the_picker(client, member, worker, org_tree):
    from tests.training.factories import CourseFactory, LessonFactory

    course = CourseFactory(organization=org_tree.city)
    LessonFactory(course=course, order=1)
    client.force_login(worker)
    page = client.get(reverse("training:course_detail", args=[course.pk])).content.decode()
    assert 'data-testid="member-union"' in page and str(member.union) in page
    client.post(reverse("training:course_enrol", args=[course.pk]), {"organization": org_tree.boai_grassroots.pk})
    from apps.training.models import Enrollment
    assert Enrollment.objects.get(user=worker, course=course).organization == member.union
