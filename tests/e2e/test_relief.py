"""Browser journey of relief: a grassroots union applies for aid on a worker's behalf; the district and the city
approve; staff pay; the worker sees 已发放 on /me/; the fund's balance dropped by exactly that amount."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.accounts.roles import Role
from apps.relief.models import AidApplication
from tests.e2e.conftest import sign_in
from tests.factories import make_staff
from tests.protection.factories import PNG
from tests.relief.factories import allocate, make_fund


@pytest.fixture
def relief_setup(city_staff, org_tree):
    """The tier table and a fund of which 修武县 holds 20,000 yuan."""
    from apps.relief import services

    services.tier_rules_save(actor=city_staff, rows=[
        {"tier": "1", "cause": "", "income_ceiling": Decimal("800"), "amount": Decimal("5000"),
         "max_amount": Decimal("8000")}])
    return allocate(city_staff, make_fund(city_staff, "100000.00"), org_tree.xiuwu, "20000.00")


def _person(browser, live_server, *, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url,
                                  locale="zh-CN")
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_union_applies_district_and_city_approve_staff_pay_worker_sees_paid(
        browser, live_server, page, org_tree, grassroots_staff, xiuwu_staff, city_staff, worker, relief_setup):
    xiuwu_account = relief_setup
    make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_cashier")
    before = xiuwu_account.available

    union = page  # the grassroots union's clerk, on a phone
    sign_in(union, "grassroots_staff")
    union.goto("/relief/aid/enter/")
    assert union.evaluate("document.documentElement.scrollWidth") <= 360
    union.get_by_label("职工手机号码").fill(worker.username)
    union.get_by_label("姓名").fill("张伟")
    union.get_by_label("工作单位").fill("修武县恒达机械制造有限公司")
    union.get_by_label("致困原因").select_option(label="感染新冠肺炎（含家属）")
    union.get_by_label("家庭人口").fill("4")
    union.get_by_label("家庭月收入（元）").fill("2400")
    union.get_by_label("困难情况").fill("本人感染住院一个月，妻子无业，两个孩子上学。")
    union.get_by_label("证明材料").set_input_files({"name": "诊断证明.png", "mimeType": "image/png", "buffer": PNG})
    union.get_by_label("已取得职工本人的书面同意").check()  # the worker's written consent (PIPL art. 29)
    union.get_by_role("button", name="提交申请").click()
    union.get_by_text("已代职工提交帮扶申请").wait_for()
    application = AidApplication.objects.get()
    assert application.status == "county"

    contexts = []
    for username, action in (("xiuwu_staff", "district"), ("city_office", "city"), ("xiuwu_cashier", "pay")):
        context, officer = _person(browser, live_server)
        contexts.append(context)
        sign_in(officer, username)
        officer.goto(f"/relief/aid/{application.pk}/")
        if action == "district":
            officer.get_by_role("button", name="审核通过，报上一级").click()
            officer.get_by_text("审核通过，已报上一级").wait_for()
        elif action == "city":
            officer.get_by_label("核定档次").select_option(value="1")
            officer.get_by_label("核定金额（元）").fill("5000.00")
            officer.get_by_label("支出资金").select_option(value=str(xiuwu_account.pk))
            officer.get_by_role("button", name="批准", exact=True).click()
            officer.get_by_text("已批准并预留资金").wait_for()
        else:
            officer.get_by_test_id("pay").click()
            officer.get_by_text("帮扶资金已发放").wait_for()
            officer.goto(f"/relief/funds/{xiuwu_account.fund_id}/")
            shown = officer.get_by_test_id("own-available").inner_text()
            assert Decimal(shown) == before - Decimal("5000.00")

    context, own = _person(browser, live_server, width=360)
    contexts.append(context)
    sign_in(own, worker.username)
    own.goto("/me/")
    assert "已发放" in own.get_by_text("困难帮扶申请").locator("xpath=ancestor::*[1]").inner_text() or \
        "已发放" in own.content()
    own.goto(f"/relief/aid/{application.pk}/")
    steps = own.get_by_test_id("steps").inner_text()
    assert "工会代为申请" in steps and "审核通过" in steps and "批准并预留资金" in steps and "已发放" in steps
    for context in contexts:
        context.close()

    application.refresh_from_db()
    xiuwu_account.refresh_from_db()
    assert application.status == "paid"
    assert xiuwu_account.available == before - Decimal("5000.00")
    assert xiuwu_account.spent == Decimal("5000.00") and xiuwu_account.reserved == 0


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_bank_returns_a_payment_clerk_records_it_worker_is_told_clerk_pays_again(
        browser, live_server, page, org_tree, grassroots_staff, xiuwu_staff, city_staff, worker, relief_setup):
    from django.utils import timezone

    from apps.relief import services
    from tests.relief.conftest import facts, pay_through

    xiuwu_account = relief_setup
    cashier = make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_cashier")
    application = pay_through(services.aid_apply(actor=grassroots_staff, worker=worker, **facts()),
                              county_staff=xiuwu_staff, city_staff=city_staff, account=xiuwu_account, payer=cashier)
    xiuwu_account.refresh_from_db()
    paid_balance = xiuwu_account.available

    clerk = page  # the county's cashier, on a phone
    sign_in(clerk, "xiuwu_cashier")
    clerk.goto(f"/relief/aid/{application.pk}/")
    clerk.get_by_test_id("record-return").click()
    # The form's page first (the click navigates; measuring before it has loaded found no document).
    assert clerk.get_by_label("退回金额（元）").input_value() == "5000.00"
    assert clerk.evaluate("document.documentElement.scrollWidth") <= 360
    clerk.get_by_label("退回原因").fill("")
    clerk.get_by_role("button", name="登记退回").click()
    clerk.get_by_text("请填写退回原因。").wait_for()
    clerk.get_by_label("退回原因").fill("卡号有误，银行退回")
    clerk.get_by_label("退回日期").fill(timezone.localdate().isoformat())
    clerk.get_by_role("button", name="登记退回").click()
    clerk.get_by_text("已登记退回").wait_for()
    assert clerk.get_by_test_id("aid-status").inner_text() == "退回待重付"
    xiuwu_account.refresh_from_db()
    assert xiuwu_account.available == paid_balance + Decimal("5000.00")

    context, own = _person(browser, live_server, width=360)
    sign_in(own, worker.username)
    own.goto("/inbox/")
    own.get_by_text("帮扶资金被银行退回，请更新银行卡").first.wait_for()
    own.goto(f"/relief/aid/{application.pk}/")
    assert "提供新的银行卡信息" in own.get_by_test_id("payment-returned").inner_text()
    assert own.get_by_test_id("repay").count() == 0 and own.get_by_test_id("record-return").count() == 0

    clerk.get_by_test_id("repay").click()
    clerk.get_by_text("帮扶资金已重新支付").wait_for()
    assert clerk.get_by_test_id("aid-status").inner_text() == "已发放"
    assert clerk.get_by_test_id("repay").count() == 0
    assert "卡号有误，银行退回" in clerk.get_by_test_id("payment-returns").inner_text()
    own.goto(f"/relief/aid/{application.pk}/")
    steps = own.get_by_test_id("steps").inner_text()
    assert "发放退回" in steps and "重新支付" in steps
    context.close()

    application.refresh_from_db()
    xiuwu_account.refresh_from_db()
    assert application.status == "paid" and application.payment_returns.count() == 1
    assert xiuwu_account.available == paid_balance and xiuwu_account.spent == Decimal("5000.00")
