"""The transport subsidy workflow through its services: levels, refusals, money in the fund ledger."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.models import AuditLog
from apps.relief.models import FundAccount, Reservation
from apps.relief.selectors import ledger_totals
from apps.subsidies import services
from apps.subsidies.models import Application, PaymentItem, Receipt
from tests.factories import EnterpriseFactory, make_staff

from .factories import approved, bank_card, make_programme, png, resident_id, submit

S = Application.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(city_staff):
    return make_programme(city_staff)


@pytest.fixture
def people(grassroots_staff, xiuwu_staff, city_staff):
    return {"union_staff": grassroots_staff, "county_staff": xiuwu_staff, "city_staff": city_staff}


def _account(programme) -> FundAccount:
    return FundAccount.objects.get(pk=programme.fund_account_id)


def test_the_whole_path_reserves_then_debits_the_fund_once(programme, worker, xiuwu_enterprise, people):
    application = submit(programme, worker, xiuwu_enterprise)
    assert application.status == S.SUBMITTED and application.amount == Decimal("300.00")
    assert application.union == xiuwu_enterprise.union
    assert application.id_masked.startswith("4108") and "*" in application.id_masked
    services.application_confirm(actor=people["union_staff"], application=application)
    services.application_review(actor=people["county_staff"], application=application)
    services.application_approve(actor=people["city_staff"], application=application)
    account = _account(programme)
    assert account.available == Decimal("9700.00") and account.reserved == Decimal("300.00")
    batch = services.batch_create(actor=people["city_staff"], programme=programme, applications=[application])
    services.batch_mark_paid(actor=people["city_staff"], batch=batch)
    services.batch_mark_paid(actor=people["city_staff"], batch=batch)
    account.refresh_from_db()
    assert account.available == Decimal("9700.00") and account.spent == Decimal("300.00")
    assert account.reserved == Decimal("0.00")
    assert ledger_totals(account)["spent"] == Decimal("300.00")
    application.refresh_from_db()
    assert application.status == S.PAID and application.paid_at is not None
    assert AuditLog.objects.filter(action="subsidies.batch.paid").count() == 1


def test_a_returned_payment_reverses_and_is_paid_again_after_correction(programme, worker, xiuwu_enterprise,
                                                                          people):
    application = approved(programme, worker, xiuwu_enterprise, **people)
    city = people["city_staff"]
    batch = services.batch_create(actor=city, programme=programme, applications=[application])
    services.batch_mark_paid(actor=city, batch=batch)
    item = batch.items.get()
    services.item_return(actor=city, item=item, reason="户名与账号不符")
    services.item_return(actor=city, item=item, reason="户名与账号不符")  # once
    account = _account(programme)
    assert account.spent == Decimal("0.00") and account.available == Decimal("10000.00")
    application.refresh_from_db()
    assert application.status == S.RETURNED and application.reservation is None
    with pytest.raises(ValidationError):  # not until the account is corrected
        services.batch_create(actor=city, programme=programme, applications=[application])
    services.application_correct_account(actor=worker, application=application, bank_name="中国银行焦作分行",
                                         bank_account=bank_card(777))
    second = services.batch_create(actor=city, programme=programme, applications=[application])
    services.batch_mark_paid(actor=city, batch=second)
    account.refresh_from_db()
    assert account.spent == Decimal("300.00") and account.available == Decimal("9700.00")
    application.refresh_from_db()
    assert application.status == S.PAID and application.bank_name == "中国银行焦作分行"
    assert PaymentItem.objects.filter(application=application).count() == 2
    assert Reservation.objects.filter(reference__startswith=f"subsidies.application:{application.pk}:").count() == 2


def test_one_application_per_person_per_programme(programme, worker, other_worker, xiuwu_enterprise):
    submit(programme, worker, xiuwu_enterprise, n=5)
    with pytest.raises(ValidationError) as error:
        submit(programme, other_worker, xiuwu_enterprise, n=5)
    assert "每人限领一次" in str(error.value)
    assert Application.objects.count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "410821199001011234", "身份证"),
    ("bank_account", "6222020000000000001", "校验不通过"),
    ("bank_account", "6222abc", "只能包含数字"),
    ("phone", "12345", "手机"),
    ("band", "moon", "出发地距离"),
])
def test_bad_input_is_refused_and_nothing_saved(programme, worker, xiuwu_enterprise, field, value, message):
    with pytest.raises(ValidationError) as error:
        submit(programme, worker, xiuwu_enterprise, **{field: value})
    assert message in str(error.value.message_dict[field])
    assert not Application.objects.exists() and not Receipt.objects.exists()


def test_return_date_outside_the_window_is_refused(programme, worker, xiuwu_enterprise):
    for day in (programme.return_from - timedelta(days=1), programme.return_until + timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            submit(programme, worker, xiuwu_enterprise, returned_on=day)
        assert "返岗日期须在" in str(error.value.message_dict["returned_on"])
    assert not Application.objects.exists()


def test_a_receipt_that_is_not_an_image_or_pdf_is_refused(programme, worker, xiuwu_enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("ticket.png", b"MZ\x90\x00 this is an executable", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        submit(programme, worker, xiuwu_enterprise, receipts=[fake])
    assert "文件类型不符" in str(error.value.message_dict["receipts"])
    assert not Application.objects.exists()


def test_an_enterprise_outside_jiaozuo_or_unverified_is_refused(programme, worker, org_tree):
    unverified = EnterpriseFactory(district=org_tree.xiuwu, union=org_tree.xiuwu_grassroots, is_verified=False)
    with pytest.raises(ValidationError) as error:
        submit(programme, worker, unverified)
    assert "enterprise" in error.value.message_dict


def test_nobody_approves_their_own_application(programme, xiuwu_enterprise, people, org_tree):
    union_staff = people["union_staff"]
    application = submit(programme, union_staff, xiuwu_enterprise)
    with pytest.raises(PermissionDenied, match="本人"):
        services.application_confirm(actor=union_staff, application=application)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    city = people["city_staff"]
    own = submit(programme, city, xiuwu_enterprise)
    services.application_confirm(actor=union_staff, application=own)
    services.application_review(actor=people["county_staff"], application=own)
    with pytest.raises(PermissionDenied, match="本人"):
        services.application_approve(actor=city, application=own)
    assert _account(programme).reserved == Decimal("0.00")


def test_no_level_can_be_skipped(programme, worker, xiuwu_enterprise, people):
    application = submit(programme, worker, xiuwu_enterprise)
    with pytest.raises(ValidationError, match="越级"):
        services.application_review(actor=people["county_staff"], application=application)
    with pytest.raises(ValidationError, match="越级"):
        services.application_approve(actor=people["city_staff"], application=application)
    services.application_confirm(actor=people["union_staff"], application=application)
    with pytest.raises(ValidationError, match="越级"):
        services.application_approve(actor=people["city_staff"], application=application)
    application.refresh_from_db()
    assert application.status == S.CONFIRMED and application.reservation is None


def test_the_county_level_is_done_by_a_county_union(programme, worker, xiuwu_enterprise, people, city_staff):
    application = submit(programme, worker, xiuwu_enterprise)
    services.application_confirm(actor=people["union_staff"], application=application)
    with pytest.raises(PermissionDenied):  # the city has no county review permission
        services.application_review(actor=city_staff, application=application)


def test_another_district_cannot_act(programme, worker, xiuwu_enterprise, people, boai_staff):
    application = submit(programme, worker, xiuwu_enterprise)
    services.application_confirm(actor=people["union_staff"], application=application)
    with pytest.raises(PermissionDenied):
        services.application_review(actor=boai_staff, application=application)


def test_an_amount_above_the_cap_is_refused(programme, worker, xiuwu_enterprise, people):
    application = submit(programme, worker, xiuwu_enterprise)
    services.application_confirm(actor=people["union_staff"], application=application)
    services.application_review(actor=people["county_staff"], application=application)
    with pytest.raises(ValidationError) as error:
        services.application_approve(actor=people["city_staff"], application=application, amount="500.01")
    assert "上限" in str(error.value.message_dict["amount"])
    application.refresh_from_db()
    assert application.status == S.REVIEWED and _account(programme).reserved == Decimal("0.00")


def test_programme_amounts_above_the_cap_are_refused(city_staff):
    with pytest.raises(ValidationError) as error:
        make_programme(city_staff, cap="200.00", flat="300.00")
    assert "上限" in str(error.value.message_dict["flat_amount"])


def test_distance_bands_follow_the_rule_and_the_cap(city_staff, worker, xiuwu_enterprise):
    programme = make_programme(city_staff, rule="distance", cap="400.00", far_amount=Decimal("400.00"))
    assert programme.amount_for("near") == Decimal("100.00")
    assert submit(programme, worker, xiuwu_enterprise, band="far").amount == Decimal("400.00")


def test_rejection_needs_a_reason(programme, worker, xiuwu_enterprise, people):
    application = submit(programme, worker, xiuwu_enterprise)
    with pytest.raises(ValidationError):
        services.application_reject(actor=people["union_staff"], application=application, comment=" ")
    services.application_reject(actor=people["union_staff"], application=application, comment="未返岗")
    application.refresh_from_db()
    assert application.status == S.REJECTED


def test_fraud_signals_same_account_phone_and_receipt_bytes(programme, worker, other_worker, xiuwu_enterprise):
    from apps.subsidies.selectors import signals_for

    first = submit(programme, worker, xiuwu_enterprise, account=bank_card(1), phone="13912345678",
                   receipts=[png(9)])
    second = submit(programme, other_worker, xiuwu_enterprise, account=bank_card(1), phone="13912345678",
                    receipts=[png(9)])
    third = submit(programme, other_worker, xiuwu_enterprise, receipts=[png(10)])
    signals = signals_for([first, second, third])
    assert any("银行账号" in s for s in signals[first.pk])
    assert any("手机号" in s for s in signals[second.pk])
    assert any("票据" in s for s in signals[second.pk])
    assert signals[third.pk] == []


def test_a_batch_refuses_an_application_already_in_another(programme, worker, xiuwu_enterprise, people):
    application = approved(programme, worker, xiuwu_enterprise, **people)
    city = people["city_staff"]
    services.batch_create(actor=city, programme=programme, applications=[application])
    with pytest.raises(ValidationError, match="另一个发放批次"):
        services.batch_create(actor=city, programme=programme, applications=[application])


def test_removing_from_a_draft_batch_keeps_the_money_reserved(programme, worker, xiuwu_enterprise, people):
    application = approved(programme, worker, xiuwu_enterprise, **people)
    city = people["city_staff"]
    batch = services.batch_create(actor=city, programme=programme, applications=[application])
    services.batch_remove(actor=city, item=batch.items.get())
    application.refresh_from_db()
    assert application.status == S.APPROVED and _account(programme).reserved == Decimal("300.00")
    other = services.batch_create(actor=city, programme=programme, applications=[application])
    services.batch_mark_paid(actor=city, batch=other)
    assert _account(programme).spent == Decimal("300.00")


def test_county_staff_cannot_pay(programme, worker, xiuwu_enterprise, people):
    with pytest.raises(PermissionDenied):
        services.batch_create(actor=people["county_staff"], programme=programme)


def test_a_worker_corrects_only_her_own_returned_application(programme, worker, other_worker, xiuwu_enterprise):
    application = submit(programme, worker, xiuwu_enterprise)
    with pytest.raises(PermissionDenied):
        services.application_correct_account(actor=other_worker, application=application, bank_name="x",
                                             bank_account=bank_card(3))
    with pytest.raises(ValidationError):  # not returned
        services.application_correct_account(actor=worker, application=application, bank_name="中国银行",
                                             bank_account=bank_card(3))


def test_a_member_of_a_union_in_the_district_is_routed_there_when_the_enterprise_has_none(
        programme, worker, org_tree):
    enterprise = EnterpriseFactory(district=org_tree.xiuwu, union=None, has_union=False)
    application = submit(programme, worker, enterprise)
    assert application.union == org_tree.xiuwu  # no union, no membership: the county union confirms


def test_applications_close_after_the_deadline(programme, worker, xiuwu_enterprise):
    programme.apply_until = timezone.localdate() - timedelta(days=1)
    programme.save()
    with pytest.raises(ValidationError, match="停止受理"):
        submit(programme, worker, xiuwu_enterprise)


def test_ids_are_not_stored_readably(programme, worker, xiuwu_enterprise):
    number = resident_id(42)
    application = submit(programme, worker, xiuwu_enterprise, n=42)
    stored = Application.objects.filter(pk=application.pk).values_list("id_hash", "id_encrypted", "id_masked")[0]
    assert number not in "".join(stored)


def test_industry_staff_do_not_see_a_county_application(programme, worker, xiuwu_enterprise, org_tree):
    from apps.subsidies.selectors import applications_for_user

    industry = make_staff(org_tree.industry, Role.COUNTY_STAFF, username="industry_staff")
    submit(programme, worker, xiuwu_enterprise)
    assert not applications_for_user(industry).exists()
