from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import ratelimit
from apps.core.audit import audit_record, current_ip
from apps.core.crypto import encrypt, pii_digest
from apps.core.sms import send_sms
from apps.core.validators import mask_resident_id, normalize_mobile, normalize_resident_id

from .models import SmsVerification, User
from .roles import role_group
from .signals import user_registered

CODE_TTL = timedelta(minutes=10)
RESEND_INTERVAL = timedelta(seconds=60)
DAILY_LIMIT = 10
MAX_ATTEMPTS = 5
HOURLY_LIMIT_PER_ADDRESS = 20
# Not a hex digest, so no code's digest ever equals it.
UNMATCHABLE_DIGEST = "-"


@transaction.atomic
def sms_code_send(*, phone: str, purpose: str) -> SmsVerification | None:
    """Send a six-digit code to ``phone``; at most one a minute and ten a day per number.

    For a password reset to a number without an account nothing is sent, but the caller cannot tell.
    """
    phone = normalize_mobile(phone)
    now = timezone.now()
    # Fails closed: without the counter nothing stops one address texting thousands of numbers.
    from_address = ratelimit.hit(("sms-codes-from", current_ip.get() or "unknown"),
                                 limit=HOURLY_LIMIT_PER_ADDRESS, window_seconds=3600, fail_open=False)
    if from_address.unavailable:
        raise ValidationError({"phone": "短信服务暂时繁忙，请稍后再试。"})
    if from_address.limited:
        raise ValidationError({"phone": "获取验证码过于频繁，请稍后再试。"})
    recent = SmsVerification.objects.select_for_update().filter(
        phone=phone, created_at__gte=now - timedelta(days=1)
    )
    if recent.filter(created_at__gte=now - RESEND_INTERVAL).exists():
        raise ValidationError({"phone": "验证码已发送，请 60 秒后再试。"})
    if recent.count() >= DAILY_LIMIT:
        raise ValidationError({"phone": "今天获取验证码的次数已达上限，请明天再试。"})
    if purpose == SmsVerification.Purpose.REGISTER and User.objects.filter(phone=phone).exists():
        raise ValidationError({"phone": "该手机号已注册，请直接登录或找回密码。"})
    if purpose == SmsVerification.Purpose.RESET and not User.objects.filter(phone=phone, is_active=True).exists():
        # No account: nothing is sent, but a row that no code can match is kept, so the resend
        # interval, the daily limit and the code check answer exactly as for a real account.
        SmsVerification.objects.create(phone=phone, purpose=purpose, code_digest=UNMATCHABLE_DIGEST,
                                       expires_at=now + CODE_TTL)
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    verification = SmsVerification.objects.create(
        phone=phone, purpose=purpose, code_digest=pii_digest(f"{phone}:{code}"), expires_at=now + CODE_TTL
    )
    label = SmsVerification.Purpose(purpose).label
    transaction.on_commit(lambda: send_sms(phone, f"您的{label}验证码是 {code}，10分钟内有效。请勿告诉他人。"))
    return verification


def _sms_code_consume(*, phone: str, purpose: str, code: str) -> SmsVerification:
    """Use up the newest valid code. Runs in its own transaction so a wrong guess is always counted."""
    with transaction.atomic():
        verification = (
            SmsVerification.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, consumed_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if verification is None or verification.attempts >= MAX_ATTEMPTS:
            raise ValidationError({"code": "验证码已失效，请重新获取。"})
        matches = verification.code_digest == pii_digest(f"{phone}:{code.strip()}")
        if matches:
            verification.consumed_at = timezone.now()
            verification.save(update_fields=["consumed_at"])
        else:
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
    if not matches:
        raise ValidationError({"code": "验证码不正确。"})
    return verification


def user_register(*, phone: str, code: str, real_name: str, password: str) -> User:
    """Create a worker account once the phone number is confirmed by its code."""
    phone = normalize_mobile(phone)
    user = User(username=phone, phone=phone, real_name=real_name.strip())
    validate_password(password, user)
    if User.objects.filter(phone=phone).exists():
        raise ValidationError({"phone": "该手机号已注册，请直接登录或找回密码。"})
    _sms_code_consume(phone=phone, purpose=SmsVerification.Purpose.REGISTER, code=code)
    with transaction.atomic():
        user.set_password(password)
        user.phone_verified_at = timezone.now()
        user.full_clean(exclude=["password"])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError({"phone": "该手机号已注册，请直接登录或找回密码。"}) from None
        audit_record(actor=user, action="accounts.user.registered", target=user, organization=None)
        transaction.on_commit(lambda: user_registered.send(sender=User, user=user))
    return user


def user_reset_password(*, phone: str, code: str, password: str) -> User:
    """Set a new password once the phone number is confirmed by its code."""
    phone = normalize_mobile(phone)
    # Before the code is checked, judge the password only by what the caller already knows (the
    # number): judging it against the account's name would tell whether the account exists.
    validate_password(password, User(username=phone, phone=phone))
    verification = _sms_code_consume(phone=phone, purpose=SmsVerification.Purpose.RESET, code=code)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:  # only reachable if an account was removed after its code was sent
        raise ValidationError({"code": "验证码不正确。"})
    try:
        validate_password(password, user)  # the owner, proven by the code, may learn it resembles his name
    except ValidationError:
        # Give the code back, so choosing another password does not need a new SMS.
        SmsVerification.objects.filter(pk=verification.pk).update(consumed_at=None)
        raise
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="accounts.password.reset", target=user)
    return user


