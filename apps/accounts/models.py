from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models

from apps.core.crypto import decrypt
from apps.core.models import Organization
from apps.core.validators import mask_mobile


class User(AbstractUser):
    """A person: a worker or job seeker (no organisation) or union staff (one organisation)."""

    real_name = models.CharField("姓名", max_length=30, blank=True)
    phone = models.CharField("手机号码", max_length=11, unique=True, null=True, blank=True)
    phone_verified_at = models.DateTimeField("手机验证时间", null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="工会工作人员所属的组织；职工、求职者留空。",
    )
    # Resident ID number: a keyed hash to find duplicates, the number itself only encrypted.
    id_number_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_masked = models.CharField("身份证号码", max_length=18, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        indexes = [models.Index(fields=["organization"], name="accounts_user_org")]

    def __str__(self) -> str:
        return self.real_name or self.username

    def get_full_name(self) -> str:
        return self.real_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.real_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone or "")

    def reveal_id_number(self) -> str:
        """The whole number; callers must write an audit record (see services.user_reveal_id_number)."""
        return decrypt(self.id_number_cipher) if self.id_number_cipher else ""


class SmsVerification(models.Model):
    class Purpose(models.TextChoices):
        REGISTER = "register", "注册"
        RESET = "reset", "找回密码"

    phone = models.CharField("手机号码", max_length=11)
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="accounts_sms_lookup")]

    def __str__(self) -> str:
        return f"{mask_mobile(self.phone)} {self.get_purpose_display()}"


class RoleGroup(models.Model):
    """Which group holds a role: found by the role's stable code; the group's name is only its label."""

    # No choices: a role added to roles.Role needs no migration here.
    code = models.CharField("角色代码", max_length=32, unique=True)
    group = models.OneToOneField(Group, verbose_name="用户组", on_delete=models.CASCADE, related_name="role")

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.group.name
