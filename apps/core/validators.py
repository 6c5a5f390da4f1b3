"""Validators and display helpers for identifiers used everywhere in the portal.

Resident ID numbers (GB 11643) and unified social credit codes (GB 32100) are checked with
python-stdnum; mainland mobile numbers with phonenumbers plus the 1[3-9] rule.
"""
from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_resident_id(value: str) -> str:
    """Return the 18-character ID number in canonical form (upper-case X) or raise ValidationError."""
    raw = re.sub(r"\s+", "", value or "").upper()
    if len(raw) != 18:
        raise ValidationError("身份证号码应为18位。", code="id_length")
    try:
        return ric.validate(raw)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("身份证号码校验位不正确，请核对。", code="id_checksum") from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError("身份证号码中的出生日期或地区码无效。", code="id_component") from None
    except stdnum_errors.ValidationError:
        raise ValidationError("身份证号码格式不正确。", code="id_format") from None


def validate_resident_id(value: str) -> None:
    normalize_resident_id(value)


def normalize_credit_code(value: str) -> str:
    """Return the 18-character unified social credit code or raise ValidationError."""
    raw = re.sub(r"\s+", "", value or "").upper()
    if len(raw) != 18:
        raise ValidationError("统一社会信用代码应为18位。", code="uscc_length")
    try:
        return uscc.validate(raw)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位不正确，请核对。", code="uscc_checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError("统一社会信用代码格式不正确。", code="uscc_format") from None


def validate_credit_code(value: str) -> None:
    normalize_credit_code(value)


def normalize_mobile(value: str) -> str:
    """Return an 11-digit mainland mobile number (any +86 / 0086 / spacing removed)."""
    raw = re.sub(r"[\s\-()]", "", value or "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if raw.startswith("+"):
        try:
            parsed = phonenumbers.parse(raw, None)
        except phonenumbers.NumberParseException:
            raise ValidationError("请输入有效的手机号码。", code="mobile_format") from None
        if parsed.country_code != 86:
            raise ValidationError("请填写中国大陆手机号码。", code="mobile_country")
        raw = str(parsed.national_number)
    if not _MOBILE_RE.match(raw):
        raise ValidationError("请输入11位大陆手机号码，如 13812345678。", code="mobile_format")
    return raw


def validate_mobile(value: str) -> None:
    normalize_mobile(value)


def mask_resident_id(value: str) -> str:
    """4108**********1234: first four and last four characters stay readable."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_mobile(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)


def mask_name(value: str) -> str:
    """张*, 欧阳**: the surname stays, the given name is hidden."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else value


# --- links a user types that the portal shows as a link ---------------------------------------------

WEB_LINK_MESSAGE = "请填写以 http:// 或 https:// 开头的网址。"
# Controls, format characters (zero-width, bidi overrides), separators and spaces.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}
_web_url = None


def validate_web_link(value: str) -> None:
    """Only an absolute ``http``/``https`` address with a host may become an ``href``.

    ``javascript:``, ``data:``, ``vbscript:``, ``//host`` (protocol-relative), backslashes and any
    control or invisible character are refused, whatever their case or spacing.
    """
    global _web_url
    from django.core.validators import URLValidator

    if _web_url is None:
        _web_url = URLValidator(schemes=["http", "https"], message=WEB_LINK_MESSAGE, code="web_link")
    text = value or ""
    if "\\" in text or any(unicodedata.category(char) in _INVISIBLE for char in text):
        raise ValidationError("网址中不能包含空格、换行或其他控制字符。", code="web_link_control")
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme not in ("http", "https") or not text.lower().startswith(f"{scheme}://"):
        raise ValidationError(WEB_LINK_MESSAGE, code="web_link")
    _web_url(text)


def is_web_link(value: str) -> bool:
    try:
        validate_web_link(value)
    except ValidationError:
        return False
    return True


_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: str) -> str:
    """A number someone can be called on: a mainland mobile, or a landline with its area code (0391-3568888)."""
    raw = re.sub(r"[\s()（）]", "", value or "").replace("－", "-").replace("—", "-")
    if _LANDLINE_RE.match(raw):
        return raw
    try:
        return normalize_mobile(raw)
    except ValidationError:
        raise ValidationError("请填写11位手机号码，或带区号的固定电话，如 0391-3568888。",
                              code="phone_format") from None

