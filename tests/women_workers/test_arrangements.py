from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.notifications.models import Notification
from apps.women_workers import services
from apps.women_workers.models import Arrangement

from .conftest import arrangement_data

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = arrangement_data(**overrides)
    return {k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)) for k, v in data.items()}


def test_worker_asks_and_her_union_gets_the_request(client, member, org_tree):
    client.force_login(member)
    response = client.post(reverse("women_workers:arrangement_new"), _form())
    arrangement = Arrangement.objects.get()
    assert response.status_code == 302
    assert arrangement.union == org_tree.xiuwu_grassroots and arrangement.status == "submitted"


def test_non_member_is_told_to_join_and_nothing_is_saved(client, worker, unions):
    client.force_login(worker)
    response = client.post(reverse("women_workers:arrangement_new"), _form())
    assert response.status_code == 400
    assert "加入工会" in response.content.decode()
    assert not Arrangement.objects.exists()


@pytest.mark.parametrize("overrides, field, text", [
    ({"ends_on": timezone.localdate()}, "ends_on", "结束日期不能早于开始日期"),
    ({"period": "nursing"}, "child_birth_date", "请填写子女出生日期"),
    ({"period": "nursing", "child_birth_date": timezone.localdate() - timedelta(days=300)}, "ends_on", "满一周岁"),
    ({"ends_on": timezone.localdate().replace(year=9999)}, "ends_on", "不能晚于"),
    ({"kind": "javascript:alert(1)"}, "kind", "选择一个有效的选项"),
])
def test_bad_input_is_refused_next_to_the_field(client, member, overrides, field, text):
    client.force_login(member)
    response = client.post(reverse("women_workers:arrangement_new"), _form(**overrides))
    assert response.status_code == 400
    assert text in str(response.context["form"].errors.get(field, ""))
    assert not Arrangement.objects.exists()


def test_service_refuses_nursing_past_first_birthday_too(member):
    born = timezone.localdate() - timedelta(days=200)
    with pytest.raises(ValidationError) as caught:
        services.arrangement_request(actor=member, data=arrangement_data(
            period="nursing", child_birth_date=born, starts_on=born + timedelta(days=200),
            ends_on=born.replace(year=born.year + 1)))
    assert "ends_on" in caught.value.error_dict


def test_union_records_outcome_and_she_is_told_and_sees_it_on_me(client, member, grassroots_staff,
                                                                django_capture_on_commit_callbacks):
    arrangement = services.arrangement_request(actor=member, data=arrangement_data())
    client.force_login(grassroots_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("women_workers:arrangement_detail", args=[arrangement.pk]), {
            "outcome": "agreed", "note": "与人事部协商，同意居家办公", "outcome_note": "单位同意您 3 个月居家办公"})
    assert response.status_code == 302
    arrangement.refresh_from_db()
    assert arrangement.status == "agreed" and arrangement.decided_at
    assert Notification.objects.filter(recipient=member, title__contains="已达成").exists()
    assert AuditLog.objects.filter(action="women.arrangement.negotiated").exists()
    client.force_login(member)
    me = client.get(reverse("core:me")).content.decode()
    assert "特殊时期安排" in me and "已达成" in me
    page = client.get(reverse("women_workers:my_arrangement", args=[arrangement.pk])).content.decode()
    assert "单位同意您 3 个月居家办公" in page


def test_closed_request_cannot_be_renegotiated(member, grassroots_staff):
    arrangement = services.arrangement_request(actor=member, data=arrangement_data())
    services.arrangement_record_negotiation(actor=grassroots_staff, arrangement=arrangement, outcome="refused",
                                            note="企业不同意")
    with pytest.raises(ValidationError):
        services.arrangement_record_negotiation(actor=grassroots_staff, arrangement=arrangement, outcome="agreed",
                                                note="再谈")


def test_union_asks_on_her_behalf_only_for_its_own_members(member, other_worker, unions, org_tree,
                                                          grassroots_staff):
    arrangement = services.arrangement_request(actor=grassroots_staff, worker=member, data=arrangement_data())
    assert arrangement.submitted_by == grassroots_staff
    unions[other_worker.pk] = org_tree.boai_grassroots
    with pytest.raises(PermissionDenied):
        services.arrangement_request(actor=grassroots_staff, worker=other_worker, data=arrangement_data())


def test_outsiders_get_404(client, member, other_worker, boai_staff):
    arrangement = services.arrangement_request(actor=member, data=arrangement_data())
    client.force_login(other_worker)
    assert client.get(reverse("women_workers:my_arrangement", args=[arrangement.pk])).status_code == 404
    client.force_login(boai_staff)
    assert client.get(reverse("women_workers:arrangement_detail", args=[arrangement.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.arrangement_record_negotiation(actor=boai_staff, arrangement=arrangement, outcome="agreed", note="x")


def test_worker_cannot_open_the_staff_queue(client, member):
    client.force_login(member)
    assert client.get(reverse("women_workers:arrangement_list")).status_code == 403


def test_department_of_the_subtree_sees_it_and_the_view_is_audited(client, member, xiuwu_staff):
    arrangement = services.arrangement_request(actor=member, data=arrangement_data())
    client.force_login(xiuwu_staff)
    assert client.get(reverse("women_workers:arrangement_detail", args=[arrangement.pk])).status_code == 200
    assert AuditLog.objects.filter(action="women.arrangement.viewed", actor=xiuwu_staff,
                                   target_id=str(arrangement.pk)).exists()


def test_county_sees_counts_by_employer_and_outcome(client, member, xiuwu_staff, grassroots_staff):
    for outcome in ("agreed", "refused"):
        arrangement = services.arrangement_request(actor=member, data=arrangement_data())
        services.arrangement_record_negotiation(actor=grassroots_staff, arrangement=arrangement, outcome=outcome,
                                                note="协商")
    client.force_login(xiuwu_staff)
    response = client.get(reverse("women_workers:arrangement_summary"))
    row = response.context["rows"][0]
    assert row["employer"] == "修武县恒达机械制造有限公司" and row["total"] == 2
    assert row["agreed"] == 1 and row["refused"] == 1


def test_queue_runs_a_fixed_number_of_queries(client, member, xiuwu_staff, django_assert_max_num_queries):
    for _ in range(25):
        services.arrangement_request(actor=member, data=arrangement_data())
    client.force_login(xiuwu_staff)
    client.get(reverse("women_workers:arrangement_list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("women_workers:arrangement_list"))
    assert len(response.context["page_obj"]) == 20
