"""Shared fixtures: the organisation tree, the personas, service availability.

Personas (CONVENTIONS.md): ``worker`` and ``other_worker``; ``xiuwu_staff`` (修武县 union staff,
county role) and ``grassroots_staff`` (a grassroots union in 修武县); ``boai_staff`` (staff of
another district, 博爱县); ``city_staff`` (the city federation's office).
"""
from __future__ import annotations

import os
import shutil
import socket
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from apps.accounts.roles import Role
from apps.core.models import Organization

from .factories import EnterpriseFactory, UserFactory, make_organization, make_staff

IN_CI = os.environ.get("CI") == "true"


def require(available: bool, reason: str) -> None:
    """Skip a test whose service is missing, except under CI=true where that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason}（CI=true 时必须具备）")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "需要 PostgreSQL（设置 DATABASE_URL）")


def require_redis() -> None:
    from django.conf import settings

    require(bool(settings.REDIS_URL), "需要 Redis（设置 REDIS_URL）")


@contextmanager
def real_worker(*queues: str, shutdown_timeout: int = 30):
    """A real Celery worker in a thread, consuming ``queues`` from Redis (tests marked ``celery_worker``);
    the database connections its thread opens are closed after each task, not left to the garbage
    collector."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from jiaozuo_union.celery import app

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, queues=list(queues), pool="solo", perform_ping_check=False,
                          shutdown_timeout=shutdown_timeout):
            yield app
    finally:
        task_postrun.disconnect(close_connections)


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


def require_chromium() -> None:
    require(CHROMIUM is not None, "需要 Debian 的 chromium 软件包（apt-get install chromium）")


LONGEST_FIRST = ("tests/e2e/test_accessibility.py",)


def pytest_collection_modifyitems(items):
    """The accessibility crawl (minutes) goes first: with pytest-xdist one worker starts it at once while
    the others share the rest, instead of it starting last and running alone. The rest keeps its order."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process unless a test starts a real worker (marker ``celery_worker``)."""
    from jiaozuo_union.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session", autouse=True)
def _own_media_folders(tmp_path_factory):
    """Each test run stores uploads in its own temporary folders, never beside another run's nor in the
    repository's private_media/ (file fields follow STORAGES through core.uploads.private_storage;
    tests/core/test_media_isolation.py checks it)."""
    from django.conf import settings
    from django.test import override_settings

    root = tmp_path_factory.mktemp("media")
    storages = {**settings.STORAGES,
                "private": {**settings.STORAGES["private"], "OPTIONS": {"location": str(root / "private")}},
                "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root / "public")}}}
    with override_settings(STORAGES=storages, MEDIA_ROOT=str(root / "public")):
        yield


def pass_second_factor(client, user) -> None:
    """Mark ``client``'s session as having passed the second step with ``user``'s authenticator."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="身份验证器", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(request, monkeypatch):
    """``client.force_login(staff)`` arrives as after a full sign-in: password and TOTP both passed.

    Tests of the enforcement itself opt out with ``@pytest.mark.real_otp``.
    """
    if request.node.get_closest_marker("real_otp"):
        yield
        return
    from django.test.client import ClientMixin

    from apps.accounts.two_factor.services import needs_second_factor

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if needs_second_factor(user):
            pass_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
    yield


@pytest.fixture(scope="session", autouse=True)
def _flush_only_filled_tables():
    """After a ``transaction=True`` test Django empties every table (flush: one TRUNCATE of ~160 tables,
    3–5 s on PostgreSQL, most of them empty). Empty only the tables that hold rows, with DELETE (foreign
    keys are deferred to the commit); tables whose triggers refuse DELETE (the append-only audit log)
    are truncated. The database ends exactly as after Django's flush; the post_migrate signal that
    refills content types, permissions and roles still runs. Other databases keep Django's flush.
    """
    from django.core.management.commands import flush

    original = flush.sql_flush

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences:
            return original(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})"
                                              for table in tables), tables)
            filled = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            guarded = {row[0] for row in cursor.fetchall()}
        return [f"{'TRUNCATE' if table in guarded else 'DELETE FROM'} {quote(table)};" for table in filled]

    flush.sql_flush = sql_flush
    yield
    flush.sql_flush = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class Tree:
    city: Organization
    xiuwu: Organization
    boai: Organization
    xiuwu_grassroots: Organization
    boai_grassroots: Organization
    industry: Organization


@pytest.fixture
def org_tree(db) -> Tree:
    city = make_organization("焦作市总工会", Organization.Type.CITY, code="410800")
    xiuwu = make_organization("修武县总工会", Organization.Type.COUNTY, city, code="410821")
    boai = make_organization("博爱县总工会", Organization.Type.COUNTY, city, code="410822")
    industry = make_organization("焦作市能源化工工会", Organization.Type.INDUSTRY, city, code="IND01")
    return Tree(
        city=city,
        xiuwu=xiuwu,
        boai=boai,
        xiuwu_grassroots=make_organization("修武县恒达机械工会", parent=xiuwu, code="410821G01"),
        boai_grassroots=make_organization("博爱县铸造工会", parent=boai, code="410822G01"),
        industry=industry,
    )


@pytest.fixture
def worker(db):
    return UserFactory(username="13900000001", real_name="张伟")


@pytest.fixture
def other_worker(db):
    return UserFactory(username="13900000002", real_name="王芳")


@pytest.fixture
def city_staff(org_tree):
    return make_staff(org_tree.city, Role.CITY_OFFICE, username="city_office", is_staff=True)


@pytest.fixture
def xiuwu_staff(org_tree):
    return make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_staff", is_staff=True)


@pytest.fixture
def boai_staff(org_tree):
    return make_staff(org_tree.boai, Role.COUNTY_STAFF, username="boai_staff", is_staff=True)


@pytest.fixture
def grassroots_staff(org_tree):
    return make_staff(org_tree.xiuwu_grassroots, Role.GRASSROOTS_STAFF, username="grassroots_staff")


@pytest.fixture
def xiuwu_enterprise(org_tree):
    return EnterpriseFactory(name="修武县恒达机械制造有限公司", district=org_tree.xiuwu,
                             union=org_tree.xiuwu_grassroots, has_union=True)


@pytest.fixture
def boai_enterprise(org_tree):
    return EnterpriseFactory(name="博爱县铸造有限公司", district=org_tree.boai,
                             union=org_tree.boai_grassroots, has_union=True)
