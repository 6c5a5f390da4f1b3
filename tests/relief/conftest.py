from __future__ import annotations

from decimal import Decimal

import pytest

from apps.accounts.roles import Role
from apps.relief import services
from apps.relief.models import Cause, Tier
from tests.factories import EnterpriseFactory, make_staff

from .factories import allocate, make_fund


@pytest.fixture
def city_dept(org_tree):
    return make_staff(org_tree.city, Role.CITY_DEPARTMENT, username="city_dept")


@pytest.fixture
def city_staff_2(org_tree):
    """A second city officer: the first one may have entered or reviewed something already."""
    return make_staff(org_tree.city, Role.CITY_OFFICE, username="city_office_2")


@pytest.fixture
def ruleset(city_staff):
    return services.tier_rules_save(actor=city_staff, note="首版", rows=[
        {"tier": Tier.FIRST, "cause": Cause.INFECTION, "income_ceiling": Decimal("800"), "amount": Decimal("5000"),
         "max_amount": Decimal("8000")},
        {"tier": Tier.SECOND, "cause": "", "income_ceiling": Decimal("1000"), "amount": Decimal("3000"),
         "max_amount": Decimal("4000")},
        {"tier": Tier.THIRD, "cause": "", "income_ceiling": Decimal("1500"), "amount": Decimal("1000"),
         "max_amount": Decimal("2000")},
    ])


@pytest.fixture
def fund(city_staff):
    return make_fund(city_staff, "100000.00")


@pytest.fixture
def xiuwu_account(city_staff, fund, org_tree):
    return allocate(city_staff, fund, org_tree.xiuwu, "20000.00")


@pytest.fixture
def member(worker, org_tree, grassroots_staff):
    """张伟, an active member of the 修武县 grassroots union (through the real membership app)."""
    from apps.organizing import services as organizing
    from tests.organizing.conftest import apply

    enterprise = EnterpriseFactory(name="修武县恒达机械制造有限公司", district=org_tree.xiuwu, has_union=True,
                                   union=org_tree.xiuwu_grassroots)
    organizing.application_approve(actor=grassroots_staff, application=apply(worker, enterprise=enterprise))
    return worker


def facts(**extra):
    data = {"real_name": "张伟", "workplace": "修武县恒达机械", "cause": Cause.INFECTION, "household_size": 4,
            "household_income": Decimal("2400"), "description": "本人感染住院，家庭收入锐减。",
            "sensitive_consent": True}
    data.update(extra)
    return data


def pay_through(application, *, county_staff, city_staff, account, amount="5000.00", payer=None):
    """Take an application entered by a grassroots union through county and city review, then pay it."""
    from apps.relief.models import AidApplication
    from tests.factories import make_staff

    services.aid_approve(actor=county_staff, application=application)
    services.aid_approve(actor=city_staff, application=application, tier=Tier.FIRST, amount=Decimal(amount),
                         account=account)
    payer = payer or make_staff(account.organization, Role.COUNTY_STAFF, username=f"cashier_{application.pk}")
    services.aid_pay(actor=payer, application=application)
    return AidApplication.objects.get(pk=application.pk)