@transaction.atomic
def user_set_id_number(*, user: User, id_number: str) -> User:
    """Record the person's resident ID number: hashed for de-duplication, encrypted, shown masked."""
    number = normalize_resident_id(id_number)
    digest = pii_digest(number)
    if User.objects.filter(id_number_digest=digest).exclude(pk=user.pk).exists():
        raise ValidationError({"id_number": "该身份证号码已被其他账号登记。如有疑问请联系工会。"})
    user = User.objects.select_for_update().get(pk=user.pk)
    had_number = bool(user.id_number_digest)
    user.id_number_digest = digest
    user.id_number_cipher = encrypt(number)
    user.id_number_masked = mask_resident_id(number)
    user.save(update_fields=["id_number_digest", "id_number_cipher", "id_number_masked"])
    audit_record(
        actor=user, action="accounts.id_number.changed" if had_number else "accounts.id_number.added",
        target=user, after={"id_number": user.id_number_masked},
    )
    return user


def user_reveal_id_number(*, actor, person: User) -> str:
    """The whole ID number, for a role that needs it; every view is written to the audit trail."""
    audit_record(actor=actor, action="accounts.id_number.viewed", target=person)
    return person.reveal_id_number()


@transaction.atomic
def user_update_profile(*, user: User, real_name: str, email: str, id_number: str = "") -> User:
    """Change the person's own name, e-mail and (when given) ID number, all or nothing."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.real_name = real_name.strip()
    user.email = email.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["real_name", "email"])
    if id_number:
        user = user_set_id_number(user=user, id_number=id_number)
    return user


@transaction.atomic
def staff_create(*, username: str, real_name: str, password: str, organization, roles: list[str],
                 phone: str | None = None, is_admin: bool = False) -> User:
    """Create a staff account attached to ``organization`` holding ``roles``."""
    user = User(username=username, real_name=real_name, organization=organization, phone=phone,
                is_staff=is_admin)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([role_group(role) for role in roles])
    return user


# ---------------------------------------------------------------- personal information (PIPL)
CLOSED_NAME = "已注销用户"


@transaction.atomic
def user_close_account(*, user: User, password: str) -> list:
    """Close one's own account: each app erases what no rule keeps, then the account is anonymised.

    Returns the apps' ClosureNotes (what was erased, what stays and why). Staff accounts are
    closed by their organisation's administrator, not by themselves.
    """
    from apps.core.registry import ClosureNote, account_closers
    from apps.core.scoping import is_staff_member

    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError("该账号已注销。")
    if is_staff_member(user) or user.is_staff or user.is_superuser:
        raise ValidationError("工会工作人员账号由本单位的平台管理员停用，不能自行注销。")
    if not user.check_password(password):
        raise ValidationError({"password": "密码不正确。"})
    notes = [note for closer in account_closers if (note := closer(user=user)) is not None]
    phone = user.phone
    erased = ["手机号码、姓名、电子邮箱", "登录密码（账号无法再登录，其他设备上的登录随即失效）"]
    if user.id_number_digest:
        erased.append("身份证号码（加密件和摘要）")
    user.username = f"closed-{user.pk}-{secrets.token_hex(4)}"
    user.real_name = CLOSED_NAME
    user.first_name = user.last_name = ""
    user.email = ""
    user.phone = None
    user.phone_verified_at = None
    user.id_number_digest = None
    user.id_number_cipher = ""
    user.id_number_masked = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    if phone:
        SmsVerification.objects.filter(phone=phone).delete()
    notes.insert(0, ClosureNote(app="账号", erased=erased, kept=[
        "操作审计日志依照《网络安全法》留存，只增不改，仅用于安全核查和依法监督。"]))
    audit_record(actor=None, action="accounts.user.closed", target=user, organization=None,
                 after={"apps": [note.app for note in notes]})
    return notes


def sms_codes_purge(*, now=None) -> int:
    """Delete SMS codes older than the privacy notice says they are kept."""
    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PRIVACY_RETENTION["sms_code_hours"])
    deleted, _ = SmsVerification.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def sessions_purge() -> int:
    """Delete expired sessions (the database session store keeps them until told)."""
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
