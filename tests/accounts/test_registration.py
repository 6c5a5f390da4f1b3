from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.accounts.models import SmsVerification, User
from apps.core import sms
from apps.notifications.models import Notification

PHONE = "13912345678"
GOOD_PASSWORD = "Gongren-2026"


@pytest.fixture(autouse=True)
def locmem_sms(settings):
    settings.SMS_BACKEND = "apps.core.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _send_code(client, phone=PHONE, *, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:send_code", args=["register"]), {"phone": phone})


def _last_code() -> str:
    return re.search(r"验证码是 (\d{6})", sms.outbox[-1].text).group(1)


def _register(client, code, **overrides):
    data = {"code": code, "real_name": "李四", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, "agree": "on"}
    data.update(overrides)
    return client.post(reverse("accounts:register"), data)


def test_worker_registers_with_the_code_and_is_greeted(client, db, django_capture_on_commit_callbacks):
    response = _send_code(client, "+86 139 1234 5678", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert sms.outbox[-1].phone == PHONE and "【焦作市总工会】" in sms.outbox[-1].text
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, _last_code())
    assert response.status_code == 302 and response["Location"] == reverse("core:me")
    user = User.objects.get(phone=PHONE)
    assert user.real_name == "李四" and user.organization is None and user.phone_verified_at
    assert user.password.startswith("argon2")
    assert Notification.objects.filter(recipient=user, title__contains="欢迎").count() == 1
    assert client.get(reverse("core:me")).status_code == 200


def test_wrong_code_is_refused_next_to_the_field_and_nothing_saved(client, db, django_capture_on_commit_callbacks):
    _send_code(client, capture=django_capture_on_commit_callbacks)
    wrong = "000000" if _last_code() != "000000" else "111111"
    response = _register(client, wrong)
    assert response.status_code == 200
    assert "验证码不正确" in str(response.context["form"].errors["code"])
    assert not User.objects.filter(phone=PHONE).exists()
    assert SmsVerification.objects.get(phone=PHONE).attempts == 1


def test_code_dies_after_five_wrong_guesses(client, db, django_capture_on_commit_callbacks):
    _send_code(client, capture=django_capture_on_commit_callbacks)
    right = _last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        _register(client, wrong)
    response = _register(client, right)
    assert "验证码已失效" in str(response.context["form"].errors["code"])
    assert not User.objects.filter(phone=PHONE).exists()


def test_bad_phone_number_is_shown_next_to_the_field(client, db, django_capture_on_commit_callbacks):
    response = _send_code(client, "12345", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "11位大陆手机号码" in str(response.context["code_form"].errors["phone"])
    assert not sms.outbox and not SmsVerification.objects.exists()


def test_code_cannot_be_requested_twice_a_minute(client, db, django_capture_on_commit_callbacks):
    _send_code(client, capture=django_capture_on_commit_callbacks)
    response = _send_code(client, capture=django_capture_on_commit_callbacks)
    assert "60 秒" in str(response.context["code_form"].errors)
    assert len(sms.outbox) == 1


def test_weak_password_is_explained_and_nothing_saved(client, db, django_capture_on_commit_callbacks):
    _send_code(client, capture=django_capture_on_commit_callbacks)
    response = _register(client, _last_code(), password1="abcdefgh", password2="abcdefgh")
    assert "至少三类" in str(response.context["form"].errors["password1"])
    assert not User.objects.filter(phone=PHONE).exists()


def test_registered_number_cannot_register_again(client, worker, django_capture_on_commit_callbacks):
    response = _send_code(client, worker.phone, capture=django_capture_on_commit_callbacks)
    assert "已注册" in str(response.context["code_form"].errors["phone"])


def test_password_reset_by_sms(client, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:send_code", args=["reset"]), {"phone": worker.phone})
    response = client.post(reverse("accounts:password_reset"),
                           {"code": _last_code(), "password1": "Xinmima-2026", "password2": "Xinmima-2026"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("Xinmima-2026")


def test_password_reset_does_not_reveal_unknown_numbers(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:send_code", args=["reset"]), {"phone": "13700000000"})
    assert response.status_code == 302  # same answer as for a real account
    assert not sms.outbox


def test_one_address_cannot_request_codes_without_limit(client, db, django_capture_on_commit_callbacks):
    for n in range(20):
        _send_code(client, f"1391234{n:04d}", capture=django_capture_on_commit_callbacks)
    response = _send_code(client, "13912349999", capture=django_capture_on_commit_callbacks)
    assert "过于频繁" in str(response.context["code_form"].errors)
    assert len(sms.outbox) == 20
