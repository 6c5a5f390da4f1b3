"""Two people at once: one verification, one escalation per step, one plan (PostgreSQL, real threads)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.roles import Role
from apps.protection import services
from apps.protection.models import HazardEscalation, ResumptionPlan
from tests.conftest import require_postgres
from tests.factories import make_staff
from tests.races import race

from .factories import make_hazard, pdf, png
from .test_plans import checklist

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_verifying_at_once_close_it_once(org_tree, xiuwu_enterprise, xiuwu_staff, grassroots_staff):
    require_postgres()
    other = make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_other")
    hazard = make_hazard(xiuwu_enterprise)
    services.hazard_assign(actor=xiuwu_staff, hazard=hazard, level="general", responsible_person="李")
    services.hazard_rectify(actor=grassroots_staff, hazard=hazard, note="已整改", evidence=png())
    outcomes = race([lambda: services.hazard_verify(actor=xiuwu_staff, hazard=hazard),
                      lambda: services.hazard_verify(actor=other, hazard=hazard)])
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert hazard.events.filter(kind="verified").count() == 1


def test_two_beats_at_once_escalate_once(xiuwu_enterprise, xiuwu_staff, city_staff):
    require_postgres()
    make_hazard(xiuwu_enterprise, level="major", days_ago=10)
    outcomes = race([services.hazards_escalate, services.hazards_escalate])
    assert sum(outcomes) == 2  # the two steps, whichever beat sent each
    assert HazardEscalation.objects.count() == 2


def test_two_first_submissions_make_one_plan(xiuwu_enterprise, grassroots_staff):
    require_postgres()
    outcomes = race([lambda: services.plan_submit(actor=grassroots_staff, enterprise=xiuwu_enterprise,
                                                   checklist=checklist(), document=pdf())
                      for _ in range(2)])
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert ResumptionPlan.objects.count() == 1 and ResumptionPlan.objects.get().versions.count() == 1
