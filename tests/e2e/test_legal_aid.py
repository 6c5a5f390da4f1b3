"""Browser journeys of legal aid: a worker asks on a phone, a lawyer claims and answers, the worker replies
and rates, staff see the response time; a red screening raises a warning seen in the district's console."""
from __future__ import annotations

import pytest

from apps.accounts.roles import Role
from apps.legal_aid import services
from apps.legal_aid.models import Consultation, RiskScreening
from tests.e2e.conftest import sign_in
from tests.factories import UserFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_worker_asks_lawyer_answers_worker_rates_staff_see_time(page, desktop_page, worker, city_staff):
    services.categories_ensure()
    UserFactory(username="lawyer_liu", real_name="刘律师", roles=[Role.VOLUNTEER_LAWYER])
    phone, desk = page, desktop_page

    sign_in(phone, worker.username)
    phone.goto("/legal/")
    phone.get_by_role("link", name="在线咨询").click()
    phone.get_by_label("问题类别").select_option(label="工资报酬")
    phone.get_by_label("事实经过").fill("公司拖欠我两个月工资，老板说等疫情过去再发，我该怎么办？")
    phone.get_by_label("同意在隐去个人信息后，将问答匿名公开供其他职工参考").check()
    phone.get_by_role("button", name="提交咨询").click()
    phone.get_by_text("已收到您的咨询").wait_for()
    consultation = Consultation.objects.get()

    sign_in(desk, "lawyer_liu")
    desk.goto("/legal/queue/")
    row = desk.get_by_test_id("queue-row").filter(has_text=f"#{consultation.pk}")
    row.get_by_role("button", name="认领").click()
    desk.get_by_text("已认领，请尽快答复").wait_for()
    desk.get_by_label("答复内容").fill("请保留工资条和考勤记录，可向劳动监察投诉或申请劳动仲裁。")
    desk.get_by_role("button", name="发送答复").click()
    desk.get_by_text("已保存").wait_for()
    desk.get_by_label("内部备注（职工看不到）").fill("当事人可能需要法律援助。")
    desk.get_by_role("button", name="添加内部备注（职工不可见）").click()
    desk.get_by_text("已保存").wait_for()

    phone.reload()
    assert "劳动仲裁" in phone.get_by_test_id("thread").inner_text()
    assert "法律援助" not in phone.get_by_test_id("thread").inner_text()
    phone.get_by_label("继续追问").fill("仲裁需要准备哪些材料？")
    phone.get_by_role("button", name="追问").click()
    phone.get_by_text("已保存").wait_for()

    desk.reload()
    desk.get_by_label("答复内容").fill("劳动合同、工资条、考勤记录和身份证复印件。")
    desk.get_by_role("button", name="发送答复").click()
    desk.get_by_text("已保存").wait_for()

    phone.reload()
    phone.get_by_label("5 星").check()
    phone.get_by_label("评价意见（可选）").fill("解答很清楚")
    phone.get_by_role("button", name="提交评价并结束").click()
    phone.get_by_text("感谢您的评价").wait_for()
    assert "5 星" in phone.get_by_test_id("rating").inner_text()
    consultation.refresh_from_db()
    assert consultation.status == "closed" and consultation.first_response_seconds is not None

    desk.context.clear_cookies()
    sign_in(desk, city_staff.username)
    desk.goto("/legal/staff/overview/")
    assert "刘律师" in desk.get_by_role("table").first.inner_text()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_red_screening_warns_the_district_console(page, desktop_page, grassroots_staff, xiuwu_staff,
                                                  xiuwu_enterprise):
    sign_in(page, grassroots_staff.username)
    page.goto("/legal/screenings/new/")
    page.get_by_label("企业").select_option(label=xiuwu_enterprise.name)
    page.get_by_label("职工人数").fill("60")
    page.get_by_label("拖欠工资金额（元）").fill("600000")
    page.get_by_label("拖欠工资月数").fill("3")
    page.get_by_label("计划裁员人数").fill("20")
    page.get_by_label("停产或半停产").check()
    page.get_by_role("button", name="保存并评分").click()
    page.get_by_text("已向县区和市总工会发出红色预警").wait_for()
    assert RiskScreening.objects.get().level == "red"

    sign_in(desktop_page, xiuwu_staff.username)
    desktop_page.goto("/console/")
    desktop_page.get_by_role("link", name="稳定风险红色预警").first.click()
    warnings = desktop_page.get_by_test_id("red-warnings").inner_text()
    assert xiuwu_enterprise.name in warnings
    heat = desktop_page.get_by_test_id("heat-table").inner_text()
    assert "修武县" in heat
