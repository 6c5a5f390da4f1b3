"""Protection of personal identifiers at rest (PIPL).

A keyed hash lets the portal find duplicates without storing the number readably; Fernet
encryption keeps the whole number for the few roles that must see it.

``FIELD_ENCRYPTION_KEY`` is a comma-separated list of Fernet keys: the first encrypts, every one
decrypts (``MultiFernet``), so a key is rotated by putting a new one in front, running
``manage.py reencrypt_fields`` and then dropping the old one.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("jiaozuo.crypto")


class DecryptionError(Exception):
    """A stored value that none of the configured keys opens (wrong or missing key, damaged value)."""


def pii_digest(value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, hex; equal numbers give equal digests."""
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def configured_keys() -> list[str]:
    """The Fernet keys from FIELD_ENCRYPTION_KEY (a list or a comma-separated string), current first."""
    configured = settings.FIELD_ENCRYPTION_KEY
    if isinstance(configured, str):
        configured = configured.split(",")
    keys = [key.strip() for key in configured if key and key.strip()]
    if keys:
        return keys
    if not settings.DEBUG:
        raise ImproperlyConfigured("环境变量 FIELD_ENCRYPTION_KEY 未设置。")
    # Laptop default only (DEBUG): derived from SECRET_KEY. Production must set FIELD_ENCRYPTION_KEY.
    derived = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
    return [base64.urlsafe_b64encode(derived).decode()]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in configured_keys()])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of ``token``; DecryptionError (logged) when no configured key opens it."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, UnicodeError) as error:
        logger.error("Stored value could not be decrypted with any FIELD_ENCRYPTION_KEY (%d keys configured)",
                     len(configured_keys()))
        raise DecryptionError("加密数据无法解密：密钥不符或数据已损坏。") from error


def rotate(token: str) -> str:
    """``token`` re-encrypted with the current (first) key; DecryptionError when no key opens it."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("加密数据无法解密：密钥不符或数据已损坏。") from error
