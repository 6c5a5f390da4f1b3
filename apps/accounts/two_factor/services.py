"""Second factor for staff: who needs it, enrolment, verification, recovery codes, reset.

Every account that can reach staff pages (Django admin flag, superuser, an organisation, or any
role group — volunteer lawyers and counsellors included) signs in with a password and then a
TOTP code. Wrong codes are limited per account in the cache (``FAILURE_LIMIT`` per
``FAILURE_WINDOW``), counted before the code is checked so that parallel guesses count too.
Recovery codes are stored as a keyed hash, never readable.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta

import django_otp
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core import personcache, ratelimit
from apps.core.audit import audit_record
from apps.core.crypto import pii_digest
from apps.core.models import AuditLog
from apps.core.scoping import can_act_for

from ..roles import Role, user_has_role

TOTP_DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "恢复码"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed by hand
RECOVERY_CODE_LENGTH = 8
FAILURE_LIMIT = 5
FAILURE_WINDOW = 15 * 60
FAILURE_ACTIONS = ("accounts.two_factor.failed", "accounts.two_factor.enrol_failed")

TOTP_PATTERN = re.compile(r"[0-9]{6}")
RECOVERY_PATTERN = re.compile(rf"[{RECOVERY_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}")

WRONG_CODE_MESSAGE = "验证码不正确，请查看身份验证器上当前显示的 6 位数字后重试。"
THROTTLED_MESSAGE = "验证码错误次数过多，请 15 分钟后再试。如手机丢失，请联系市总工会办公室重置。"


NO_GROUPS_SECONDS = 300
_NO_GROUPS_KEY = "2fa:no-groups:{}"


def needs_second_factor(user) -> bool:
    """True for every account that can reach staff pages; workers and employers are never asked.

    Asked on every request (StaffSecondFactorMiddleware). The flags come with the user's row; the
    role groups cost a query, so "no group" is remembered for a few minutes per person and
    forgotten as soon as a group is added (:func:`forget_groups`, on every change of User.groups).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser or getattr(user, "organization_id", None):
        return True
    key = _NO_GROUPS_KEY.format(user.pk)
    if personcache.get(user.pk, key):
        return False
    if user.groups.exists():
        return True
    personcache.set(user.pk, key, True, NO_GROUPS_SECONDS)
    return False


def no_groups_keys(person_pk: int) -> list[str]:
    """The remembered "no group" (apps.core.personcache reads it with the person's other keys)."""
    return [_NO_GROUPS_KEY.format(person_pk)]


def forget_groups(user_ids) -> None:
    """Drop the remembered "no group" of these people, now and again after commit (a request
    reading the old rows in between must not keep it)."""
    personcache.forget(_NO_GROUPS_KEY.format(pk) for pk in user_ids)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def normalize_code(value: str) -> str:
    """What a person typed, as the devices compare it: full-width digits folded, spaces and dashes gone."""
    folded = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", folded).lower()


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an authenticator by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _recovery_digest(code: str) -> str:
    # StaticToken.token holds at most 16 characters: 64 bits of a keyed hash of a 40-bit code.
    return pii_digest(f"otp-recovery:{normalize_code(code)}")[:16]


def _new_recovery_codes() -> list[str]:
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH)))
    return [f"{code[:4]}-{code[4:]}" for code in sorted(codes)]


def _replace_recovery_codes(user) -> list[str]:
    # The device row is kept, so a session verified by a recovery code stays verified.
    device, _ = StaticDevice.objects.select_for_update().get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = _new_recovery_codes()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=_recovery_digest(code)) for code in codes])
    return codes


# Attempt limit -----------------------------------------------------------------------------

def _attempts_key(user) -> tuple:
    return ("two-factor-attempts", user.pk)


def _failures_in_window(user) -> int:
    since = timezone.now() - timedelta(seconds=FAILURE_WINDOW)
    return AuditLog.objects.filter(actor=user, action__in=FAILURE_ACTIONS, created_at__gte=since).count()


def _take_attempt(user) -> int:
    """Count one attempt atomically (before checking it) and return how many this window holds.

    While Redis is down the audit trail counts instead: the failures it recorded in the window,
    plus this attempt. Parallel guesses then slip through one by one, never more than that.
    """
    return ratelimit.hit(_attempts_key(user), limit=FAILURE_LIMIT, window_seconds=FAILURE_WINDOW,
                         fail_open=False, fallback=lambda: _failures_in_window(user)).count


def _check_attempt(user) -> int:
    attempts = _take_attempt(user)
    if attempts > FAILURE_LIMIT:
        # Nothing is checked: a throttled guess learns nothing, right or wrong.
        raise ValidationError({"code": THROTTLED_MESSAGE})
    return attempts


