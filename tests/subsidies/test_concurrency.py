"""Two people at once (PostgreSQL, real threads): one application per person, one batch, one debit."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.relief.models import Disbursement, FundAccount
from apps.subsidies import services
from apps.subsidies.models import Application, PaymentBatch, PaymentItem
from tests.conftest import require_postgres
from tests.races import race

from .factories import approved, make_programme, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_id_twice_at_once_is_saved_once(city_staff, worker, other_worker, xiuwu_enterprise):
    require_postgres()
    programme = make_programme(city_staff)
    outcomes = race([lambda: submit(programme, worker, xiuwu_enterprise, n=77),
                     lambda: submit(programme, other_worker, xiuwu_enterprise, n=77)])
    assert sum(isinstance(o, Application) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "每人限领一次" in str(refused[0])
    assert Application.objects.count() == 1


def test_one_application_added_to_two_batches_at_once_is_in_one(city_staff, worker, xiuwu_enterprise,
                                                                 grassroots_staff, xiuwu_staff):
    require_postgres()
    programme = make_programme(city_staff)
    application = approved(programme, worker, xiuwu_enterprise, union_staff=grassroots_staff,
                           county_staff=xiuwu_staff, city_staff=city_staff)
    first = services.batch_create(actor=city_staff, programme=programme)
    second = services.batch_create(actor=city_staff, programme=programme)
    outcomes = race([lambda: services.batch_add(actor=city_staff, batch=first, application=application),
                     lambda: services.batch_add(actor=city_staff, batch=second, application=application)])
    assert sum(isinstance(o, PaymentItem) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert PaymentItem.objects.filter(application=application).count() == 1


def test_marking_a_batch_paid_twice_at_once_debits_once(city_staff, worker, other_worker, xiuwu_enterprise,
                                                        grassroots_staff, xiuwu_staff):
    require_postgres()
    programme = make_programme(city_staff)
    people = {"union_staff": grassroots_staff, "county_staff": xiuwu_staff, "city_staff": city_staff}
    applications = [approved(programme, worker, xiuwu_enterprise, **people),
                    approved(programme, other_worker, xiuwu_enterprise, **people)]
    batch = services.batch_create(actor=city_staff, programme=programme, applications=applications)
    outcomes = race([lambda: services.batch_mark_paid(actor=city_staff, batch=batch) for _ in range(3)])
    assert all(isinstance(o, PaymentBatch) for o in outcomes)
    account = FundAccount.objects.get(pk=programme.fund_account_id)
    assert account.spent == Decimal("600.00") and account.available == Decimal("9400.00")
    assert Disbursement.objects.count() == 2
