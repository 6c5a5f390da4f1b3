"""Browser journey of labour disputes: a county officer records a collective dispute on a phone, the city
officer sees the alert in the inbox and the console; then the county officer records a collective
negotiation with its signed agreement."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.legal_aid.models import CollectiveNegotiation, LabourDispute
from tests.e2e.conftest import sign_in
from tests.protection.factories import PDF


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_county_records_a_collective_dispute_city_is_alerted_then_a_negotiation(
        page, desktop_page, xiuwu_staff, city_staff, xiuwu_enterprise, tmp_path):
    phone, desk = page, desktop_page
    occurred = (timezone.localdate() - timedelta(days=3)).isoformat()

    sign_in(phone, xiuwu_staff.username)
    phone.goto("/legal/disputes/")
    phone.get_by_role("link", name="登记劳动争议").click()
    phone.get_by_label("企业").select_option(label=xiuwu_enterprise.name)
    phone.get_by_label("争议类型").select_option(label="疫情期间工资待遇")
    phone.get_by_label("发生日期").fill(occurred)
    phone.get_by_label("涉及职工人数").fill("0")
    phone.get_by_label("涉及金额（元）").fill("180000")
    phone.get_by_label("争议情况").fill("企业停工超过一个工资支付周期，未向职工发放生活费。")
    phone.get_by_role("button", name="登记").click()
    phone.get_by_text("涉及职工人数至少为 1 人").wait_for()  # next to the field, nothing saved
    assert not LabourDispute.objects.exists()
    phone.get_by_label("涉及职工人数").fill("15")
    phone.get_by_label("因疫情引发（疫情期间停工、隔离、工资待遇等）").check()
    phone.get_by_role("button", name="登记").click()
    phone.get_by_text("已立即通知县（市、区）总工会和市总工会").wait_for()
    dispute = LabourDispute.objects.get()
    assert dispute.collective and dispute.epidemic_related
    assert "预警" in phone.get_by_test_id("timeline").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    sign_in(desk, city_staff.username)
    desk.goto("/inbox/")
    desk.get_by_test_id("inbox").get_by_text(f"劳动争议预警：{xiuwu_enterprise.name}").click()
    desk.wait_for_url(f"**/legal/disputes/{dispute.pk}/")
    assert "集体劳动争议，涉及 15 名职工" in desk.get_by_test_id("timeline").inner_text()
    desk.goto("/console/")
    desk.get_by_role("link", name="未结的集体劳动争议").first.click()
    assert xiuwu_enterprise.name in desk.get_by_test_id("dispute-row").first.inner_text()
    desk.get_by_role("link", name=xiuwu_enterprise.name).first.click()
    desk.wait_for_url(f"**/legal/disputes/{dispute.pk}/")

    phone.goto("/legal/negotiations/new/")
    phone.get_by_role("combobox", name="企业").select_option(label=xiuwu_enterprise.name)
    phone.get_by_label("协商议题").select_option(label="疫情期间安排")
    phone.get_by_label("协商日期").fill(occurred)
    phone.get_by_label("职工方代表").fill("工会主席 李明，职工代表 王强")
    phone.get_by_label("企业方代表").fill("总经理 张华")
    phone.get_by_role("checkbox", name="达成协议").check()
    phone.get_by_label("协议主要内容（达成协议时必填）").fill("停工期间按当地最低工资标准的 80% 发放生活费。")
    phone.get_by_label("覆盖职工人数").fill("120")
    agreement = tmp_path / "协议.pdf"
    agreement.write_bytes(PDF)
    phone.get_by_label("协议文本（可选）").set_input_files(str(agreement))
    phone.get_by_role("button", name="登记").click()
    phone.get_by_text("已登记集体协商").wait_for()
    negotiation = CollectiveNegotiation.objects.get()
    assert negotiation.agreement_reached and negotiation.agreement_file.name.endswith(".pdf")
    with phone.expect_download() as download:
        phone.get_by_test_id("agreement-file").click()
    assert download.value.path().read_bytes() == PDF
