"""The fund ledger: allocations down the tree, reservations, disbursements, reversals; balances from the ledger."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from apps.core.models import AuditLog
from apps.relief import selectors, services
from apps.relief.models import FundAccount, LedgerEntry, Reservation

from .factories import allocate, make_fund, root_account

pytestmark = pytest.mark.django_db


def _agrees_with_ledger(account):
    account.refresh_from_db()
    totals = selectors.ledger_totals(account)
    assert {k: getattr(account, k) for k in totals} == totals


def test_fund_total_lands_in_the_city_account(city_staff):
    fund = make_fund(city_staff, "1000.50")
    account = root_account(fund)
    assert account.available == Decimal("1000.50") and account.received == Decimal("1000.50")
    _agrees_with_ledger(account)
    assert AuditLog.objects.filter(action="relief.fund.created").exists()


def test_allocation_moves_money_down_and_further_down(city_staff, xiuwu_staff, org_tree):
    fund = make_fund(city_staff, "1000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "600")
    grassroots = services.fund_allocate(actor=xiuwu_staff, source=county, organization=org_tree.xiuwu_grassroots,
                                        amount=Decimal("100.01"))
    root = root_account(fund)
    root.refresh_from_db()
    county.refresh_from_db()
    assert root.available == Decimal("400.00") and root.allocated_out == Decimal("600.00")
    assert county.available == Decimal("499.99") and grassroots.available == Decimal("100.01")
    for account in (root, county, grassroots):
        _agrees_with_ledger(account)


def test_allocating_more_than_held_is_refused_and_saves_nothing(city_staff, org_tree):
    fund = make_fund(city_staff, "100")
    with pytest.raises(ValidationError) as error:
        allocate(city_staff, fund, org_tree.xiuwu, "100.01")
    assert "超出可分配余额" in str(error.value)
    assert FundAccount.objects.count() == 1 and LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "0.001", "1e20", "NaN", "abc", 1.5])
def test_bad_amounts_are_refused(city_staff, org_tree, amount):
    fund = make_fund(city_staff, "100")
    with pytest.raises(ValidationError):
        services.fund_allocate(actor=city_staff, source=root_account(fund), organization=org_tree.xiuwu,
                               amount=amount)
    with pytest.raises(ValidationError):
        services.fund_reserve(account=root_account(fund), amount=amount, reference="r1", actor=city_staff)
    assert LedgerEntry.objects.count() == 1


def test_county_cannot_allocate_sideways_or_from_the_city(city_staff, xiuwu_staff, org_tree):
    fund = make_fund(city_staff, "1000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "500")
    with pytest.raises(ValidationError):
        services.fund_allocate(actor=xiuwu_staff, source=county, organization=org_tree.boai, amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.fund_allocate(actor=xiuwu_staff, source=root_account(fund), organization=org_tree.xiuwu_grassroots,
                               amount=Decimal("1"))


def test_reserve_disburse_reverse_release_keep_the_ledger_balanced(city_staff, org_tree, xiuwu_staff):
    fund = make_fund(city_staff, "1000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "500")
    first = services.fund_reserve(account=county, amount=Decimal("120.35"), reference="test:1", actor=xiuwu_staff)
    second = services.fund_reserve(account=county, amount=Decimal("80"), reference="test:2", actor=xiuwu_staff)
    county.refresh_from_db()
    assert county.available == Decimal("299.65") and county.reserved == Decimal("200.35")
    paid = services.fund_disburse(reservation=first, actor=xiuwu_staff)
    assert paid.amount == Decimal("120.35")
    services.fund_release(reservation=second, actor=xiuwu_staff)
    county.refresh_from_db()
    assert (county.available, county.reserved, county.spent) == (Decimal("379.65"), 0, Decimal("120.35"))
    services.fund_reverse(disbursement=paid, actor=xiuwu_staff, note="银行退票")
    county.refresh_from_db()
    assert county.available == Decimal("500.00") and county.spent == 0
    _agrees_with_ledger(county)
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"relief.fund.reserved", "relief.fund.disbursed", "relief.fund.released",
            "relief.fund.reversed"} <= actions


def test_every_service_is_idempotent(city_staff, org_tree, xiuwu_staff):
    fund = make_fund(city_staff, "1000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "500")
    one = services.fund_reserve(account=county, amount=Decimal("10"), reference="subsidies.batch:1:application:2",
                                actor=xiuwu_staff)
    again = services.fund_reserve(account=county, amount=Decimal("10"), reference="subsidies.batch:1:application:2",
                                  actor=xiuwu_staff)
    assert one.pk == again.pk
    with pytest.raises(ValidationError):
        services.fund_reserve(account=county, amount=Decimal("11"), reference="subsidies.batch:1:application:2",
                              actor=xiuwu_staff)
    paid = services.fund_disburse(reservation=one, actor=xiuwu_staff)
    assert services.fund_disburse(reservation=one, actor=xiuwu_staff).pk == paid.pk
    with pytest.raises(ValidationError):
        services.fund_release(reservation=one, actor=xiuwu_staff)
    back = services.fund_reverse(disbursement=paid, actor=xiuwu_staff)
    assert services.fund_reverse(disbursement=paid, actor=xiuwu_staff).pk == back.pk
    county.refresh_from_db()
    assert county.available == Decimal("500.00")
    _agrees_with_ledger(county)


def test_released_reservation_cannot_be_paid(city_staff, org_tree, xiuwu_staff):
    fund = make_fund(city_staff, "100")
    county = allocate(city_staff, fund, org_tree.xiuwu, "50")
    held = services.fund_reserve(account=county, amount=Decimal("10"), reference="x", actor=xiuwu_staff)
    services.fund_release(reservation=held, actor=xiuwu_staff)
    services.fund_release(reservation=held, actor=xiuwu_staff)
    with pytest.raises(ValidationError):
        services.fund_disburse(reservation=held, actor=xiuwu_staff)


def test_paying_from_another_organisations_fund_is_refused(city_staff, org_tree, boai_staff, worker, xiuwu_staff):
    fund = make_fund(city_staff, "100")
    county = allocate(city_staff, fund, org_tree.xiuwu, "50")
    for outsider in (boai_staff, worker):
        with pytest.raises(PermissionDenied):
            services.fund_reserve(account=county, amount=Decimal("1"), reference="o", actor=outsider)
    held = services.fund_reserve(account=county, amount=Decimal("1"), reference="o", actor=xiuwu_staff)
    with pytest.raises(PermissionDenied):
        services.fund_disburse(reservation=held, actor=boai_staff)
    assert Reservation.objects.get().status == Reservation.Status.HELD


def test_account_selectors_are_scoped(city_staff, org_tree, xiuwu_staff, boai_staff, worker):
    fund = make_fund(city_staff, "100", purposes=("aid",))
    county = allocate(city_staff, fund, org_tree.xiuwu, "50")
    assert list(selectors.fund_accounts_for_user(xiuwu_staff)) == [county]
    assert selectors.fund_accounts_for_user(city_staff).count() == 2
    assert selectors.fund_accounts_for_user(city_staff, purpose="subsidy").count() == 0
    assert not selectors.fund_accounts_for_user(boai_staff).exists()
    assert not selectors.fund_accounts_for_user(worker).exists()
    assert selectors.get_fund_account_for_user(xiuwu_staff, county.pk) == county
    for outsider in (boai_staff, worker):
        with pytest.raises(Http404):
            selectors.get_fund_account_for_user(outsider, county.pk)


def test_database_refuses_a_negative_balance(city_staff):
    fund = make_fund(city_staff, "100")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundAccount.objects.filter(fund=fund).update(available=Decimal("-1"), received=Decimal("99"))
