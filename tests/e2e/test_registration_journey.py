"""A worker registers on a phone with the code from the SMS log, lands on /me/ and finds the welcome."""
from __future__ import annotations

import logging
import re

import pytest

from apps.accounts.models import User


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_worker_registers_and_sees_the_welcome_message(page, caplog):
    caplog.set_level(logging.INFO, logger="jiaozuo.sms")
    page.goto("/")
    page.get_by_role("link", name="职工注册").first.click()
    page.get_by_label("手机号码").fill("139 1234 5678")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_text("验证码已发送至 139****5678").wait_for()

    sms_line = next(r.getMessage() for r in caplog.records if r.name == "jiaozuo.sms")
    code = re.search(r"验证码是 (\d{6})", sms_line).group(1)

    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("真实姓名").fill("李建国")
    page.locator("#id_password1").fill("Gongren-2026")
    page.locator("#id_password2").fill("Gongren-2026")
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="注册").click()

    page.wait_for_url("**/me/")
    assert page.get_by_role("heading", name="李建国，您好").is_visible()
    assert User.objects.filter(phone="13912345678", real_name="李建国").exists()

    page.get_by_role("link", name=re.compile("消息")).first.click()
    page.wait_for_url("**/inbox/")
    assert page.get_by_test_id("inbox").get_by_text("欢迎加入焦作职工服务平台").is_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_wrong_code_keeps_the_person_on_the_form_with_a_message(page, caplog):
    caplog.set_level(logging.INFO, logger="jiaozuo.sms")
    page.goto("/accounts/register/")
    page.get_by_label("手机号码").fill("13912345679")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_label("短信验证码").fill("000001" if "000001" not in caplog.text else "000002")
    page.get_by_label("真实姓名").fill("王小明")
    page.locator("#id_password1").fill("Gongren-2026")
    page.locator("#id_password2").fill("Gongren-2026")
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="注册").click()
    assert page.get_by_text("验证码不正确").is_visible()
    assert page.get_by_label("真实姓名").input_value() == "王小明"
    assert not User.objects.filter(phone="13912345679").exists()
