"""Browser journeys of labour protection: a resumption plan returned and approved; a worker's anonymous hazard
report assigned, rectified with a photo, verified by another officer and shown closed on the worker's page."""
from __future__ import annotations

import pytest

from apps.accounts.roles import Role
from apps.protection.models import PLAN_ITEMS, Hazard, ResumptionPlan
from tests.e2e.conftest import sign_in
from tests.factories import make_staff
from tests.protection.factories import PDF, PNG


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_plan_returned_resubmitted_and_approved(page, desktop_page, grassroots_staff, xiuwu_staff,
                                                xiuwu_enterprise):
    enterprise_side, district = page, desktop_page

    sign_in(enterprise_side, "grassroots_staff")
    enterprise_side.goto("/protection/plans/new/")
    for _, label, _ in PLAN_ITEMS:
        enterprise_side.get_by_label(label).fill(f"{label}：专人负责，每日检查")
    enterprise_side.get_by_label("复工方案文件").set_input_files(
        {"name": "复工方案.pdf", "mimeType": "application/pdf", "buffer": PDF})
    enterprise_side.get_by_role("button", name="提交审核").click()
    enterprise_side.get_by_text("复工方案已提交").wait_for()

    sign_in(district, "xiuwu_staff")
    district.goto("/protection/plans/?status=submitted")
    district.get_by_role("link", name=xiuwu_enterprise.name).click()
    district.get_by_label("退回修改").check()
    district.get_by_label("审核意见").fill("食堂请写明分批就餐时间。")
    district.get_by_role("button", name="提交审核结果").click()
    district.get_by_text("方案已退回修改").wait_for()
    assert district.get_by_test_id("plan-status").inner_text() == "已退回"

    enterprise_side.goto("/protection/plans/")
    enterprise_side.get_by_role("link", name=xiuwu_enterprise.name).click()
    enterprise_side.get_by_role("link", name="修改后重新提交").click()
    assert "食堂请写明分批就餐时间。" in enterprise_side.get_by_test_id("return-comment").inner_text()
    enterprise_side.get_by_label("食堂管理").fill("分三批就餐：11:30、12:00、12:30，每桌一人")
    enterprise_side.get_by_label("本次修改说明").fill("补充食堂措施")
    enterprise_side.get_by_role("button", name="提交审核").click()
    enterprise_side.get_by_text("复工方案已提交").wait_for()

    district.goto("/protection/plans/?status=submitted")
    district.get_by_role("link", name=xiuwu_enterprise.name).click()
    changes = district.get_by_test_id("plan-changes").inner_text()
    assert "食堂管理" in changes and "分三批就餐" in changes and "宿舍管理" not in changes
    district.get_by_label("通过", exact=True).check()
    district.get_by_role("button", name="提交审核结果").click()
    district.get_by_text("方案已通过").wait_for()
    assert district.get_by_test_id("plan-status").inner_text() == "已通过"
    assert district.get_by_test_id("plan-version").count() == 2
    assert ResumptionPlan.objects.get().status == "approved"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_anonymous_report_to_closed(browser, live_server, page, desktop_page, org_tree, xiuwu_enterprise,
                                    xiuwu_staff, grassroots_staff):
    make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_verifier")
    worker = page  # a phone, 360 px wide, nobody signed in

    worker.goto("/protection/report/")
    assert worker.evaluate("document.documentElement.scrollWidth") <= 360
    worker.get_by_label("企业所在县（市、区）").select_option(label="修武县总工会")
    worker.get_by_label("企业名称").fill("恒达机械")
    worker.get_by_label("隐患所在位置").fill("冲压车间")
    worker.get_by_label("隐患描述").fill("冲压机的防护罩被拆掉了，手离模具很近，很危险。")
    worker.get_by_label("现场照片（可选）").set_input_files({"name": "现场.png", "mimeType": "image/png",
                                                          "buffer": PNG})
    worker.get_by_role("button", name="提交举报").click()
    worker.get_by_test_id("follow-result").wait_for()
    reference = Hazard.objects.get().reference
    assert reference in worker.get_by_test_id("follow-result").inner_text()
    assert "已上报" in worker.get_by_test_id("hazard-status").inner_text()

    officer = desktop_page
    sign_in(officer, "xiuwu_staff")
    officer.goto("/protection/hazards/?status=reported")
    officer.get_by_test_id("hazard-row").get_by_role("link").click()
    assert "匿名" in officer.content()
    officer.get_by_label("隐患等级").select_option("serious")
    officer.get_by_label("整改责任人").fill("李主任")
    officer.get_by_role("button", name="交办企业整改").click()
    officer.get_by_text("已交办企业整改").wait_for()
    hazard_url = officer.url

    def new_person(width):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url,
                                      locale="zh-CN")
        context.set_default_timeout(10_000)
        return context, context.new_page()

    context, enterprise_side = new_person(360)
    sign_in(enterprise_side, "grassroots_staff")
    enterprise_side.goto(hazard_url)
    enterprise_side.get_by_label("整改措施").fill("已重新安装防护罩并加装光电保护。")
    enterprise_side.get_by_label("整改后照片").set_input_files({"name": "整改后.png", "mimeType": "image/png",
                                                            "buffer": PNG})
    enterprise_side.get_by_role("button", name="提交整改情况").click()
    enterprise_side.get_by_text("整改情况已报告").wait_for()
    context.close()

    context, verifier = new_person(1280)
    sign_in(verifier, "xiuwu_verifier")
    verifier.goto(hazard_url)
    verifier.get_by_label("验收意见").fill("现场复核，防护装置有效。")
    verifier.get_by_role("button", name="验收销号").click()
    verifier.get_by_text("已验收销号").wait_for()
    assert verifier.get_by_test_id("hazard-status").first.inner_text() == "已销号"
    context.close()

    worker.goto(f"/protection/report/follow/?ref={reference}")
    worker.get_by_test_id("follow-closed").wait_for()
    assert "已销号" in worker.get_by_test_id("hazard-status").inner_text()
