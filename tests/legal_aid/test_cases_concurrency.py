"""Case numbers under load: simultaneous acceptances take consecutive numbers, a double click takes one
(real threads on PostgreSQL)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.legal_aid import services
from apps.legal_aid.models import CaseEntry, CaseNumberSequence, LegalAidCase
from tests.conftest import require_postgres
from tests.races import race

from .conftest import apply_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_acceptances_take_consecutive_numbers(xiuwu_member, wages, xiuwu_staff, city_staff):
    require_postgres()
    cases = [apply_case(xiuwu_member, wages, opponent_name=f"第{i}号公司") for i in range(6)]
    staff = [xiuwu_staff, city_staff]
    outcomes = race([lambda case=case, i=i: services.case_accept(actor=staff[i % 2], case=case)
                      for i, case in enumerate(cases)])
    assert all(isinstance(o, LegalAidCase) for o in outcomes), outcomes
    year = timezone.localdate().year
    numbers = sorted(LegalAidCase.objects.values_list("case_number", flat=True))
    assert numbers == [f"焦工援〔{year}〕{n:04d}" for n in range(1, 7)]
    assert CaseNumberSequence.objects.get(year=year).last == 6


def test_a_double_click_on_accept_gives_one_number(xiuwu_member, wages, xiuwu_staff, city_staff):
    require_postgres()
    case = apply_case(xiuwu_member, wages)
    outcomes = race([lambda: services.case_accept(actor=xiuwu_staff, case=case),
                      lambda: services.case_accept(actor=city_staff, case=case)])
    assert sum(isinstance(o, LegalAidCase) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "不能重复受理" in refused[0].messages[0]
    assert CaseNumberSequence.objects.get().last == 1
    assert CaseEntry.objects.filter(case=case).count() == 1


def test_the_same_stage_entry_sent_twice_at_once_is_recorded_once(xiuwu_member, wages, xiuwu_staff, lawyer):
    require_postgres()
    import uuid

    case = services.case_accept(actor=xiuwu_staff, case=apply_case(xiuwu_member, wages), lawyer=lawyer)
    key = uuid.uuid4()

    def send():
        return services.case_record_stage(actor=lawyer, case=case, stage="mediation",
                                          happened_on=timezone.localdate(), body="调解中。", request_key=key)

    outcomes = race([send, send])
    assert all(o == outcomes[0] for o in outcomes)
    assert CaseEntry.objects.filter(case=case, stage="mediation").count() == 1
