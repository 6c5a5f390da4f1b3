"""Two applications with one ID number at the same moment give one application (PostgreSQL)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.organizing import services
from apps.organizing.models import Membership, MembershipApplication
from tests.conftest import require_postgres
from tests.factories import UserFactory
from tests.races import race

from .conftest import apply

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_applications_with_one_id_give_one(union_enterprise):
    require_postgres()
    first, second = UserFactory(), UserFactory()
    outcomes = race([lambda: apply(first, enterprise=union_enterprise),
                      lambda: apply(second, enterprise=union_enterprise)])
    assert sum(isinstance(o, MembershipApplication) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert MembershipApplication.objects.count() == 1


def test_two_simultaneous_approvals_give_one_member(worker, union_enterprise, xiuwu_staff, grassroots_staff):
    require_postgres()
    application = apply(worker, enterprise=union_enterprise)
    outcomes = race([lambda: services.application_approve(actor=xiuwu_staff, application=application),
                      lambda: services.application_approve(actor=grassroots_staff, application=application)])
    assert sum(isinstance(o, Membership) for o in outcomes) == 1
    assert Membership.objects.count() == 1


def test_simultaneous_approvals_in_one_county_take_distinct_numbers(union_enterprise, xiuwu_staff):
    require_postgres()
    applications = [apply(UserFactory(), enterprise=union_enterprise, serial=n) for n in range(1, 5)]
    outcomes = race([lambda a=a: services.application_approve(actor=xiuwu_staff, application=a)
                      for a in applications])
    numbers = {o.member_number for o in outcomes if isinstance(o, Membership)}
    assert len(numbers) == 4
