from __future__ import annotations

from datetime import date
from decimal import Decimal

from apps.core.indicators import all_indicators, subtree_totals
from apps.core.models import Enterprise, Organization
from tests.factories import EnterpriseFactory, make_organization


def test_subtree_totals_count_each_organisation_with_everything_below_it(org_tree, django_assert_num_queries):
    EnterpriseFactory.create_batch(3, district=org_tree.xiuwu)
    EnterpriseFactory.create_batch(2, district=org_tree.xiuwu, union=org_tree.xiuwu_grassroots)
    EnterpriseFactory.create_batch(4, district=org_tree.boai)
    organizations = [org_tree.city, org_tree.xiuwu, org_tree.boai, org_tree.xiuwu_grassroots, org_tree.industry]
    with django_assert_num_queries(1):
        by_union = subtree_totals(Enterprise.objects.all(), org_field="union", organizations=organizations)
    with django_assert_num_queries(1):
        by_district = subtree_totals(Enterprise.objects.all(), org_field="district", organizations=organizations)
    assert by_district == {org_tree.city.pk: 9, org_tree.xiuwu.pk: 5, org_tree.boai.pk: 4,
                           org_tree.xiuwu_grassroots.pk: 0, org_tree.industry.pk: 0}
    assert by_union[org_tree.xiuwu_grassroots.pk] == 2 and by_union[org_tree.xiuwu.pk] == 2
    assert by_union[org_tree.boai.pk] == 0


def test_subtree_totals_sum_values_and_ignore_lookalike_codes(org_tree):
    lookalike = make_organization("相似代码", Organization.Type.COUNTY, org_tree.city, code="4108219")
    EnterpriseFactory(district=org_tree.xiuwu, employee_count=30)
    EnterpriseFactory(district=lookalike, employee_count=7)
    totals = subtree_totals(Enterprise.objects.all(), org_field="district", organizations=[org_tree.xiuwu, lookalike],
                            value="employee_count")
    assert totals == {org_tree.xiuwu.pk: 30, lookalike.pk: 7}


def test_query_count_does_not_grow_with_organisations(org_tree, django_assert_num_queries):
    counties = [make_organization(f"县{n}", Organization.Type.COUNTY, org_tree.city) for n in range(40)]
    for county in counties[:10]:
        EnterpriseFactory(district=county)
    with django_assert_num_queries(1):
        totals = subtree_totals(Enterprise.objects.all(), org_field="district", organizations=counties)
    assert sum(totals.values()) == 10


def test_core_indicators_are_discovered_and_computed(org_tree):
    EnterpriseFactory(district=org_tree.xiuwu, has_union=True, union=org_tree.xiuwu_grassroots)
    indicators = all_indicators()
    assert {"core.enterprises_registered", "core.enterprises_with_union"} <= set(indicators)
    today = date.today()
    values = indicators["core.enterprises_registered"].compute([org_tree.xiuwu, org_tree.boai], today, today)
    assert values == {org_tree.xiuwu.pk: 1, org_tree.boai.pk: 0}
    assert isinstance(Decimal(values[org_tree.xiuwu.pk]), Decimal)


def test_period_from_params_falls_back_and_turns_round():
    from django.utils import timezone

    from apps.core.indicators import period_from_params

    today = timezone.localdate()
    assert period_from_params({}) == (date(today.year, 1, 1), today)
    assert period_from_params({"start": "2026-03-01", "end": "2026-02-01"}) == (date(2026, 2, 1), date(2026, 3, 1))
    assert period_from_params({"start": "2026-13-45", "end": "bad"}) == (date(today.year, 1, 1), today)
