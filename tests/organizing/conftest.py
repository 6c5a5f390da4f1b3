from __future__ import annotations

import pytest
from stdnum.cn import ric

from apps.organizing import services
from tests.factories import EnterpriseFactory


def id_number(serial: int, birth: str = "19900101", area: str = "410821") -> str:
    body = f"{area}{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def union_enterprise(org_tree):
    """An enterprise of 修武县 with its own grassroots union."""
    return EnterpriseFactory(name="修武县恒达机械制造有限公司", district=org_tree.xiuwu, has_union=True,
                             union=org_tree.xiuwu_grassroots)


@pytest.fixture
def bare_enterprise(org_tree):
    """An enterprise of 修武县 without a union."""
    return EnterpriseFactory(name="修武县丰收面粉有限公司", district=org_tree.xiuwu, employee_count=60)


@pytest.fixture
def boai_enterprise(org_tree):
    return EnterpriseFactory(name="博爱县铸造有限公司", district=org_tree.boai, has_union=True,
                             union=org_tree.boai_grassroots)


def apply(user, *, enterprise=None, district=None, serial=1, new_form_work="", occupation="快递员"):
    return services.application_submit(
        user=user, real_name=user.real_name, id_number=id_number(serial), enterprise=enterprise,
        no_fixed_employer=enterprise is None, district=district, occupation=occupation, new_form_work=new_form_work)


@pytest.fixture
def member(worker, union_enterprise, grassroots_staff):
    application = apply(worker, enterprise=union_enterprise)
    return services.application_approve(actor=grassroots_staff, application=application)
