from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.protection.models import AnkangEntry, Hazard, HealthDailyFigure, ResumptionPlan


@pytest.mark.django_db
def test_seed_demo_covers_every_state_and_is_repeatable():
    call_command("seed_demo", verbosity=0)
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert statuses == set(Hazard.Status.values)
    assert set(Hazard.objects.values_list("level", flat=True)) == set(Hazard.Level.values)
    assert set(ResumptionPlan.objects.values_list("status", flat=True)) == set(ResumptionPlan.Status.values)
    assert Hazard.objects.filter(escalations__isnull=False).exists()
    assert HealthDailyFigure.objects.exists() and AnkangEntry.objects.filter(is_winner=True).exists()
    count = Hazard.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Hazard.objects.count() == count
