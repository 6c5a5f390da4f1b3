"""Demonstration accounts: one staff account per role, and a few workers."""
from __future__ import annotations

from apps.core.models import Organization

from .models import User
from .roles import Role, role_group
from .services import staff_create

DEMO_PASSWORD = "Jiaozuo@2026"

STAFF = [
    # username, real name, organisation code, roles, admin access
    ("city_office", "周建华", "410800", [Role.CITY_OFFICE], True),
    ("city_dept", "孙丽", "410800", [Role.CITY_DEPARTMENT], False),
    ("xiuwu_staff", "王志强", "410821", [Role.COUNTY_STAFF], True),
    ("boai_staff", "李红梅", "410822", [Role.COUNTY_STAFF], False),
    ("jiefang_staff", "赵磊", "410802", [Role.COUNTY_STAFF], False),
    ("grassroots_staff", "陈晓燕", "410821G02", [Role.GRASSROOTS_STAFF], False),
    ("lawyer", "刘律师", None, [Role.VOLUNTEER_LAWYER], False),
    ("counsellor", "何心怡", None, [Role.COUNSELLOR], False),
]
WORKERS = [
    ("13839100001", "张伟"), ("13839100002", "王芳"), ("13839100003", "李强"),
    ("13839100004", "刘洋"), ("13839100005", "陈静"),
]

LOGINS: list[tuple[str, str]] = []


def seed(stdout=None) -> None:
    LOGINS.clear()
    for username, real_name, org_code, roles, is_admin in STAFF:
        if not User.objects.filter(username=username).exists():
            organization = Organization.objects.get(code=org_code) if org_code else None
            staff_create(username=username, real_name=real_name, password=DEMO_PASSWORD,
                         organization=organization, roles=list(roles), is_admin=is_admin)
        else:
            User.objects.get(username=username).groups.add(*[role_group(r) for r in roles])
        LOGINS.append((username, f"{real_name}（{'、'.join(Role(r).label for r in roles)}）"))
    for phone, real_name in WORKERS:
        if not User.objects.filter(username=phone).exists():
            worker = User(username=phone, phone=phone, real_name=real_name)
            worker.set_password(DEMO_PASSWORD)
            worker.save()
    LOGINS.append((WORKERS[0][0], f"{WORKERS[0][1]}（职工）"))
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@jzgh.example.cn", DEMO_PASSWORD, real_name="系统管理员")
    LOGINS.append(("admin", "系统管理员（超级用户）"))
    if stdout:
        stdout.write(f"  账号 {User.objects.count()} 个")


def summary() -> list[str]:
    """The demonstration sign-ins, printed by ``manage.py seed_demo`` at the end."""
    return [f"演示账号（密码均为 {DEMO_PASSWORD}）："] + [f"  {username:<18} {label}" for username, label in LOGINS]
