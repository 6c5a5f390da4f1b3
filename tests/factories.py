"""factory_boy factories shared by every app's tests. Apps add theirs in tests/<app>/factories.py."""
from __future__ import annotations

import itertools

import factory
from django.contrib.auth.hashers import make_password

from apps.accounts.models import User
from apps.accounts.roles import role_group
from apps.core.demo import credit_code_for
from apps.core.models import Enterprise, Organization
from apps.core.services import organization_create

PASSWORD = "Test-pass-2026"
_PASSWORD_HASH: list[str] = []
_codes = itertools.count(1)


def password_hash() -> str:
    """One argon2 hash for every test account: hashing is deliberately slow."""
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(make_password(PASSWORD))
    return _PASSWORD_HASH[0]


def make_organization(name: str, org_type: str = Organization.Type.GRASSROOTS, parent=None, code: str | None = None):
    return organization_create(name=name, code=code or f"T{next(_codes):05d}", org_type=org_type, parent=parent)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"焦作测试企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: credit_code_for(900000 + n))
    industry = "机械制造"
    size = Enterprise.Size.SMALL
    employee_count = 50


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"1390000{n:04d}")
    phone = factory.LazyAttribute(lambda o: o.username if o.username.isdigit() else None)
    real_name = factory.Faker("name", locale="zh_CN")
    password = factory.LazyFunction(password_hash)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([role_group(role) for role in extracted])


def make_staff(organization, *roles: str, username: str | None = None, **extra) -> User:
    kwargs = {"organization": organization, "roles": list(roles), **extra}
    if username:
        kwargs["username"] = username
    return UserFactory(**kwargs)


def totp_code(device) -> str:
    """The code an authenticator would show now for ``device`` (one not used before: TOTP refuses replays)."""
    import time

    from django_otp.oath import hotp

    device.refresh_from_db()
    step = (int(time.time()) - device.t0) // device.step + device.drift
    return f"{hotp(device.bin_key, max(step, device.last_t + 1), digits=device.digits):0{device.digits}d}"
