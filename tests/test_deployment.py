"""Start-up and deployment checks, run as a fresh process with a production-like environment."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k9#Q2v!x7Lp@4zR8s^W1m&N6c*E3b(T5y)U0o-I9a_H2g+J7d=F4"
PII_KEY = "pii-Xk2Lp9Qv7Rs4Tz1Wm8Nc6Eb3Yd5Ua0Ho"
FERNET_KEY = "tE0CqL4qfjHkO8yRk9xYw2yJv0S1m3n5p7r9t1v3x5w="
FERNET_OLD = "dGVzdC1maWVsZC1lbmNyeXB0aW9uLWtleS0wMTIzNDU="
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "jzgh.example.cn", "PII_HASH_KEY": PII_KEY,
              "FIELD_ENCRYPTION_KEY": FERNET_KEY}


def _manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "FORCE_HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE",
               "PII_HASH_KEY", "FIELD_ENCRYPTION_KEY", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_without_secret_key_refuses_to_start():
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("name", ["PII_HASH_KEY", "FIELD_ENCRYPTION_KEY"])
def test_production_without_personal_data_keys_refuses_to_start(name):
    result = _manage("check", **{**PRODUCTION, name: ""})
    assert result.returncode != 0
    assert f"环境变量 {name} 未设置" in result.stderr


@pytest.mark.parametrize(("name", "value", "message"), [
    ("PII_HASH_KEY", "short", "PII_HASH_KEY 太短"),
    ("FIELD_ENCRYPTION_KEY", f"{FERNET_KEY},not-a-key", "FIELD_ENCRYPTION_KEY 的第 2 个密钥无效"),
])
def test_production_with_weak_or_malformed_keys_refuses_to_start(name, value, message):
    result = _manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_development_starts_without_any_key():
    result = _manage("check", DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_old_https_variable_no_longer_switches_security_settings():
    code = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)"
    result = _manage("shell", "-c", code, **PRODUCTION, HTTPS="0")
    assert result.stdout.split()[-2:] == ["True", "True"], result.stdout + result.stderr


def test_deploy_check_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_security_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_localisation(settings):
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
