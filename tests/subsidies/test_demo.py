from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.relief.models import FundAccount
from apps.relief.selectors import ledger_totals
from apps.subsidies.models import Application, DuesDeferral, PaymentBatch, PaymentItem
from apps.subsidies.selectors import signals_for


@pytest.mark.django_db
def test_seed_demo_covers_every_state_and_is_repeatable():
    call_command("seed_demo", verbosity=0)
    assert set(Application.objects.values_list("status", flat=True)) == set(Application.Status.values)
    assert set(DuesDeferral.objects.values_list("status", flat=True)) == set(DuesDeferral.Status.values)
    assert PaymentBatch.objects.filter(status="paid").exists()
    assert PaymentItem.objects.filter(status="returned").exists()
    signals = signals_for(Application.objects.all())
    assert sum(bool(found) for found in signals.values()) >= 4
    account = Application.objects.first().programme.fund_account
    account = FundAccount.objects.get(pk=account.pk)
    totals = ledger_totals(account)
    assert account.spent == totals["spent"] and account.reserved == totals["reserved"]
    count = Application.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Application.objects.count() == count
