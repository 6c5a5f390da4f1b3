"""Browser journeys for organizing: a courier joins on a phone and shows his card; staff import a
census file and see its report and the enterprises without a union."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from apps.accounts.roles import Role
from apps.core.demo import credit_code_for
from apps.core.models import Organization
from apps.organizing.models import Membership
from apps.organizing.services.census import COLUMNS
from tests.factories import EnterpriseFactory, UserFactory, make_organization, make_staff
from tests.organizing.conftest import id_number

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tree():
    city = make_organization("焦作市总工会", Organization.Type.CITY, code="410800")
    xiuwu = make_organization("修武县总工会", Organization.Type.COUNTY, city, code="410821")
    return city, xiuwu


def test_courier_joins_on_a_phone_and_opens_his_card_and_its_verification(page):
    _city, xiuwu = _tree()
    EnterpriseFactory(name="修武县顺达快递服务部", district=xiuwu, employee_count=12)
    UserFactory(username="13900000021", real_name="马超")
    staff = make_staff(xiuwu, Role.COUNTY_STAFF, username="xiuwu_staff", is_staff=True)
    sign_in(page, "13900000021")
    page.goto("/join/")
    page.get_by_test_id("start-join").click()
    page.get_by_label("身份证号码").fill(id_number(21))
    page.get_by_role("button", name="下一步").click()
    page.get_by_placeholder("单位名称或统一社会信用代码").fill("顺达快递")
    page.get_by_role("button", name="搜索").click()
    page.get_by_label("修武县顺达快递服务部").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("职业（岗位）").fill("快递员")
    page.get_by_label("是否新就业形态劳动者").select_option(label="快递员")
    page.get_by_label("我自愿加入").check()
    page.get_by_role("button", name="提交申请").click()
    assert "联合工会" in page.get_by_test_id("open-application").inner_text()

    # The county's catch-all union approves (its staff are the county's staff).
    staff_context = page.context.browser.new_context(base_url=page.url.split("/join/")[0],
                                                     viewport={"width": 1280, "height": 900})
    staff_page = staff_context.new_page()
    sign_in(staff_page, staff.username)
    staff_page.goto("/join/console/applications/")
    staff_page.get_by_role("link", name="马超").click()
    staff_page.get_by_role("button", name="通过，发放会员卡").click()
    staff_context.close()

    page.goto("/me/")
    page.get_by_role("link", name="电子会员卡").first.click()
    number = page.get_by_test_id("member-number").inner_text()
    assert number == Membership.objects.get().member_number and number.startswith("410821")
    page.get_by_test_id("verify-link").click()
    assert page.get_by_test_id("card-valid").is_visible()
    shown = page.locator("main").inner_text()
    assert "马*" in shown and "马超" not in shown


def _census_file(path):
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    sheet.append(["修武县新兴物流有限公司", credit_code_for(7001), "修武县工业路8号", "修武县", "物流快递", 86])
    sheet.append(["修武县坏代码有限公司", "91410800MA00000000", "修武县工业路9号", "修武县", "建筑", 30])
    sheet.append(["某地未知企业", credit_code_for(7003), "某路1号", "火星区", "建筑", 30])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_staff_import_a_census_file_and_see_its_report_and_the_enterprises_without_a_union(desktop_page, tmp_path):
    page = desktop_page
    _city, xiuwu = _tree()
    make_staff(xiuwu, Role.COUNTY_STAFF, username="xiuwu_staff", is_staff=True)
    sign_in(page, "xiuwu_staff")
    page.goto("/join/console/census/")
    page.get_by_label("数据文件").set_input_files(str(_census_file(tmp_path / "四经普.xlsx")))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_selector("[data-testid=census-report]")
    assert page.get_by_test_id("created").inner_text() == "1"
    assert page.get_by_test_id("rejected").inner_text() == "2"
    assert "未知的县" in page.content() and "校验位" in page.content()
    page.get_by_role("link", name="查看未建会企业").click()
    assert page.get_by_role("link", name="修武县新兴物流有限公司").is_visible()
