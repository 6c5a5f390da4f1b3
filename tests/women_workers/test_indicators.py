from __future__ import annotations

import pytest
from django.utils import timezone

from apps.core.indicators import all_indicators
from apps.women_workers import services

from .conftest import arrangement_data

pytestmark = pytest.mark.django_db


def test_indicators_count_the_subtree(member, grassroots_staff, xiuwu_staff, org_tree,
                                      django_assert_max_num_queries):
    arrangement = services.arrangement_request(actor=member, data=arrangement_data())
    services.arrangement_record_negotiation(actor=grassroots_staff, arrangement=arrangement, outcome="agreed",
                                            note="同意")
    family = services.family_register(actor=xiuwu_staff, data={
        "member_name": "李娟", "member_role": "护士", "deployed_to": "武汉", "family_contact": "王刚",
        "family_phone": "13812345678", "address": "", "district": org_tree.xiuwu}, needs=["老人就医"])
    services.family_assign_helpers(actor=xiuwu_staff, family=family, helpers=[grassroots_staff])
    services.visit_log(actor=grassroots_staff, family=family, visited_on=timezone.localdate(), help_given="慰问")
    services.need_solve(actor=grassroots_staff, need=family.needs.get())
    indicators = all_indicators()
    today = timezone.localdate()
    orgs = [org_tree.city, org_tree.xiuwu, org_tree.boai]
    expected = {"arrangements_agreed": 1, "families_paired": 1, "visits_made": 1, "needs_solved": 1}
    for name, value in expected.items():
        with django_assert_max_num_queries(2):
            result = indicators[f"women_workers.{name}"].compute(orgs, today.replace(month=1, day=1), today)
        assert result == {org_tree.city.pk: value, org_tree.xiuwu.pk: value, org_tree.boai.pk: 0}, name
    assert {"women_workers.counselling_held", "women_workers.crisis_alerts"} <= set(indicators)
