"""Many people at once on one fund (PostgreSQL, real threads): no overspending, no double allocation."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.relief import selectors, services
from apps.relief.models import Disbursement, FundAccount
from tests.conftest import require_postgres
from tests.races import race

from .factories import allocate, make_fund, root_account

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_payments_from_a_fund_covering_ten(city_staff, org_tree, xiuwu_staff):
    require_postgres()
    fund = make_fund(city_staff, "10000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "1000.00")

    def pay(n):
        def go():
            held = services.fund_reserve(account=county, amount=Decimal("100.00"), reference=f"race:{n}",
                                         actor=xiuwu_staff)
            return services.fund_disburse(reservation=held, actor=xiuwu_staff)
        return go

    outcomes = race([pay(n) for n in range(50)])
    assert sum(isinstance(o, Disbursement) for o in outcomes) == 10
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 40
    county.refresh_from_db()
    assert county.available == Decimal("0.00") and county.spent == Decimal("1000.00")
    assert selectors.ledger_totals(county)["available"] == Decimal("0.00")


def test_the_same_reference_fifty_times_pays_once(city_staff, org_tree, xiuwu_staff):
    require_postgres()
    fund = make_fund(city_staff, "10000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "1000.00")

    def pay():
        held = services.fund_reserve(account=county, amount=Decimal("7.77"), reference="same", actor=xiuwu_staff)
        return services.fund_disburse(reservation=held, actor=xiuwu_staff)

    outcomes = race([pay for _ in range(20)])
    assert len({o.pk for o in outcomes if isinstance(o, Disbursement)}) == 1
    county.refresh_from_db()
    assert county.spent == Decimal("7.77") and county.available == Decimal("992.23")


def test_two_allocations_racing_above_the_parents_balance(city_staff, org_tree):
    require_postgres()
    fund = make_fund(city_staff, "1000")
    outcomes = race([lambda: allocate(city_staff, fund, org_tree.xiuwu, "600"),
                     lambda: allocate(city_staff, fund, org_tree.boai, "600")])
    assert sum(isinstance(o, FundAccount) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    root = root_account(fund)
    root.refresh_from_db()
    assert root.available == Decimal("400.00") and selectors.ledger_totals(root)["available"] == Decimal("400.00")


def test_two_first_allocations_to_one_union_make_one_account(city_staff, org_tree):
    require_postgres()
    fund = make_fund(city_staff, "1000")
    outcomes = race([lambda: allocate(city_staff, fund, org_tree.xiuwu, "100") for _ in range(2)])
    assert all(isinstance(o, FundAccount) for o in outcomes)
    account = FundAccount.objects.get(fund=fund, organization=org_tree.xiuwu)
    assert account.available == Decimal("200.00")


def test_twenty_people_approving_and_paying_one_application_pay_once(city_staff, org_tree, xiuwu_staff, worker,
                                                                     grassroots_staff):
    require_postgres()
    from apps.accounts.roles import Role
    from apps.relief.models import AidApplication, Reservation
    from tests.factories import make_staff

    from .conftest import facts

    services.tier_rules_save(actor=city_staff, rows=[{"tier": "1", "cause": "", "income_ceiling": Decimal("5000"),
                                                      "amount": Decimal("500"), "max_amount": Decimal("800")}])
    fund = make_fund(city_staff, "10000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "1000.00")
    application = services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
    services.aid_approve(actor=xiuwu_staff, application=application)
    officers = [make_staff(org_tree.city, Role.CITY_OFFICE, username=f"city_{n}") for n in range(10)]
    payers = [make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username=f"payer_{n}") for n in range(10)]

    def approve(officer):
        return lambda: services.aid_approve(actor=officer, application=application, tier="1",
                                            amount=Decimal("500.00"), account=county)

    def pay(payer):
        def go():
            # a payer who arrives before the approval retries, as a clerk clicking again would
            for _ in range(50):
                try:
                    return services.aid_pay(actor=payer, application=application)
                except ValidationError as error:
                    if "不能发放" not in str(error):
                        raise
            raise ValidationError("未能发放")
        return go

    outcomes = race([approve(o) for o in officers] + [pay(p) for p in payers])
    application.refresh_from_db()
    county.refresh_from_db()
    assert application.status == AidApplication.Status.PAID
    assert Disbursement.objects.count() == 1 and Reservation.objects.count() == 1
    assert county.spent == Decimal("500.00") and county.available == Decimal("500.00")
    assert sum(isinstance(o, AidApplication) for o in outcomes) == 2  # one approval, one payment
    assert application.steps.filter(kind="paid").count() == 1


def _paid_application(city_staff, org_tree, xiuwu_staff, worker, grassroots_staff):
    from apps.accounts.roles import Role
    from tests.factories import make_staff

    from .conftest import facts, pay_through

    services.tier_rules_save(actor=city_staff, rows=[{"tier": "1", "cause": "", "income_ceiling": Decimal("5000"),
                                                      "amount": Decimal("500"), "max_amount": Decimal("800")}])
    fund = make_fund(city_staff, "10000")
    county = allocate(city_staff, fund, org_tree.xiuwu, "1000.00")
    application = services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
    clerks = [make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username=f"clerk_{n}") for n in range(2)]
    paid = pay_through(application, county_staff=xiuwu_staff, city_staff=city_staff, account=county,
                       amount="500.00", payer=clerks[0])
    return paid, county, clerks


def test_two_clerks_recording_one_returned_payment_reverse_it_once(city_staff, org_tree, xiuwu_staff, worker,
                                                                   grassroots_staff):
    require_postgres()
    from django.utils import timezone

    from apps.relief.models import AidPaymentReturn, LedgerEntry, Reversal

    paid, county, clerks = _paid_application(city_staff, org_tree, xiuwu_staff, worker, grassroots_staff)

    def record(clerk):
        return lambda: services.aid_payment_return(actor=clerk, application=paid, reason="卡号有误",
                                                   returned_on=timezone.localdate(), amount=Decimal("500.00"))

    outcomes = race([record(clerk) for clerk in clerks])
    assert all(isinstance(o, AidPaymentReturn) for o in outcomes) and len({o.pk for o in outcomes}) == 1
    assert Reversal.objects.count() == 1 and LedgerEntry.objects.filter(kind="reversal").count() == 1
    county.refresh_from_db()
    assert county.spent == Decimal("0.00") and county.available == Decimal("1000.00")
    assert selectors.ledger_totals(county)["available"] == Decimal("1000.00")


def test_two_clerks_clicking_repay_at_once_pay_once(city_staff, org_tree, xiuwu_staff, worker, grassroots_staff):
    require_postgres()
    from django.utils import timezone

    from apps.relief.models import AidApplication, Reservation

    paid, county, clerks = _paid_application(city_staff, org_tree, xiuwu_staff, worker, grassroots_staff)
    services.aid_payment_return(actor=clerks[0], application=paid, reason="账户已销户",
                                returned_on=timezone.localdate(), amount=Decimal("500.00"))
    outcomes = race([lambda clerk=clerk: services.aid_repay(actor=clerk, application=paid) for clerk in clerks * 3])
    assert sum(isinstance(o, AidApplication) for o in outcomes) == 1
    assert all("已重新支付" in str(o) for o in outcomes if isinstance(o, ValidationError))
    paid.refresh_from_db()
    county.refresh_from_db()
    assert paid.status == AidApplication.Status.PAID
    assert Disbursement.objects.count() == 2 and Reservation.objects.count() == 2
    assert county.spent == Decimal("500.00") and county.available == Decimal("500.00")
    assert selectors.ledger_totals(county)["spent"] == Decimal("500.00")
    assert paid.steps.filter(kind="repaid").count() == 1
