"""Password reset tells a stranger nothing about which numbers have accounts.

Every step is played twice, for a number with an account and for one without, and the two answers
must be the same: the resend interval, the daily limit, and each message of the code check.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from apps.accounts.models import SmsVerification
from apps.core import sms

UNKNOWN = "13700000000"
NEW_PASSWORD = "Xinmima-2026"


@pytest.fixture(autouse=True)
def locmem_sms(settings):
    settings.SMS_BACKEND = "apps.core.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _send(client, phone, capture):
    with capture(execute=True):
        response = client.post(reverse("accounts:send_code", args=["reset"]), {"phone": phone})
    if response.status_code == 302:
        return "sent"
    return _messages(response.context["code_form"])


def _check(client, code):
    response = client.post(reverse("accounts:password_reset"),
                           {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    if response.status_code == 302:
        return "reset"
    return _messages(response.context["form"])


def _messages(form) -> str:
    return " ".join(f"{field}:{message}" for field, errors in form.errors.items() for message in errors)


def _both(worker, play):
    from django.core.cache import cache
    from django.test import Client

    known = play(Client(), worker.phone)
    cache.clear()  # the per-address hourly limit is not what is compared here
    unknown = play(Client(), UNKNOWN)
    assert known == unknown
    return known


def test_resend_interval_is_the_same(worker, django_capture_on_commit_callbacks):
    def play(client, phone):
        return [_send(client, phone, django_capture_on_commit_callbacks) for _ in range(2)]

    assert _both(worker, play) == ["sent", "phone:验证码已发送，请 60 秒后再试。"]


def test_daily_limit_is_the_same(worker, django_capture_on_commit_callbacks):
    def play(client, phone):
        answers = []
        for _ in range(11):
            answers.append(_send(client, phone, django_capture_on_commit_callbacks))
            SmsVerification.objects.filter(phone=phone).update(created_at=F("created_at") - timedelta(minutes=2))
        return answers

    answers = _both(worker, play)
    assert answers[:10] == ["sent"] * 10 and "次数已达上限" in answers[10]


def test_wrong_codes_get_the_same_messages_until_the_code_dies(worker, django_capture_on_commit_callbacks):
    def play(client, phone):
        _send(client, phone, django_capture_on_commit_callbacks)
        return [_check(client, "000000") for _ in range(6)]

    answers = _both(worker, play)
    assert all("验证码不正确" in answer for answer in answers[:5]) and "已失效" in answers[5]


def test_no_code_requested_gets_the_same_message(worker, django_capture_on_commit_callbacks):
    def play(client, phone):
        session = client.session
        session["reset_phone"] = phone
        session.save()
        return _check(client, "123456")

    assert "已失效" in _both(worker, play)


def test_nothing_is_sent_to_a_number_without_an_account(db, locmem_sms, django_capture_on_commit_callbacks):
    from django.test import Client

    assert _send(Client(), UNKNOWN, django_capture_on_commit_callbacks) == "sent"
    assert not locmem_sms


def test_a_password_like_the_user_name_is_refused_after_the_code_and_the_code_kept(
        worker, locmem_sms, django_capture_on_commit_callbacks):
    import re

    from django.test import Client

    worker.username = "zhangweiming"
    worker.save()
    client = Client()
    _send(client, worker.phone, django_capture_on_commit_callbacks)
    code = re.search(r"验证码是 (\d{6})", locmem_sms[-1].text).group(1)
    response = client.post(reverse("accounts:password_reset"),
                           {"code": code, "password1": "Zhangweiming-1", "password2": "Zhangweiming-1"})
    assert response.status_code == 200 and response.context["form"].errors
    assert _check(client, code) == "reset"
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)
