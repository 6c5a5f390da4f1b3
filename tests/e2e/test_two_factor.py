"""A new staff member's first sign-in on a phone: password, the QR setup page, the code, the
recovery codes, the console. Then a second sign-in asks only for the code."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, totp_code


def _shots(tmp_path) -> Path:
    """Where to leave the screenshots: E2E_SCREENSHOTS when set (to look at them), else the test's folder."""
    return Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_new_staff_member_binds_an_authenticator_on_a_phone(page, browser, live_server, city_staff, tmp_path):
    shots = _shots(tmp_path)
    page.goto("/console/")
    page.get_by_label("手机号或用户名").fill("city_office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("heading", name="绑定身份验证器").wait_for()
    assert page.locator("[data-testid=two-factor-qr] svg").is_visible()
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(shots / "two-factor-setup-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shots / "two-factor-setup-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})

    page.get_by_label("验证码").fill("123")
    page.get_by_role("button", name="确认绑定").click()
    page.get_by_text("请输入身份验证器上显示的 6 位数字").wait_for()

    device = TOTPDevice.objects.get(user=city_staff, confirmed=False)
    page.get_by_label("验证码").fill(totp_code(device))
    page.get_by_role("button", name="确认绑定").click()

    page.get_by_role("heading", name="请保存您的恢复码").wait_for()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(shots / "two-factor-recovery-codes-360.png"), full_page=True)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url("**/console/")

    # Another browser, later: the password, then only the code.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="zh-CN")
    desktop = context.new_page()
    sign_in(desktop, "city_office")
    desktop.goto("/console/")
    assert desktop.url.endswith("/console/")
    context.close()
