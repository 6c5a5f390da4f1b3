from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core.registry import HonourRecommendation, honour_recommendations
from apps.women_workers import services
from apps.women_workers.models import CareFamily, CareNeed, Commendation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FAMILY = {"member_name": "李娟", "member_role": "护士", "deployed_to": "湖北省武汉市", "family_contact": "王刚",
          "family_phone": "13812345678", "address": "修武县城关镇"}


@pytest.fixture
def family(org_tree, xiuwu_staff):
    return services.family_register(actor=xiuwu_staff, data={**FAMILY, "district": org_tree.xiuwu},
                                    needs=["孩子网课无人辅导", "老人就医"])


def test_staff_register_a_family_with_needs(client, xiuwu_staff, org_tree):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("women_workers:family_new"), {
        **FAMILY, "district": org_tree.xiuwu.pk, "needs": "孩子网课无人辅导\n\n老人就医"})
    assert response.status_code == 302
    needs = list(CareFamily.objects.get().needs.values_list("description", flat=True))
    assert needs == ["孩子网课无人辅导", "老人就医"]


@pytest.mark.parametrize("overrides, field", [
    ({"family_phone": "123"}, "family_phone"), ({"needs": "   "}, "needs"), ({"member_name": ""}, "member_name")])
def test_bad_family_is_refused(client, xiuwu_staff, org_tree, overrides, field):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("women_workers:family_new"),
                           {**FAMILY, "district": org_tree.xiuwu.pk, "needs": "老人就医", **overrides})
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not CareFamily.objects.exists()


def test_other_district_cannot_register_in_or_see_ours(client, boai_staff, family, org_tree):
    with pytest.raises(PermissionDenied):
        services.family_register(actor=boai_staff, data={**FAMILY, "district": org_tree.xiuwu}, needs=["x"])
    client.force_login(boai_staff)
    assert client.get(reverse("women_workers:family_detail", args=[family.pk])).status_code == 404
    need = family.needs.first()
    assert client.post(reverse("women_workers:need_solve", args=[family.pk, need.pk])).status_code == 404


def test_helper_logs_visits_and_solves_needs(client, family, xiuwu_staff, org_tree):
    helper = UserFactory(organization=org_tree.xiuwu_grassroots)
    services.family_assign_helpers(actor=xiuwu_staff, family=family, helpers=[helper])
    client.force_login(helper)
    assert client.get(reverse("women_workers:family_list")).status_code == 200
    response = client.post(reverse("women_workers:family_detail", args=[family.pk]),
                           {"visited_on": timezone.localdate().isoformat(), "help_given": "送去蔬菜，辅导作业"})
    assert response.status_code == 302 and family.visits.count() == 1
    need = family.needs.first()
    client.post(reverse("women_workers:need_solve", args=[family.pk, need.pk]))
    need.refresh_from_db()
    assert need.solved_by == helper
    with pytest.raises(ValidationError):
        services.need_solve(actor=helper, need=need)


def test_visit_in_the_future_is_refused(client, family, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("women_workers:family_detail", args=[family.pk]), {
        "visited_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "help_given": "x"})
    assert response.status_code == 400 and "visited_on" in response.context["visit_form"].errors
    assert not family.visits.exists()


def test_a_stranger_cannot_log_a_visit(worker, family):
    with pytest.raises(PermissionDenied):
        services.visit_log(actor=worker, family=family, visited_on=timezone.localdate(), help_given="x")


def test_department_sees_open_needs_and_days_by_district(client, family, city_staff,
                                                         django_assert_max_num_queries):
    CareNeed.objects.filter(family=family).update(created_at=timezone.now() - timedelta(days=10))
    client.force_login(city_staff)
    client.get(reverse("women_workers:family_list"))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("women_workers:family_list"))
    row = response.context["by_district"][0]
    assert row["district"] == "修武县总工会" and row["open"] == 2 and row["oldest_days"] == 10


def test_commendation_is_recommended_reviewed_and_offered_to_publicity(grassroots_staff, xiuwu_staff, boai_staff,
                                                                     org_tree):
    commendation = services.commendation_recommend(actor=grassroots_staff, data={
        "kind": "march8", "name": "李娟", "organization": org_tree.xiuwu_grassroots, "workplace": "修武县人民医院",
        "front_line": True, "deeds": "驰援武汉 56 天"})
    with pytest.raises(PermissionDenied):  # nobody reviews their own union's recommendation
        services.commendation_review(actor=grassroots_staff, commendation=commendation, status="under_review")
    services.commendation_review(actor=xiuwu_staff, commendation=commendation, status="under_review")
    with pytest.raises(ValidationError):
        services.commendation_review(actor=xiuwu_staff, commendation=commendation, status="recommended")
    found = [item for provider in honour_recommendations for item in provider(xiuwu_staff)]
    assert found == [HonourRecommendation(kind="三八红旗手", name="李娟", organization_id=org_tree.xiuwu_grassroots.pk,
                                          summary="驰援武汉 56 天", front_line=True, source="women_workers",
                                          source_id=commendation.pk,
                                          url=reverse("women_workers:commendation_list") + f"#c{commendation.pk}")]
    assert [item for provider in honour_recommendations for item in provider(boai_staff)] == []
    assert Commendation.objects.get().status == "under_review"


def test_bad_commendation_is_refused(client, grassroots_staff, org_tree):
    client.force_login(grassroots_staff)
    response = client.post(reverse("women_workers:commendation_list"), {
        "kind": "march8", "name": "", "organization": org_tree.boai.pk, "workplace": "x", "deeds": ""})
    assert response.status_code == 400
    assert {"name", "organization", "deeds"} <= set(response.context["form"].errors)
    assert not Commendation.objects.exists()
