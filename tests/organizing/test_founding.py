"""Enterprises without a union, founding plans, founding a union in the tree, coverage."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.models import Organization
from apps.notifications.models import Notification
from apps.organizing import selectors, services
from apps.organizing.models import FoundingPlan
from tests.factories import EnterpriseFactory, UserFactory

from .conftest import apply

pytestmark = pytest.mark.django_db


def _ready_plan(actor, enterprise):
    services.plan_save(actor=actor, enterprise=enterprise, data={"contact_name": "王经理", "status": "contacted"})
    return services.plan_save(actor=actor, enterprise=enterprise, data={"status": "preparing"})


def test_list_puts_25_or_more_first_and_flags_ready_to_found(client, org_tree, xiuwu_staff, bare_enterprise,
                                                             django_assert_max_num_queries):
    small = EnterpriseFactory(district=org_tree.xiuwu, employee_count=8)
    EnterpriseFactory(district=org_tree.boai, employee_count=500)
    for serial in range(1, 4):
        services.application_approve(actor=xiuwu_staff,
                                     application=apply(UserFactory(), enterprise=bare_enterprise, serial=serial))
    for _ in range(25):
        EnterpriseFactory(district=org_tree.xiuwu, employee_count=30)
    client.force_login(xiuwu_staff)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("organizing:unorganized_list"))
    rows = list(response.context["page_obj"])
    assert response.context["page_obj"].paginator.count == 27
    assert all(e.district == org_tree.xiuwu for e in rows)
    assert rows[-1] == small  # after every enterprise of 25 or more
    assert 'data-testid="ready-flag"' in response.content.decode()
    ready = client.get(reverse("organizing:unorganized_list"), {"ready": "1"}).context["page_obj"]
    assert [e.pk for e in ready] == [bare_enterprise.pk]


def test_plan_moves_through_its_states_and_illegal_moves_fail(xiuwu_staff, bare_enterprise):
    plan = services.plan_save(actor=xiuwu_staff, enterprise=bare_enterprise, data={"planned_date": dt.date(2026, 6, 1)})
    assert plan.status == "not_started" and plan.county == bare_enterprise.district
    with pytest.raises(ValidationError):
        services.plan_save(actor=xiuwu_staff, enterprise=bare_enterprise, data={"status": "preparing"})
    with pytest.raises(ValidationError):
        services.plan_save(actor=xiuwu_staff, enterprise=bare_enterprise, data={"planned_date": dt.date(9999, 1, 1)})


def test_other_district_cannot_plan(boai_staff, bare_enterprise):
    with pytest.raises(PermissionDenied):
        services.plan_save(actor=boai_staff, enterprise=bare_enterprise, data={})


def test_founding_creates_the_union_and_offers_members_the_transfer(
        xiuwu_staff, bare_enterprise, worker, org_tree, django_capture_on_commit_callbacks):
    member = services.application_approve(actor=xiuwu_staff, application=apply(worker, enterprise=bare_enterprise))
    plan = _ready_plan(xiuwu_staff, bare_enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        union = services.plan_found(actor=xiuwu_staff, plan=plan, union_name="修武县丰收面粉有限公司工会",
                                    founded_on=dt.date(2026, 3, 1))
    assert union.parent == org_tree.xiuwu and union.org_type == Organization.Type.GRASSROOTS
    assert union.code.startswith("410821G") and union.path == org_tree.xiuwu.path + union.code + "/"
    bare_enterprise.refresh_from_db()
    assert bare_enterprise.has_union and bare_enterprise.union == union
    assert union.organizing_profile.term_end == dt.date(2031, 3, 1)
    assert Notification.objects.filter(recipient=worker, title__contains="已成立工会").exists()
    # Accepting the offer moves the member into the new union.
    services.membership_transfer(actor=worker, membership=member, enterprise=bare_enterprise)
    assert selectors.union_of(worker) == union
    plan.refresh_from_db()
    assert plan.status == FoundingPlan.Status.FOUNDED


def test_founding_needs_preparing_and_a_name(xiuwu_staff, bare_enterprise):
    plan = services.plan_save(actor=xiuwu_staff, enterprise=bare_enterprise, data={})
    with pytest.raises(ValidationError):
        services.plan_found(actor=xiuwu_staff, plan=plan, union_name="工会", founded_on=dt.date(2026, 3, 1))
    plan = _ready_plan(xiuwu_staff, bare_enterprise)
    with pytest.raises(ValidationError):
        services.plan_found(actor=xiuwu_staff, plan=plan, union_name=" ", founded_on=dt.date(2026, 3, 1))


def test_plan_page_bad_input_and_other_district_404(client, xiuwu_staff, boai_staff, bare_enterprise):
    client.force_login(boai_staff)
    assert client.get(reverse("organizing:plan_edit", args=[bare_enterprise.pk])).status_code == 404
    client.force_login(xiuwu_staff)
    url = reverse("organizing:plan_edit", args=[bare_enterprise.pk])
    response = client.post(url, {"action": "plan", "planned_date": "9999-01-01", "status": "not_started"})
    assert "日期超出合理范围" in response.content.decode()
    assert not FoundingPlan.objects.exists()
    response = client.post(url, {"action": "note", "noted_on": "2026-03-01", "text": "上门走访"})
    assert "请先保存建会预案" in response.content.decode()
    client.post(url, {"action": "plan", "contact_name": "王经理", "status": "not_started"})
    client.post(url, {"action": "note", "noted_on": "2026-03-01", "text": "上门走访"})
    assert FoundingPlan.objects.get().notes.get().text == "上门走访"


def test_coverage_counts_per_district_and_exports_excel(client, org_tree, city_staff, xiuwu_staff, union_enterprise,
                                                        bare_enterprise, django_assert_max_num_queries):
    EnterpriseFactory(district=org_tree.boai, employee_count=100, name="=HYPERLINK(\"x\")")
    client.force_login(xiuwu_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("organizing:coverage"))
    rows = response.context["rows"]
    assert [r["county"] for r in rows] == [org_tree.xiuwu]
    assert rows[0]["enterprises"] == 2 and rows[0]["with_union"] == 1
    assert rows[0]["union_rate"] == 50.0 and rows[0]["employee_rate"] == round(100 * 50 / 110, 1)
    client.force_login(city_staff)
    workbook = load_workbook(io.BytesIO(client.get(reverse("organizing:coverage"), {"format": "xlsx"}).getvalue()))
    values = [[c.value for c in r] for r in workbook.active.iter_rows()]
    assert values[0][0] == "县（市、区）" and len(values) == 3


def test_staff_lists_answer_in_a_fixed_number_of_queries(client, org_tree, xiuwu_staff, django_assert_max_num_queries):
    from apps.organizing.models import SocialWorker

    for n in range(30):
        enterprise = EnterpriseFactory(district=org_tree.xiuwu, employee_count=30 + n)
        services.plan_save(actor=xiuwu_staff, enterprise=enterprise, data={"contact_name": f"联系人{n}"})
        SocialWorker.objects.create(name=f"社工{n}", phone="13900000000", union=org_tree.xiuwu_grassroots,
                                    team="防控组", assigned_since=dt.date(2026, 1, 1), team_role="排查",
                                    registered_by=xiuwu_staff)
    client.force_login(xiuwu_staff)
    for name in ["organizing:plan_list", "organizing:social_worker_list", "organizing:census_list"]:
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
