"""The relief dashboard: figures per child organisation in a fixed number of queries."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.relief import services
from apps.relief.models import AidApplication
from tests.factories import UserFactory, make_organization

from .conftest import facts, pay_through

pytestmark = pytest.mark.django_db


def _grow_children(parent, count):
    """``parent`` gets ``count`` grassroots unions in all, each with one application at the county."""
    have = list(parent.children.all())
    for n in range(len(have), count):
        union = make_organization(f"修武县测试基层工会{n}", parent=parent, code=f"410821T{n:02d}")
        AidApplication.objects.create(
            worker=UserFactory(), entered_by=UserFactory(), organization=union, real_name="李强",
            cause="illness", household_size=3, household_income=Decimal("1200"), description="患病住院",
            status=AidApplication.Status.COUNTY, submitted_at="2020-03-01T08:00:00+08:00")


def test_dashboard_queries_do_not_grow_with_child_organisations(
        client, xiuwu_staff, city_staff, grassroots_staff, worker, other_worker, org_tree, xiuwu_account, ruleset,
        django_assert_max_num_queries):
    for person in (worker, other_worker):  # two paid applications under one grassroots union
        entered = services.aid_apply(actor=grassroots_staff, worker=person, **facts())
        pay_through(entered, county_staff=xiuwu_staff, city_staff=city_staff, account=xiuwu_account,
                    amount="3000.00")
    _grow_children(org_tree.xiuwu, 2)
    client.force_login(xiuwu_staff)
    url = reverse("relief:dashboard")
    with CaptureQueriesContext(connection) as two:
        small = client.get(url)
    rows = small.context["districts"]
    assert [row["count"] for row in rows] == [2, 1]
    assert rows[0]["people"] == 2 and rows[0]["paid"] == Decimal("6000.00")
    assert rows[1]["people"] == 0 and rows[1]["paid"] is None

    _grow_children(org_tree.xiuwu, 12)
    with django_assert_max_num_queries(len(two.captured_queries)):
        large = client.get(url)
    assert len(large.context["districts"]) == 12
    assert "修武县测试基层工会11" in large.content.decode()
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert client.get(reverse("relief:dashboard_export")).status_code == 200
