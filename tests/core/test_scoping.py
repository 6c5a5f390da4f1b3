from __future__ import annotations

import pytest

from apps.core import selectors
from apps.core.models import Organization
from apps.core.scoping import can_act_for, org_scope_q


def test_county_staff_see_their_subtree_only(xiuwu_staff, org_tree):
    visible = set(selectors.organizations_for_user(xiuwu_staff))
    assert visible == {org_tree.xiuwu, org_tree.xiuwu_grassroots}


def test_city_staff_see_everything(city_staff, org_tree):
    assert selectors.organizations_for_user(city_staff).count() == Organization.objects.count()


def test_worker_sees_no_organisation(worker, org_tree):
    assert not selectors.organizations_for_user(worker).exists()
    assert not can_act_for(worker, org_tree.xiuwu)


def test_enterprises_are_scoped_by_district_and_union(xiuwu_staff, grassroots_staff, xiuwu_enterprise, boai_enterprise):
    assert list(selectors.enterprises_for_user(xiuwu_staff)) == [xiuwu_enterprise]
    assert list(selectors.enterprises_for_user(grassroots_staff)) == [xiuwu_enterprise]


def test_sibling_district_cannot_load_anothers_enterprise(boai_staff, xiuwu_enterprise):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_enterprise_for_user(boai_staff, xiuwu_enterprise.pk)


def test_path_prefix_does_not_leak_to_similar_codes(db, org_tree, xiuwu_staff):
    # "410821/" must not match an organisation whose code merely starts with 410821.
    from tests.factories import make_organization

    lookalike = make_organization("相似代码工会", Organization.Type.COUNTY, org_tree.city, code="4108219")
    assert not Organization.objects.filter(org_scope_q(xiuwu_staff), pk=lookalike.pk).exists()


def test_grassroots_staff_cannot_act_for_their_county(grassroots_staff, org_tree):
    assert can_act_for(grassroots_staff, org_tree.xiuwu_grassroots)
    assert not can_act_for(grassroots_staff, org_tree.xiuwu)


def test_county_of_an_organisation_comes_from_its_path(org_tree, django_assert_num_queries):
    assert org_tree.xiuwu.county == org_tree.xiuwu
    with django_assert_num_queries(1):
        assert org_tree.xiuwu_grassroots.county == org_tree.xiuwu
    assert org_tree.city.county is None
