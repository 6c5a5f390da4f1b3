"""Field encryption: rotation with MultiFernet, re-encryption command, loud failure on a bad value."""
from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from apps.core.crypto import DecryptionError, decrypt, encrypt

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_a_value_encrypted_with_the_old_key_reads_after_a_new_key_is_put_in_front(settings):
    settings.FIELD_ENCRYPTION_KEY = [OLD]
    token = encrypt("11010519491231002X")
    settings.FIELD_ENCRYPTION_KEY = [NEW, OLD]
    assert decrypt(token) == "11010519491231002X"
    fresh = encrypt("x")
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    assert decrypt(fresh) == "x"


def test_comma_separated_string_is_accepted(settings):
    settings.FIELD_ENCRYPTION_KEY = f"{NEW}, {OLD}"
    assert decrypt(encrypt("a")) == "a"


def test_a_value_no_key_opens_raises_and_is_logged(settings, caplog):
    settings.FIELD_ENCRYPTION_KEY = [OLD]
    token = encrypt("11010519491231002X")
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    with caplog.at_level(logging.ERROR, logger="jiaozuo.crypto"), pytest.raises(DecryptionError):
        decrypt(token)
    assert "could not be decrypted" in caplog.text
    assert "11010519491231002X" not in caplog.text
    with pytest.raises(DecryptionError):
        decrypt("garbage\x00")


def test_production_refuses_the_development_key(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEY = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        encrypt("a")


def test_reencrypt_command_moves_every_value_to_the_current_key(settings, worker, other_worker):
    from apps.accounts.services import user_set_id_number

    settings.FIELD_ENCRYPTION_KEY = [OLD]
    user_set_id_number(user=worker, id_number="11010519491231002X")
    settings.FIELD_ENCRYPTION_KEY = [NEW, OLD]
    call_command("reencrypt_fields", stdout=open("/dev/null", "w"))
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    worker.refresh_from_db()
    assert worker.reveal_id_number() == "11010519491231002X"
    call_command("reencrypt_fields", stdout=open("/dev/null", "w"))  # twice is harmless
    worker.refresh_from_db()
    assert worker.reveal_id_number() == "11010519491231002X"


def test_reencrypt_command_reports_values_it_cannot_open_and_leaves_them(settings, worker):
    from apps.accounts.models import User

    settings.FIELD_ENCRYPTION_KEY = [OLD]
    User.objects.filter(pk=worker.pk).update(id_number_cipher=encrypt("11010519491231002X"))
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    before = User.objects.get(pk=worker.pk).id_number_cipher
    with pytest.raises(CommandError, match=f"accounts.User.id_number_cipher id={worker.pk}"):
        call_command("reencrypt_fields", stdout=open("/dev/null", "w"))
    assert User.objects.get(pk=worker.pk).id_number_cipher == before
