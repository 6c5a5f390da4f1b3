"""Benchmark of legal aid at 50,000 consultations: the lawyers' queue, the staff list and the staff
overview (first-response and resolution times, median and 90th percentile, by lawyer and by category).

Creates and then drops its own test database, so it never touches real data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_legal ./.venv/bin/python bench/legal_aid_bench.py
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchenv  # noqa: E402

benchenv.prepare()
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="legal-bench-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

CONSULTATIONS = int(os.environ.get("BENCH_CONSULTATIONS", 50_000))
REPEAT = 15


def _verified(client, user) -> None:
    """The session as after password and authenticator code (staff pages need the second factor)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def seed():
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.accounts.roles import Role, role_group
    from apps.core.models import Organization
    from apps.core.services import organization_create
    from apps.legal_aid.models import Consultation, ConsultationCategory
    from apps.legal_aid.services import categories_ensure

    categories_ensure()
    categories = list(ConsultationCategory.objects.all())
    city = organization_create(name="焦作市总工会", code="410800", org_type="city", parent=None)
    unions = []
    for county_index in range(11):
        county = organization_create(name=f"测试{county_index:02d}县总工会", code=f"C{county_index:03d}",
                                     org_type="county", parent=city)
        unions += [Organization(name=f"{county.name}基层工会{i}", code=f"C{county_index:03d}G{i:03d}",
                                org_type="grassroots", parent=county, path=f"{county.path}C{county_index:03d}G{i:03d}/",
                                depth=2) for i in range(20)]
    Organization.objects.bulk_create(unions)
    unions = list(Organization.objects.filter(org_type="grassroots"))
    office = User.objects.create_user(username="bench_office", password="x", organization=city, is_staff=True)
    office.groups.add(role_group(Role.CITY_OFFICE))
    county_staff = User.objects.create_user(username="bench_county", password="x",
                                            organization=Organization.objects.get(code="C003"), is_staff=True)
    county_staff.groups.add(role_group(Role.COUNTY_STAFF))
    lawyers = []
    for i in range(12):
        lawyer = User.objects.create_user(username=f"bench_lawyer{i}", password="x", real_name=f"律师{i}")
        lawyer.groups.add(role_group(Role.VOLUNTEER_LAWYER))
        lawyers.append(lawyer)
    workers = User.objects.bulk_create([User(username=f"1390{i:07d}", password="x") for i in range(2000)])
    rng = random.Random(7)
    now = timezone.now()
    batch = []
    for _ in range(CONSULTATIONS):
        category = rng.choice(categories)
        asked = now - timedelta(minutes=rng.randint(1, 60 * 24 * 730))  # two years of questions
        status = rng.choices(["queued", "assigned", "answered", "closed"], [3, 5, 12, 80])[0]
        if asked > now - timedelta(days=3):
            status = rng.choice(["queued", "assigned", "answered"])
        row = Consultation(worker=rng.choice(workers), organization=rng.choice(unions), category=category,
                           facts="公司拖欠工资两个月，老板说疫情结束再发。" * 3, created_at=asked,
                           due_at=asked + timedelta(hours=category.first_answer_hours), status=status)
        if status != "queued":
            row.lawyer = rng.choice(lawyers)
            row.claimed_at = asked + timedelta(minutes=rng.randint(5, 600))
        if status in ("answered", "closed"):
            row.first_response_seconds = rng.randint(600, 3600 * 48)
            row.first_answered_at = asked + timedelta(seconds=row.first_response_seconds)
        if status == "closed":
            row.resolution_seconds = row.first_response_seconds + rng.randint(600, 3600 * 96)
            row.closed_at = asked + timedelta(seconds=row.resolution_seconds)
            row.rating = rng.randint(3, 5)
        batch.append(row)
        if len(batch) == 5000:
            Consultation.objects.bulk_create(batch)
            batch = []
    Consultation.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As autovacuum leaves a table that has settled: statistics, and the visibility map that lets
            # the overview's covering index answer without visiting the rows.
            cursor.execute("VACUUM ANALYZE")
    return office, county_staff, lawyers[0]


def measure(client, url):
    client.get(url)  # warm caches (templates, permissions)
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), max(timings), len(queries), queries


def main() -> None:
    from django.test import Client

    from apps.legal_aid.models import Consultation

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        office, county_staff, lawyer = seed()
        print(f"数据：{Consultation.objects.count()} 条咨询（两年内），11 个县区 × 20 个基层工会，12 名律师，"
              f"生成 {time.perf_counter() - started:.1f} s（{connection.vendor}）")
        pages = [(lawyer, "基线：律师的收件箱（与本应用无关，衡量机器负载）", "/inbox/"),
                 (lawyer, "律师工作台（待认领队列 + 我承办的）", "/legal/queue/"),
                 (office, "工作人员咨询列表（全市）", "/legal/staff/consultations/"),
                 (office, "工作人员咨询列表（全市，已超时）", "/legal/staff/consultations/?status=overdue"),
                 (office, "答复时效统计（全市，最近 90 天）", "/legal/staff/overview/"),
                 (office, "答复时效统计（全市，最近 365 天）", "/legal/staff/overview/?days=365"),
                 (county_staff, "答复时效统计（一个县区，最近 90 天）", "/legal/staff/overview/")]
        slowest = {}
        for user, label, url in pages:
            client = Client()
            _verified(client, user)
            median, worst, count, queries = measure(client, url)
            sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
            print(f"{label}: 中位 {median:.1f} ms，最慢 {worst:.1f} ms，{count} 次查询（SQL 合计 {sql_ms:.1f} ms）")
            slowest[label] = max(queries.captured_queries, key=lambda q: float(q["time"]))
        if connection.vendor == "postgresql" and os.environ.get("BENCH_EXPLAIN"):
            for label, query in slowest.items():
                print(f"\n-- {label} 最慢的一条查询（{float(query['time']) * 1000:.1f} ms）\n{query['sql'][:600]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
