"""Browser journey of the reporting workbench: task → pre-filled submission → return → resubmit → accept."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from tests.e2e.conftest import sign_in
from tests.reports.factories import LIVE_HIRES, install_test_indicator


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_report_round_trip(desktop_page, page, city_staff, xiuwu_staff, boai_staff, org_tree, monkeypatch):
    install_test_indicator(monkeypatch)
    LIVE_HIRES[org_tree.xiuwu.pk] = 8
    today = timezone.localdate()
    office = desktop_page

    # The city office creates a task and builds its form.
    sign_in(office, "city_office")
    office.goto("/reports/tasks/new/")
    office.get_by_label("任务名称").fill("复工复产落实情况报告")
    office.get_by_label("报送周期").select_option("once")
    office.get_by_label("统计起始日期").fill((today - timedelta(days=7)).isoformat())
    office.get_by_label("统计截止日期").fill(today.isoformat())
    office.get_by_label("报送截止日期").fill((today + timedelta(days=3)).isoformat())
    office.get_by_role("button", name="保存").click()
    # 达成就业人数 itself is an indicator the editor would refuse to have typed: this is the offline part.
    for label, kind, extra in [("求职申请人次", "number", None), ("线下招聘会达成就业人数", "number", None),
                               ("平台撮合就业", "indicator", "testapp.hires")]:
        office.locator("#id_field-label").fill(label)
        office.locator("#id_field-kind").select_option(kind)
        if extra:
            office.locator("#id_field-indicator_key").select_option(extra)
        office.get_by_role("button", name="添加填报项").click()
        office.get_by_text("已添加。").wait_for()
    office.get_by_role("button", name="发布任务").click()
    office.get_by_text("任务已发布").wait_for()

    # The district officer sees the indicator pre-filled and submits.
    sign_in(page, "xiuwu_staff")
    page.goto("/reports/mine/")
    page.get_by_role("link", name="填报").click()
    assert page.locator("[data-indicator]").inner_text().startswith("8")
    page.get_by_label("求职申请人次").fill("100")
    page.get_by_label("达成就业人数").fill("30")
    page.get_by_role("button", name="报送").click()
    page.get_by_text("报告已报送").wait_for()

    # The office returns it with a comment.
    office.goto("/reports/review/")
    office.get_by_role("link", name="修武县总工会").click()
    office.get_by_label("审核意见").fill("请核实达成就业人数。")
    office.get_by_role("button", name="退回修改").click()
    office.get_by_text("报告已退回").wait_for()

    # The officer corrects and resubmits.
    page.goto("/reports/mine/")
    page.get_by_role("link", name="填报").click()
    assert "请核实达成就业人数。" in page.get_by_test_id("return-comment").inner_text()
    page.get_by_label("达成就业人数").fill("35")
    page.get_by_role("button", name="报送").click()
    page.get_by_text("报告已报送").wait_for()

    # The office accepts; the completeness table shows it on time.
    office.goto("/reports/review/")
    office.get_by_role("link", name="修武县总工会").click()
    office.get_by_role("button", name="通过").click()
    office.get_by_text("报告已通过并锁定").wait_for()
    assert office.get_by_test_id("submission-status").inner_text() == "已通过"
    office.goto("/reports/tasks/")
    office.get_by_role("link", name="复工复产落实情况报告").click()
    office.locator(f"a[title*='{date_format(today)}']").first.click()
    assert office.get_by_test_id("count-on-time").inner_text() == "1"
    assert office.get_by_test_id("count-missing").inner_text() == "1"
    row = office.locator("tr[data-org='修武县总工会']")
    assert "按时" in row.inner_text() and "已通过" in row.inner_text()
