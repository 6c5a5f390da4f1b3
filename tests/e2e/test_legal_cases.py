"""Browser journey of the legal-aid green channel: a worker applies on a phone, staff accept on the green
channel and assign a lawyer, the lawyer records a mediation entry, the worker follows it on /me/."""
from __future__ import annotations

import pytest

from apps.accounts.roles import Role
from apps.legal_aid import services
from apps.legal_aid.models import LegalAidCase
from tests.e2e.conftest import sign_in
from tests.factories import UserFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_worker_applies_staff_accept_green_lawyer_records_worker_follows(page, desktop_page, worker, xiuwu_staff):
    services.categories_ensure()
    UserFactory(username="lawyer_liu", real_name="刘律师", roles=[Role.VOLUNTEER_LAWYER])
    phone, desk = page, desktop_page

    sign_in(phone, worker.username)
    phone.goto("/legal/")
    phone.get_by_role("link", name="申请法律援助（绿色通道）").click()
    phone.get_by_label("纠纷类型").select_option(label="工资报酬")
    phone.get_by_label("所在县（市、区）总工会").select_option(label="修武县总工会")
    phone.get_by_label("对方当事人").fill("修武县宏达建筑劳务有限公司")
    phone.get_by_label("请求金额（元）").fill("-36800")
    phone.get_by_label("纠纷经过").fill("春节后复工以来，公司连续三个月没有发工资，工友十二人共被拖欠三万六千八百元。")
    phone.get_by_label("我是农民工").check()
    phone.get_by_label("单独同意处理以上敏感个人信息").check()
    assert phone.get_by_label("联系电话").input_value() == worker.phone
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_text("金额不能为负数").wait_for()  # next to the field, nothing saved
    assert not LegalAidCase.objects.exists()
    phone.get_by_label("请求金额（元）").fill("36800")
    phone.get_by_label("涉及职工人数").fill("12")
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_text("符合绿色通道条件，将优先受理").wait_for()
    case = LegalAidCase.objects.get()
    assert case.green_channel and case.workers_involved == 12
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    sign_in(desk, xiuwu_staff.username)
    desk.goto("/console/")
    desk.get_by_role("link", name="绿色通道待受理的法律援助申请").first.click()
    desk.get_by_test_id("case-row").filter(has_text="修武县宏达建筑劳务有限公司").get_by_role("link").click()
    accept = desk.get_by_test_id("accept-form")
    assert accept.get_by_label("走绿色通道（优先办理）").is_checked()
    accept.get_by_label("承办律师").select_option(label="刘律师")
    accept.get_by_role("button", name="受理并生成案号").click()
    desk.get_by_text("已受理，案号已生成").wait_for()
    case.refresh_from_db()
    assert case.status == "accepted" and case.lawyer.username == "lawyer_liu"
    assert case.case_number in desk.locator("h1").inner_text()

    desk.context.clear_cookies()
    sign_in(desk, "lawyer_liu")
    desk.goto("/legal/cases/assigned/")
    desk.get_by_test_id("assigned-row").filter(has_text=case.case_number).get_by_role("link").click()
    entry = desk.get_by_test_id("entry-form")
    entry.get_by_label("阶段").select_option(label="调解")
    entry.get_by_label("办理情况").fill("组织双方在乡镇劳动争议调解委员会调解，单位同意月底前支付一半欠薪。")
    entry.get_by_role("button", name="保存进展").click()
    desk.get_by_text("进展已记录").wait_for()

    phone.goto("/me/")
    row = phone.get_by_role("link", name=f"{case.case_number} · 工资报酬")
    assert "调解阶段" in phone.locator("li", has=row).inner_text()
    row.click()
    assert "单位同意月底前支付一半欠薪" in phone.get_by_test_id("entries").inner_text()
    assert "调解" in phone.get_by_test_id("stages").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
