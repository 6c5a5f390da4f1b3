from __future__ import annotations

import pytest

from apps.accounts.roles import Role
from tests.factories import EnterpriseFactory, make_staff


@pytest.fixture
def xiuwu_staff_2(org_tree):
    """A second officer of 修武县, to verify what the first rectified."""
    return make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_staff_2")


@pytest.fixture
def city_dept(org_tree):
    return make_staff(org_tree.city, Role.CITY_DEPARTMENT, username="city_dept")


@pytest.fixture
def unionless_enterprise(org_tree):
    """An enterprise in 修武县 without a union of its own."""
    return EnterpriseFactory(name="修武县无工会小厂", district=org_tree.xiuwu, union=None, has_union=False)


@pytest.fixture
def other_grassroots_enterprise(org_tree):
    """Another enterprise in 修武县 with a different union: the grassroots persona must not see it."""
    from tests.factories import make_organization

    union = make_organization("修武县另一家工会", parent=org_tree.xiuwu, code="410821G09")
    return EnterpriseFactory(name="修武县另一家企业", district=org_tree.xiuwu, union=union, has_union=True)
