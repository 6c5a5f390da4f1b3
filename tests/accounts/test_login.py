from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from apps.accounts.forms import FAILED_LOGIN_MESSAGE
from tests.factories import PASSWORD


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_worker_signs_in_with_mobile_number_in_any_form(client, worker):
    response = _login(client, "+86 " + worker.phone)
    assert response.status_code == 302
    assert client.get(reverse("core:me")).status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_message(client, worker):
    wrong = _login(client, worker.phone, "Wrong-pass-1")
    unknown = _login(client, "13000000000", "Wrong-pass-1")
    assert FAILED_LOGIN_MESSAGE in wrong.content.decode()
    assert FAILED_LOGIN_MESSAGE in unknown.content.decode()


def test_five_failures_lock_the_account_with_the_same_message(client, worker):
    for _ in range(5):
        _login(client, worker.phone, "Wrong-pass-1")
    response = _login(client, worker.phone)  # the right password, but locked
    assert response.status_code == 200
    assert FAILED_LOGIN_MESSAGE in response.content.decode()
    assert client.get(reverse("core:me")).status_code == 302


def test_lock_lifts_after_fifteen_minutes(client, worker):
    from axes.models import AccessAttempt

    for _ in range(5):
        _login(client, worker.phone, "Wrong-pass-1")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, worker.phone).status_code == 302


def test_login_gives_a_new_session_key_and_logout_ends_it(client, worker):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    _login(client, worker.phone)
    after = client.session.session_key
    assert after and after != before
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=after).exists()
    assert client.get(reverse("core:me")).status_code == 302


def test_staff_sessions_expire_after_thirty_idle_minutes(client, xiuwu_staff):
    _login(client, "xiuwu_staff")
    client.get(reverse("core:console"))
    assert client.session.get_expiry_age() == 30 * 60
    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    assert client.get(reverse("core:console")).status_code == 302


def test_worker_sessions_last_longer(client, worker):
    _login(client, worker.phone)
    client.get(reverse("core:me"))
    assert client.session.get_expiry_age() > 24 * 3600


def test_argon2_is_the_password_hasher(settings, worker):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert worker.password.startswith("argon2$")


def test_a_locked_login_does_not_try_to_authenticate_again(client, worker, monkeypatch):
    from django.contrib.auth import forms as auth_forms

    for _ in range(5):
        _login(client, worker.phone, "Wrong-pass-1")
    calls = []
    real = auth_forms.authenticate
    monkeypatch.setattr(auth_forms, "authenticate", lambda *a, **k: calls.append(1) or real(*a, **k))
    response = _login(client, worker.phone)
    assert FAILED_LOGIN_MESSAGE in response.content.decode()
    assert len(calls) == 1  # the login form's own attempt, which axes turns away; no second one
