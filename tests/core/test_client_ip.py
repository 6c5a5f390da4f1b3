"""The client's address behind a simulated reverse proxy (nginx at 10.0.0.1 appending to X-Forwarded-For).

A client can write any X-Forwarded-For it likes; only the entry our own proxy appended counts.
"""
from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from apps.accounts.forms import FAILED_LOGIN_MESSAGE
from apps.core import sms
from apps.core.models import AuditLog
from apps.core.net import client_ip
from tests.factories import PASSWORD

PROXY = "10.0.0.1"


def _request(remote=PROXY, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_behind_one_proxy_the_right_most_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(_request(forwarded="203.0.113.5")) == "203.0.113.5"


def test_behind_two_proxies_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="9.9.9.9, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"


@pytest.mark.parametrize("forwarded", ["", "   ", "not-an-address", "1.2.3.4,", "\x00"])
def test_missing_or_garbled_header_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded=forwarded)) == PROXY


def test_header_shorter_than_the_proxy_chain_is_not_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="1.2.3.4")) == PROXY


def test_ipv6_addresses_are_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="2001:DB8::0001")) == "2001:db8::1"


def test_axes_and_the_audit_trail_use_the_helper(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(_request(forwarded="6.6.6.6, 203.0.113.5")) == "203.0.113.5"


# --- through the whole stack -----------------------------------------------------------------------


def _via_proxy(client, real_ip, forged=""):
    chain = f"{forged}, {real_ip}" if forged else real_ip
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def _login(client, username, password, real_ip, forged=""):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       **_via_proxy(client, real_ip, forged))


def test_rotating_forged_addresses_do_not_lock_the_real_user_out(settings, client, worker):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(6):
        _login(client, worker.phone, "Wrong-pass-1", real_ip="198.51.100.66", forged=f"203.0.113.{n}")
    # The owner, from his own address, still signs in.
    owner = type(client)()
    response = _login(owner, worker.phone, PASSWORD, real_ip="203.0.113.5")
    assert response.status_code == 302


def test_locking_is_by_the_real_address_whatever_the_header_says(settings, client, worker):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        _login(client, worker.phone, "Wrong-pass-1", real_ip="198.51.100.66", forged=f"203.0.113.{n}")
    # The attacker rotating forged entries is locked out even with the right password...
    response = _login(client, worker.phone, PASSWORD, real_ip="198.51.100.66", forged="203.0.113.99")
    assert response.status_code == 200 and FAILED_LOGIN_MESSAGE in response.content.decode()
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


@pytest.fixture
def locmem_sms(settings):
    settings.SMS_BACKEND = "apps.core.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_rotating_forged_addresses_do_not_escape_the_sms_limit(settings, client, db, locmem_sms,
                                                              django_capture_on_commit_callbacks):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(21):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:send_code", args=["register"]),
                                   {"phone": f"1391234{n:04d}"},
                                   **_via_proxy(client, "198.51.100.66", forged=f"203.0.113.{n}"))
    assert "过于频繁" in str(response.context["code_form"].errors)
    assert len(locmem_sms) == 20
    # Another real address is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:send_code", args=["register"]), {"phone": "13912349999"},
                               **_via_proxy(client, "203.0.113.7"))
    assert response.status_code == 302


def test_the_audit_trail_records_the_real_address(settings, client, db, locmem_sms,
                                                 django_capture_on_commit_callbacks):
    settings.TRUSTED_PROXY_COUNT = 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:send_code", args=["register"]), {"phone": "13912345678"},
                    **_via_proxy(client, "198.51.100.66", forged="6.6.6.6"))
    code = re.search(r"验证码是 (\d{6})", locmem_sms[-1].text).group(1)
    client.post(reverse("accounts:register"),
                {"code": code, "real_name": "李四", "password1": "Gongren-2026", "password2": "Gongren-2026",
                 "agree": "on"}, **_via_proxy(client, "198.51.100.66", forged="6.6.6.6"))
    entry = AuditLog.objects.get(action="accounts.user.registered")
    assert entry.ip_address == "198.51.100.66"
