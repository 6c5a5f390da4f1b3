from __future__ import annotations

from datetime import date

import pytest

from apps.core.indicators import all_indicators

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
