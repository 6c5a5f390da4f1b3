"""Guesses sent at once: the attempt limit still holds, and a code or a recovery code works once (PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.two_factor import services
from apps.core.models import AuditLog
from tests.conftest import require_postgres
from tests.factories import totp_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_otp]


def _race(target, count):
    outcomes: list[object] = []
    barrier = threading.Barrier(count)

    def run():
        try:
            barrier.wait()
            outcomes.append(target())
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _messages(outcomes):
    return [o.messages[0] for o in outcomes if isinstance(o, ValidationError)]


def test_ten_parallel_guesses_check_only_five(xiuwu_staff):
    require_postgres()
    device = TOTPDevice.objects.create(user=xiuwu_staff, confirmed=True)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    outcomes = _race(lambda: services.two_factor_verify(user=xiuwu_staff, code=wrong), 10)
    messages = _messages(outcomes)
    assert messages.count(services.WRONG_CODE_MESSAGE) == services.FAILURE_LIMIT
    assert messages.count(services.THROTTLED_MESSAGE) == 10 - services.FAILURE_LIMIT
    assert AuditLog.objects.filter(action="accounts.two_factor.failed").count() == services.FAILURE_LIMIT
    assert AuditLog.objects.filter(action="accounts.two_factor.locked").count() == 1


def test_the_same_code_twice_at_once_verifies_once(xiuwu_staff):
    require_postgres()
    device = TOTPDevice.objects.create(user=xiuwu_staff, confirmed=True)
    code = totp_code(device)
    outcomes = _race(lambda: services.two_factor_verify(user=xiuwu_staff, code=code), 2)
    assert sum(isinstance(o, services.Verification) for o in outcomes) == 1


def test_the_same_recovery_code_twice_at_once_works_once(xiuwu_staff):
    require_postgres()
    device = services.two_factor_setup_device(user=xiuwu_staff)
    codes = services.two_factor_enrol(user=xiuwu_staff, device_id=device.pk, code=totp_code(device)).recovery_codes
    outcomes = _race(lambda: services.two_factor_verify(user=xiuwu_staff, code=codes[0]), 2)
    assert sum(isinstance(o, services.Verification) for o in outcomes) == 1
    assert AuditLog.objects.filter(action="accounts.two_factor.recovery_used").count() == 1
