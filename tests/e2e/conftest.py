"""Browser journeys: Playwright driving Debian's chromium, headless, against live_server."""
from __future__ import annotations

import pytest

from tests.conftest import CHROMIUM, require_chromium
from tests.factories import PASSWORD, totp_code

LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield launched
        # While Playwright's event loop runs in this thread (from the first browser test to here), Django
        # keeps the connections the tests open apart from the thread's own (asgiref stores them per async
        # context when a loop is running). Closed here, while the loop still runs: otherwise the one the
        # later tests used outlives the run and the test database cannot be dropped ("is being accessed
        # by other users").
        connections.close_all()
        launched.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh phone-sized page (360 px wide) whose relative URLs go to the live server."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url,
                                  locale="zh-CN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would; staff then pass the second step."""
    page.goto("/accounts/login/")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        pass_second_step(page, username)


def pass_second_step(page, username: str) -> None:
    """Type the code the person's authenticator would show (its secret read from the database).

    A staff member without an authenticator binds one on the setup page and goes past the
    recovery codes, as on their first sign-in.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolling = "/accounts/two-factor/setup/" in page.url
    device = TOTPDevice.objects.filter(user__username=username, confirmed=not enrolling).latest("pk")
    page.get_by_label("验证码").fill(totp_code(device))
    page.get_by_role("button", name="确认绑定" if enrolling else "验证").click()
    page.wait_for_load_state()
    if enrolling:
        page.get_by_role("link", name="我已保存，继续").click()
        page.wait_for_load_state()