def _record_failure(user, attempts: int, *, action: str) -> None:
    with transaction.atomic():
        audit_record(actor=user, action=action, target=user, outcome=AuditLog.Outcome.FAILED,
                     after={"attempt": attempts})
        if attempts == FAILURE_LIMIT:
            audit_record(actor=user, action="accounts.two_factor.locked", target=user,
                         outcome=AuditLog.Outcome.DENIED, after={"minutes": FAILURE_WINDOW // 60})


def _passed(user) -> None:
    ratelimit.reset(_attempts_key(user))


# Enrolment ---------------------------------------------------------------------------------

@transaction.atomic
def two_factor_setup_device(*, user) -> TOTPDevice:
    """The not-yet-confirmed authenticator shown on the setup page (the same one until confirmed)."""
    if not needs_second_factor(user):
        raise PermissionDenied
    if confirmed_totp_device(user) is not None:
        raise ValidationError("身份验证器已绑定。")
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@dataclass
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def two_factor_enrol(*, user, device_id: int, code: str) -> Enrolment:
    """Confirm the authenticator with its current code and hand out ten recovery codes, once."""
    token = normalize_code(code)
    if not TOTP_PATTERN.fullmatch(token):
        raise ValidationError({"code": "请输入身份验证器上显示的 6 位数字。"})
    attempts = _check_attempt(user)
    verified = django_otp.verify_token(user, f"{TOTPDevice.model_label()}/{int(device_id)}", token)
    if verified is None or verified.confirmed:
        _record_failure(user, attempts, action="accounts.two_factor.enrol_failed")
        raise ValidationError({"code": WRONG_CODE_MESSAGE})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=verified.pk)
        if device.confirmed:  # a parallel request confirmed it first
            raise ValidationError({"code": "身份验证器已绑定，请直接输入验证码登录。"})
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _replace_recovery_codes(user)
        audit_record(actor=user, action="accounts.two_factor.enrolled", target=user,
                     after={"device": device.name, "recovery_codes": len(codes)})
    _passed(user)
    return Enrolment(device=device, recovery_codes=codes)


# Verification ------------------------------------------------------------------------------

@dataclass
class Verification:
    device: Device
    recovery_codes_left: int | None = None  # set when a recovery code was used


def two_factor_verify(*, user, code: str) -> Verification:
    """Check a TOTP code or a recovery code; a recovery code works once."""
    token = normalize_code(code)
    is_totp = bool(TOTP_PATTERN.fullmatch(token))
    if not is_totp and not RECOVERY_PATTERN.fullmatch(token):
        raise ValidationError({"code": "请输入 6 位数字验证码，或 8 位恢复码（如 abcd-efgh）。"})
    totp = confirmed_totp_device(user)
    if totp is None:
        raise ValidationError({"code": "尚未绑定身份验证器。"})
    attempts = _check_attempt(user)
    if is_totp:
        device = django_otp.verify_token(user, totp.persistent_id, token)
    else:
        recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
        device = (django_otp.verify_token(user, recovery.persistent_id, _recovery_digest(token))
                  if recovery is not None else None)
    if device is None:
        _record_failure(user, attempts, action="accounts.two_factor.failed")
        raise ValidationError({"code": WRONG_CODE_MESSAGE if is_totp else "恢复码不正确或已使用过。"})
    _passed(user)
    if is_totp:
        return Verification(device=device)
    left = device.token_set.count()
    audit_record(actor=user, action="accounts.two_factor.recovery_used", target=user,
                 after={"recovery_codes_left": left})
    return Verification(device=device, recovery_codes_left=left)


def session_mark_verified(request, device: Device) -> None:
    """The session passed the second step: a new session key, then the device remembered in it."""
    request.session.cycle_key()
    django_otp.login(request, device)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Ten new recovery codes for a verified person; the old ones stop working."""
    if confirmed_totp_device(user) is None:
        raise ValidationError("尚未绑定身份验证器。")
    codes = _replace_recovery_codes(user)
    audit_record(actor=user, action="accounts.two_factor.recovery_regenerated", target=user,
                 after={"recovery_codes": len(codes)})
    return codes


# Reset by a higher-level administrator -----------------------------------------------------

def can_reset_second_factor(actor, person) -> bool:
    """Superusers, or the city office for staff in its own subtree; never one's own device."""
    if actor is None or not actor.is_authenticated or actor.pk == person.pk:
        return False
    if actor.is_superuser:
        return True
    if person.is_superuser or not user_has_role(actor, Role.CITY_OFFICE):
        return False
    return can_act_for(actor, person.organization)


@transaction.atomic
def two_factor_reset(*, actor, person) -> int:
    """Remove a person's authenticator and recovery codes; they enrol again at their next sign-in.

    Their open sessions lose the second step at once (the device they were verified with is gone).
    """
    if not can_reset_second_factor(actor, person):
        raise PermissionDenied
    person = type(person).objects.select_for_update().get(pk=person.pk)
    removed = 0
    for model in django_otp.device_classes():
        removed += model.objects.filter(user=person).delete()[1].get(model._meta.label, 0)
    audit_record(actor=actor, action="accounts.two_factor.reset", target=person,
                 organization=person.organization, after={"devices_removed": removed})
    return removed
