"""Protection of personal identifiers at rest (PIPL).

A keyed hash lets the portal find duplicates without storing the number readably; Fernet
encryption keeps the whole number for the few roles that must see it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def pii_digest(value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, hex; equal numbers give equal digests."""
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    configured = settings.FIELD_ENCRYPTION_KEY
    if configured:
        return Fernet(configured.encode())
    # Laptop default: derived from SECRET_KEY. Production sets FIELD_ENCRYPTION_KEY.
    derived = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
