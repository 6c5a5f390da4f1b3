"""Tiered aid: tier proposal, three review levels, returns, who may review, reservation and payment."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.roles import Role
from apps.core.models import AuditLog
from apps.relief import services
from apps.relief.models import AidApplication, AidStep, NeedyHelp, Reservation
from tests.factories import make_staff

from .conftest import facts

pytestmark = pytest.mark.django_db
S = AidApplication.Status


@pytest.fixture
def entered(grassroots_staff, worker, ruleset):
    """A grassroots union applied on 张伟's behalf: it is at the county's review."""
    return services.aid_apply(actor=grassroots_staff, worker=worker, **facts())


def test_member_applies_and_starts_at_the_grassroots_union(member, ruleset, org_tree):
    application = services.aid_apply(actor=member, worker=member, **facts())
    assert application.organization == org_tree.xiuwu_grassroots
    assert application.status == S.GRASSROOTS
    assert (application.proposed_tier, application.proposed_amount) == ("1", Decimal("5000.00"))
    assert application.ruleset == ruleset


def test_tier_rule_proposes_from_cause_and_income(ruleset):
    propose = services.tier_propose
    assert propose(ruleset=ruleset, cause="illness", household_size=4, household_income=Decimal("3600")).tier == "2"
    assert propose(ruleset=ruleset, cause="illness", household_size=2, household_income=Decimal("2800")).tier == "3"
    assert propose(ruleset=ruleset, cause="illness", household_size=1, household_income=Decimal("5000")) is None


def test_tier_table_versions_and_only_the_city_edits(city_staff, xiuwu_staff, ruleset):
    row = {"tier": "1", "cause": "", "income_ceiling": Decimal("900"), "amount": Decimal("6000"),
           "max_amount": Decimal("9000")}
    second = services.tier_rules_save(actor=city_staff, rows=[row])
    assert second.version == ruleset.version + 1 and ruleset.rules.count() == 3
    with pytest.raises(PermissionDenied):
        services.tier_rules_save(actor=xiuwu_staff, rows=[row])


def test_worker_without_union_chooses_a_county_union(worker, ruleset, org_tree):
    with pytest.raises(ValidationError) as error:
        services.aid_apply(actor=worker, worker=worker, **facts())
    assert "organization" in error.value.error_dict
    application = services.aid_apply(actor=worker, worker=worker, organization=org_tree.xiuwu, **facts())
    assert application.status == S.COUNTY


def test_full_path_approval_reserves_and_payment_debits(entered, xiuwu_staff, city_staff, xiuwu_account, worker,
                                                        org_tree):
    payer = make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_cashier")
    services.aid_approve(actor=xiuwu_staff, application=entered)
    services.aid_approve(actor=city_staff, application=entered, tier="1", amount=Decimal("5000"),
                         account=xiuwu_account)
    entered.refresh_from_db()
    xiuwu_account.refresh_from_db()
    assert entered.status == S.APPROVED and entered.reservation.status == Reservation.Status.HELD
    assert xiuwu_account.available == Decimal("15000.00") and xiuwu_account.reserved == Decimal("5000.00")
    services.aid_pay(actor=payer, application=entered)
    entered.refresh_from_db()
    xiuwu_account.refresh_from_db()
    assert entered.status == S.PAID and entered.disbursement.amount == Decimal("5000.00")
    assert xiuwu_account.spent == Decimal("5000.00") and xiuwu_account.available == Decimal("15000.00")
    kinds = list(entered.steps.values_list("kind", flat=True))
    assert kinds == [AidStep.Kind.ENTERED, AidStep.Kind.APPROVED, AidStep.Kind.RESERVED, AidStep.Kind.PAID]
    assert AuditLog.objects.filter(action="relief.aid.paid").count() == 1
    with pytest.raises(ValidationError):
        services.aid_pay(actor=payer, application=entered)


def test_nobody_reviews_what_they_entered_or_their_own(entered, grassroots_staff, xiuwu_staff, org_tree, ruleset):
    with pytest.raises(PermissionDenied):
        services.aid_approve(actor=grassroots_staff, application=entered)
    own = services.aid_apply(actor=xiuwu_staff, worker=xiuwu_staff, organization=org_tree.xiuwu, **facts())
    assert own.status == S.COUNTY
    with pytest.raises(PermissionDenied):
        services.aid_approve(actor=xiuwu_staff, application=own)
    with pytest.raises(PermissionDenied):
        services.aid_return(actor=xiuwu_staff, application=own, reason="自己退回")


def test_skipping_a_level_is_refused(member, ruleset, city_staff, xiuwu_staff, xiuwu_account):
    application = services.aid_apply(actor=member, worker=member, **facts())
    for reviewer in (xiuwu_staff, city_staff):
        with pytest.raises(ValidationError) as error:
            services.aid_approve(actor=reviewer, application=application, tier="1", amount=Decimal("1"),
                                 account=xiuwu_account)
        assert "越级" in str(error.value)
    application.refresh_from_db()
    assert application.status == S.GRASSROOTS and not Reservation.objects.exists()


def test_return_needs_a_reason_and_resubmission_starts_again(entered, xiuwu_staff, grassroots_staff):
    with pytest.raises(ValidationError):
        services.aid_return(actor=xiuwu_staff, application=entered, reason="  ")
    services.aid_return(actor=xiuwu_staff, application=entered, reason="缺少医院诊断证明")
    entered.refresh_from_db()
    assert entered.status == S.RETURNED
    with pytest.raises(ValidationError):
        services.aid_approve(actor=xiuwu_staff, application=entered)
    services.aid_resubmit(actor=grassroots_staff, application=entered, cause="infection", household_size=4,
                          household_income=Decimal("2000"), description="补充了诊断证明，家庭收入锐减。")
    entered.refresh_from_db()
    assert entered.status == S.COUNTY
    assert entered.steps.filter(kind=AidStep.Kind.RETURNED, reason="缺少医院诊断证明").exists()


def test_amount_above_tier_limit_or_fund_is_refused(entered, xiuwu_staff, city_staff, xiuwu_account):
    services.aid_approve(actor=xiuwu_staff, application=entered)
    with pytest.raises(ValidationError) as error:
        services.aid_approve(actor=city_staff, application=entered, tier="1", amount=Decimal("8000.01"),
                             account=xiuwu_account)
    assert "最高金额" in str(error.value)
    for bad in ("0", "-1"):
        with pytest.raises(ValidationError):
            services.aid_approve(actor=city_staff, application=entered, tier="1", amount=bad, account=xiuwu_account)
    # the fund's own limit refuses too: a grassroots account holding 10 yuan
    small = services.fund_allocate(actor=xiuwu_staff, source=xiuwu_account, organization=entered.organization,
                                   amount=Decimal("10"))
    with pytest.raises(ValidationError) as error:
        services.aid_approve(actor=city_staff, application=entered, tier="1", amount=Decimal("5000"), account=small)
    assert "余额不足" in str(error.value)
    entered.refresh_from_db()
    assert entered.status == S.CITY and not Reservation.objects.exists()


def test_paying_from_another_districts_fund_is_refused(city_staff, fund, org_tree, worker, ruleset, xiuwu_staff):
    from .factories import allocate

    boai_account = allocate(city_staff, fund, org_tree.boai, "1000")
    application = services.aid_apply(actor=make_staff(org_tree.xiuwu_grassroots, Role.GRASSROOTS_STAFF,
                                                      username="gs2"), worker=worker, **facts())
    services.aid_approve(actor=xiuwu_staff, application=application)
    with pytest.raises(ValidationError):
        services.aid_approve(actor=city_staff, application=application, tier="2", amount=Decimal("3000"),
                             account=boai_account)


def test_payment_records_help_against_the_registry_file(entered, xiuwu_staff, city_staff, xiuwu_account, worker,
                                                        org_tree, grassroots_staff):
    from tests.organizing.conftest import id_number

    file = services.needy_file_create(actor=grassroots_staff, real_name="张伟", id_number=id_number(7),
                                      workplace="恒达", category="deep", household_size=4,
                                      household_income=Decimal("2400"), hardship="感染", worker=worker)
    services.aid_approve(actor=xiuwu_staff, application=entered)
    services.aid_approve(actor=city_staff, application=entered, tier="1", amount=Decimal("5000"),
                         account=xiuwu_account)
    services.aid_pay(actor=make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="payer"), application=entered)
    assert NeedyHelp.objects.get(file=file).amount == Decimal("5000.00")


def test_one_open_application_per_worker(entered, grassroots_staff, worker):
    with pytest.raises(ValidationError):
        services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
