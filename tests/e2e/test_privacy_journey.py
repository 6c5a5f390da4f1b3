"""On a phone: a worker reads the privacy notice, downloads their records, closes the account;
a visitor who mistypes an address meets the Chinese 404 page."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from apps.accounts.models import User
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_worker_downloads_their_records_and_closes_the_account(page, worker, tmp_path):
    page.goto("/")
    page.get_by_role("link", name="个人信息保护说明").click()
    page.wait_for_url("**/privacy/")
    assert page.get_by_role("heading", name="个人信息保护说明", level=1).is_visible()

    sign_in(page, worker.username, PASSWORD)
    page.wait_for_url("**/me/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载我的个人信息（Excel）").click()
    download = download_info.value
    assert download.suggested_filename.startswith("我的个人信息-")
    target = tmp_path / "copy.xlsx"
    download.save_as(target)
    assert "账号信息" in load_workbook(target).sheetnames

    page.get_by_role("link", name="注销账号").click()
    page.get_by_label("登录密码").fill("not-my-password")
    page.get_by_label("我已了解").check()
    page.get_by_role("button", name="确认注销").click()
    assert page.get_by_text("密码不正确").first.is_visible()
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("我已了解").check()
    page.get_by_role("button", name="确认注销").click()
    page.get_by_role("heading", name="账号已注销").wait_for()
    assert not User.objects.get(pk=worker.pk).is_active
    page.goto("/me/")
    assert "/accounts/login/" in page.url


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_mistyped_address_meets_the_chinese_404_page(page):
    response = page.goto("/jobs/no-such-post/")
    assert response.status == 404
    assert page.get_by_role("heading", name="没有找到这个页面").is_visible()
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url("**/")
