"""Browser journey of the transport subsidy: a worker applies on a phone; her union confirms; the district and
the city approve; staff build a batch, download the bank file and mark it paid; the worker sees 已发放 and the
fund's remaining balance dropped by exactly that amount."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.relief.models import FundAccount
from apps.subsidies.models import Application
from tests.e2e.conftest import sign_in
from tests.subsidies.factories import PNG, bank_card, make_programme, resident_id


def _decide(page, application_pk: int, heading: str) -> None:
    page.goto(f"/subsidies/applications/{application_pk}/")
    page.get_by_role("heading", name=heading).wait_for()
    page.get_by_label("通过", exact=True).check()
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text("已办理").wait_for()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_apply_confirm_review_approve_pay(browser, live_server, page, desktop_page, worker, grassroots_staff,
                                          xiuwu_staff, city_staff, xiuwu_enterprise):
    programme = make_programme(city_staff, rule="distance", far_amount=Decimal("500.00"))
    account = FundAccount.objects.get(pk=programme.fund_account_id)
    balance_before = account.available

    phone = page  # 360 px wide
    sign_in(phone, worker.username)
    phone.goto(f"/subsidies/programmes/{programme.pk}/")
    phone.get_by_role("link", name="在线申请").click()
    phone.get_by_label("姓名").fill("张伟")
    phone.get_by_label("身份证号").fill(resident_id(555))
    phone.get_by_label("手机号").fill("13912345555")
    phone.get_by_label("返岗企业").select_option(label=xiuwu_enterprise.name)
    phone.get_by_role("textbox", name="出发地").fill("贵州省遵义市")
    phone.get_by_label("出发地距离").select_option(label="省外1000公里以上")
    phone.get_by_label("返岗日期").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    phone.locator("#id_receipt_1").set_input_files(
        {"name": "车票.png", "mimeType": "image/png", "buffer": PNG})
    phone.get_by_label("开户银行").fill("中国工商银行焦作分行")
    phone.get_by_label("银行卡号").fill("6222020000000000001")  # a typo: the Luhn check refuses it
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_text("银行卡号校验不通过").wait_for()
    # The separate consent was not ticked: its message stands under the box, and nothing is saved.
    phone.locator("#div_id_sensitive_consent").get_by_text("办理此项业务需要您单独同意处理上述敏感个人信息").wait_for()
    assert not Application.objects.exists()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.locator("#id_receipt_1").set_input_files(
        {"name": "车票.png", "mimeType": "image/png", "buffer": PNG})
    phone.get_by_label("银行卡号").fill(bank_card(555))
    phone.get_by_label("单独同意处理以上敏感个人信息").check()
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_text("申请已提交").wait_for()
    assert phone.get_by_test_id("my-status").inner_text() == "待单位工会确认返岗"
    application = Application.objects.get()
    assert application.amount == Decimal("500.00")

    staff = desktop_page
    sign_in(staff, "grassroots_staff")
    _decide(staff, application.pk, "确认返岗")
    staff.context.clear_cookies()
    sign_in(staff, "xiuwu_staff")
    _decide(staff, application.pk, "县级审核")
    staff.context.clear_cookies()
    sign_in(staff, "city_office")
    _decide(staff, application.pk, "市级审批")
    account.refresh_from_db()
    assert account.reserved == Decimal("500.00")

    staff.goto(f"/subsidies/batches/new/{programme.pk}/")
    staff.get_by_role("button", name="生成批次").click()
    staff.get_by_text("已生成发放批次").wait_for()
    with staff.expect_download() as download:
        staff.get_by_test_id("bank-file").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    staff.get_by_test_id("mark-paid").click()
    staff.get_by_text("已确认发放").wait_for()
    assert staff.get_by_test_id("batch-status").inner_text() == "已发放"

    phone.goto("/me/")
    phone.get_by_text("已发放").first.wait_for()
    phone.goto(f"/subsidies/mine/{application.pk}/")
    assert phone.get_by_test_id("my-status").inner_text() == "已发放"
    account.refresh_from_db()
    assert balance_before - account.available == Decimal("500.00")
    assert account.spent == Decimal("500.00") and account.reserved == Decimal("0.00")
