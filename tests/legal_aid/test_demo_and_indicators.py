from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from apps.core.indicators import all_indicators
from apps.legal_aid.models import Consultation, PublishedAnswer, RiskScreening

from .conftest import ask

pytestmark = pytest.mark.django_db


def test_indicators_count_the_subtree(xiuwu_member, wages, org_tree, lawyer):
    from apps.legal_aid import services

    consultation = ask(xiuwu_member, wages)
    services.consultation_claim(lawyer=lawyer, consultation=consultation)
    services.consultation_answer(lawyer=lawyer, consultation=consultation, body="答复")
    indicators = all_indicators()
    today = date.today()
    received = indicators["legal_aid.consultations_received"].compute([org_tree.xiuwu, org_tree.boai],
                                                                      date(today.year, 1, 1), today)
    assert received == {org_tree.xiuwu.pk: 1, org_tree.boai.pk: 0}
    answered = indicators["legal_aid.consultations_answered"].compute([org_tree.city], date(today.year, 1, 1),
                                                                      today)
    assert answered[org_tree.city.pk] == 1


def test_demo_seeds_every_state_and_is_repeatable():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Consultation.objects.count() == 40
    assert set(Consultation.objects.values_list("status", flat=True)) == set(Consultation.Status.values)
    assert set(RiskScreening.objects.values_list("level", flat=True)) == set(RiskScreening.Level.values)
    assert PublishedAnswer.objects.filter(status="published").exists()
