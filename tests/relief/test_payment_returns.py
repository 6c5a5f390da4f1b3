"""A paid aid payment the bank sent back: 登记退回 reverses it in the ledger once, 重新支付 pays again once."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.models import AuditLog
from apps.notifications.models import Notification
from apps.relief import selectors, services
from apps.relief.models import AidApplication, AidPaymentReturn, AidStep, Disbursement, LedgerEntry, Reversal
from tests.factories import make_staff

from .conftest import facts, pay_through

pytestmark = pytest.mark.django_db
S = AidApplication.Status


@pytest.fixture
def cashier(org_tree):
    return make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_cashier")


@pytest.fixture
def paid(grassroots_staff, worker, ruleset, xiuwu_staff, city_staff, xiuwu_account, cashier):
    entered = services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
    return pay_through(entered, county_staff=xiuwu_staff, city_staff=city_staff, account=xiuwu_account,
                       payer=cashier)


def _return(application, actor, **overrides):
    data = {"reason": "卡号有误", "returned_on": timezone.localdate(), "amount": Decimal("5000.00"), **overrides}
    return services.aid_payment_return(actor=actor, application=application, **data)


def _balances(account):
    account.refresh_from_db()
    return account.available, account.spent


# --- services --------------------------------------------------------------------------------------

def test_return_reverses_the_payment_and_repay_pays_it_again(paid, cashier, xiuwu_account, worker,
                                                             django_capture_on_commit_callbacks):
    assert _balances(xiuwu_account) == (Decimal("15000.00"), Decimal("5000.00"))
    first_disbursement = paid.disbursement
    with django_capture_on_commit_callbacks(execute=True):
        record = _return(paid, cashier)
    paid.refresh_from_db()
    assert paid.status == S.PAYMENT_RETURNED and paid.get_status_display() == "退回待重付"
    assert paid.paid_at is None and paid.disbursement == first_disbursement
    assert record.disbursement == first_disbursement and record.reversal.amount == Decimal("5000.00")
    assert _balances(xiuwu_account) == (Decimal("20000.00"), Decimal("0.00"))
    assert selectors.ledger_totals(xiuwu_account)["available"] == Decimal("20000.00")
    assert paid.steps.last().kind == AidStep.Kind.PAYMENT_RETURNED
    assert AuditLog.objects.filter(action="relief.aid.payment_returned", target_id=str(paid.pk)).count() == 1
    notice = Notification.objects.get(recipient=worker, title__contains="退回")
    assert "银行卡" in notice.body and "卡号有误" in notice.body

    with django_capture_on_commit_callbacks(execute=True):
        services.aid_repay(actor=cashier, application=paid)
    paid.refresh_from_db()
    assert paid.status == S.PAID and paid.paid_at is not None
    assert paid.disbursement != first_disbursement and paid.reservation.reference == f"relief.aid:{paid.pk}:2"
    assert _balances(xiuwu_account) == (Decimal("15000.00"), Decimal("5000.00"))
    assert selectors.ledger_totals(xiuwu_account)["spent"] == Decimal("5000.00")
    assert paid.steps.last().kind == AidStep.Kind.REPAID
    assert AuditLog.objects.filter(action="relief.aid.repaid").count() == 1
    assert Notification.objects.filter(recipient=worker, title="帮扶资金已重新支付").count() == 1


def test_recording_the_same_return_twice_reverses_once(paid, cashier, xiuwu_account):
    first = _return(paid, cashier)
    again = _return(paid, cashier, reason="另一个说法")
    assert again.pk == first.pk and again.reason == "卡号有误"
    assert Reversal.objects.count() == 1 and AidPaymentReturn.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL).count() == 1
    assert _balances(xiuwu_account) == (Decimal("20000.00"), Decimal("0.00"))


def test_repay_twice_pays_once(paid, cashier, xiuwu_account):
    _return(paid, cashier)
    services.aid_repay(actor=cashier, application=paid)
    with pytest.raises(ValidationError, match="已重新支付"):
        services.aid_repay(actor=cashier, application=paid)
    assert Disbursement.objects.count() == 2  # the first payment and the repayment
    assert _balances(xiuwu_account) == (Decimal("15000.00"), Decimal("5000.00"))


def test_a_repayment_can_come_back_too(paid, cashier, xiuwu_account):
    _return(paid, cashier)
    services.aid_repay(actor=cashier, application=paid)
    paid.refresh_from_db()
    _return(paid, cashier, reason="账户已销户")
    services.aid_repay(actor=cashier, application=paid)
    paid.refresh_from_db()
    assert paid.reservation.reference == f"relief.aid:{paid.pk}:3"
    assert paid.payment_returns.count() == 2 and Reversal.objects.count() == 2
    assert _balances(xiuwu_account) == (Decimal("15000.00"), Decimal("5000.00"))


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"reason": "  "}, "reason", "请填写退回原因"),
    ({"reason": "长" * 201}, "reason", "不超过200个字"),
    ({"returned_on": None}, "returned_on", "请填写退回日期"),
    ({"returned_on": timezone.localdate() + timedelta(days=1)}, "returned_on", "不能晚于今天"),
    ({"returned_on": timezone.localdate() - timedelta(days=30)}, "returned_on", "不能早于发放日期"),
    ({"amount": Decimal("4999.99")}, "amount", "应与已发放金额 5000.00 元一致"),
    ({"amount": Decimal("-1")}, "amount", "金额必须大于零"),
    ({"amount": 5000.0}, "amount", "精确的小数"),
])
def test_bad_return_input_is_refused_and_nothing_moves(paid, cashier, xiuwu_account, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        _return(paid, cashier, **overrides)
    assert message in " ".join(error.value.message_dict[field])
    paid.refresh_from_db()
    assert paid.status == S.PAID and not Reversal.objects.exists() and not AidPaymentReturn.objects.exists()
    assert _balances(xiuwu_account) == (Decimal("15000.00"), Decimal("5000.00"))


def test_only_a_paid_application_can_be_returned_and_only_a_returned_one_repaid(
        grassroots_staff, worker, ruleset, xiuwu_staff, city_staff, xiuwu_account, cashier):
    application = services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
    services.aid_approve(actor=xiuwu_staff, application=application)
    services.aid_approve(actor=city_staff, application=application, tier="1", amount=Decimal("5000"),
                         account=xiuwu_account)
    with pytest.raises(ValidationError, match="只有已发放的帮扶可以登记退回"):
        _return(application, cashier)
    with pytest.raises(ValidationError, match="不能重新支付"):
        services.aid_repay(actor=cashier, application=application)


def test_who_may_record_a_return(paid, grassroots_staff, boai_staff, worker, city_staff, cashier):
    with pytest.raises(PermissionDenied):  # grassroots unions do not pay
        _return(paid, grassroots_staff)
    with pytest.raises(PermissionDenied):  # another district
        _return(paid, boai_staff)
    with pytest.raises(PermissionDenied):  # the worker
        _return(paid, worker)
    _return(paid, city_staff)  # the city pays from its subtree's funds, so it may record the return
    with pytest.raises(PermissionDenied):
        services.aid_repay(actor=boai_staff, application=paid)
    assert not AuditLog.objects.filter(action="relief.aid.repaid").exists()


def test_repay_refused_when_the_fund_was_closed_meanwhile(paid, cashier, fund):
    _return(paid, cashier)
    type(fund).objects.filter(pk=fund.pk).update(is_open=False)
    with pytest.raises(ValidationError, match="已停用"):
        services.aid_repay(actor=cashier, application=paid)
    paid.refresh_from_db()
    assert paid.status == S.PAYMENT_RETURNED


def test_a_returned_payment_keeps_the_application_open(paid, cashier, grassroots_staff, worker):
    _return(paid, cashier)
    with pytest.raises(ValidationError, match="正在办理"):
        services.aid_apply(actor=grassroots_staff, worker=worker, **facts())


# --- pages -----------------------------------------------------------------------------------------

def test_clerk_records_a_return_and_pays_again_through_the_pages(client, paid, cashier, worker):
    client.force_login(cashier)
    detail = reverse("relief:aid_detail", args=[paid.pk])
    page = client.get(detail).content.decode()
    assert "登记退回" in page and "重新支付" not in page
    url = reverse("relief:aid_payment_return", args=[paid.pk])
    form = client.get(url)
    assert form.status_code == 200 and 'value="5000.00"' in form.content.decode()
    done = client.post(url, {"reason": "户名不符", "returned_on": timezone.localdate().isoformat(),
                             "amount": "5000.00"})
    assert done.status_code == 302 and done["Location"] == detail
    page = client.get(detail).content.decode()
    assert "退回待重付" in page and "户名不符" in page and "重新支付 5000.00 元" in page
    assert client.post(reverse("relief:aid_repay", args=[paid.pk])).status_code == 302
    paid.refresh_from_db()
    assert paid.status == S.PAID
    page = client.get(detail).content.decode()
    assert "帮扶资金已重新支付" in page and "发放退回记录" in page
    client.force_login(worker)
    mine = client.get(detail).content.decode()
    assert "发放退回记录" in mine and "户名不符" in mine and "登记退回" not in mine


def test_bad_input_on_the_return_page_shows_next_to_the_field(client, paid, cashier):
    client.force_login(cashier)
    url = reverse("relief:aid_payment_return", args=[paid.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    bad = client.post(url, {"reason": "", "returned_on": tomorrow, "amount": "abc"})
    text = bad.content.decode()
    assert bad.status_code == 400
    for message in ("请填写退回原因", "退回日期不能晚于今天", "请输入数字"):
        assert message in text, message
    wrong_amount = client.post(url, {"reason": "卡号有误", "returned_on": timezone.localdate().isoformat(),
                                     "amount": "100"})
    assert wrong_amount.status_code == 400 and "应与已发放金额 5000.00 元一致" in wrong_amount.content.decode()
    paid.refresh_from_db()
    assert paid.status == S.PAID and not AidPaymentReturn.objects.exists()


def test_the_worker_sees_the_return_and_is_asked_for_a_new_card(client, paid, cashier, worker):
    _return(paid, cashier)
    client.force_login(worker)
    page = client.get(reverse("relief:aid_detail", args=[paid.pk])).content.decode()
    assert "退回待重付" in page and "提供新的银行卡信息" in page and "重新支付 5000" not in page


def test_another_district_gets_404_and_the_wrong_role_403(client, paid, cashier, boai_staff, grassroots_staff,
                                                          worker):
    urls = [reverse("relief:aid_payment_return", args=[paid.pk]), reverse("relief:aid_repay", args=[paid.pk])]
    client.force_login(boai_staff)
    assert client.get(urls[0]).status_code == 404
    assert client.post(urls[0], {"reason": "x", "returned_on": "2020-03-01", "amount": "5000"}).status_code == 404
    assert client.post(urls[1]).status_code == 404
    client.force_login(grassroots_staff)  # entered it, and holds no pay permission
    assert client.get(urls[0]).status_code == 403 and client.post(urls[1]).status_code == 403
    client.force_login(worker)
    assert client.get(urls[0]).status_code == 403 and client.post(urls[1]).status_code == 403
    assert client.get(urls[1]).status_code == 405
    paid.refresh_from_db()
    assert paid.status == S.PAID and not AidPaymentReturn.objects.exists()


def test_the_return_page_of_an_unpaid_or_returned_application_goes_back(client, paid, cashier):
    client.force_login(cashier)
    _return(paid, cashier)
    response = client.get(reverse("relief:aid_payment_return", args=[paid.pk]), follow=True)
    assert "该笔发放已登记退回" in response.content.decode()


def test_console_lists_returned_payments_to_pay_again(client, paid, cashier):
    _return(paid, cashier)
    client.force_login(cashier)
    page = client.get(reverse("core:console")).content.decode()
    assert "发放退回待重新支付的帮扶" in page
    listing = client.get(reverse("relief:aid_list") + "?status=pay_returned").content.decode()
    assert paid.real_name in listing


# --- the export and account closing ---------------------------------------------------------------

def _export_sheets(client, user, query=""):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(user)
    response = client.get(reverse("relief:dashboard_export") + query)
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_dashboard_export_lists_returned_payments(client, paid, cashier, city_staff, org_tree):
    _return(paid, cashier, reason="账户已销户")
    rows = _export_sheets(client, city_staff)["发放退回"]
    assert rows[0][:6] == ["申请编号", "所属工会", "专项资金", "退回金额（元）", "退回日期", "退回原因"]
    assert len(rows) == 2
    assert rows[1][0] == paid.pk and Decimal(str(rows[1][3])) == Decimal("5000.00") and rows[1][5] == "账户已销户"
    assert rows[1][8] == "退回待重付"
    # Filtered to another district: the header only.
    assert len(_export_sheets(client, city_staff, f"?org={org_tree.boai.pk}")["发放退回"]) == 1


def test_account_closing_says_the_return_records_are_kept(paid, cashier, worker):
    from apps.relief.providers import aid_records_close

    assert not any("退回" in line for line in aid_records_close(user=worker).kept)
    _return(paid, cashier)
    kept = aid_records_close(user=worker).kept
    assert any("退回登记" in line and "财务凭证" in line for line in kept)


def test_the_workers_data_copy_shows_the_return(paid, cashier, worker):
    from apps.relief.providers import my_aid_data

    _return(paid, cashier, reason="户名不符")
    sections = {section.title: section for section in my_aid_data(worker)}
    assert sections["帮扶资金退回"].rows == [[Decimal("5000.00"), timezone.localdate(), "户名不符"]]
