"""Benchmark of the reporting workbench: 200 organisations × 52 weekly rounds.

Measures the timeliness page and the federation overview (time per request, query count), and
the Excel export of one round of 200 submissions (time, peak memory). Creates and then drops its
own test database, so it never touches real data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_reports ./.venv/bin/python bench/reports_bench.py
"""
from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchenv  # noqa: E402

benchenv.prepare()
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="reports-bench-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ORGANIZATIONS = int(os.environ.get("BENCH_ORGANIZATIONS", 200))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 52))
REPEAT = 15


def seed():
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.accounts.roles import Role, role_group
    from apps.core.models import Organization
    from apps.core.services import organization_create
    from apps.reports.models import ReportField, ReportRound, ReportTask, Submission, SubmissionVersion

    city = organization_create(name="焦作市总工会", code="410800", org_type="city", parent=None)
    counties = [
        Organization(name=f"测试{i:03d}县总工会", code=f"B{i:04d}", org_type="county", parent=city,
                     path=f"{city.path}B{i:04d}/", depth=1)
        for i in range(ORGANIZATIONS)
    ]
    Organization.objects.bulk_create(counties)
    office = User.objects.create_user(username="bench_office", password="x", organization=city, is_staff=True)
    office.groups.add(role_group(Role.CITY_OFFICE))
    today = timezone.localdate()
    task = ReportTask.objects.create(title="复工复产周报", period="weekly", audience="counties",
                                     start_date=today - timedelta(weeks=ROUNDS - 1, days=today.weekday()),
                                     due_days_after=1, status="active", created_by=office)
    fields = [ReportField(task=task, key="core_enterprises_registered", label="新登记企业", kind="indicator",
                          indicator_key="core.enterprises_registered", group="平台指标", required=False, order=0)]
    fields += [ReportField(task=task, key=f"n{i}", label=f"数字{i}", kind="number", group=f"第{i % 3 + 1}组",
                           order=i + 1) for i in range(12)]
    fields += [ReportField(task=task, key="narrative", label="工作开展情况", kind="text", group="情况", order=20)]
    ReportField.objects.bulk_create(fields)
    rounds = []
    for index in range(ROUNDS):
        start = task.start_date + timedelta(weeks=index)
        rounds.append(ReportRound(task=task, period_start=start, period_end=start + timedelta(days=6),
                                  due_date=start + timedelta(days=7)))
    ReportRound.objects.bulk_create(rounds)
    fill_indicator_tables(counties, office)
    rng = random.Random(1)
    narrative = "本周组织线上招聘会、职工技能培训和困难职工走访慰问，推动企业复工复产。" * 4
    tz = timezone.get_current_timezone()
    for round_ in ReportRound.objects.filter(task=task):
        batch = []
        for org in counties:
            story = rng.choices(["on_time", "late", "missing", "returned"], [75, 12, 10, 3])[0]
            submission = Submission(round=round_, organization_id=org.pk)
            if story != "missing":
                when = datetime.combine(round_.due_date + timedelta(days=2 if story == "late" else -1), dtime(10),
                                        tzinfo=tz)
                submission.values = {f"n{i}": rng.randint(0, 500) for i in range(12)} | {"narrative": narrative}
                submission.indicator_values = {"core_enterprises_registered": rng.randint(0, 9)}
                submission.first_submitted_at = submission.submitted_at = when
                submission.late = story == "late"
                submission.status = "returned" if story == "returned" else "accepted"
                submission.version_count = 1
            batch.append(submission)
        Submission.objects.bulk_create(batch)
        SubmissionVersion.objects.bulk_create([
            SubmissionVersion(submission=s, number=1, values=s.values, indicator_values=s.indicator_values,
                              submitted_at=s.submitted_at) for s in batch if s.first_submitted_at])
    return office, task


def fill_indicator_tables(counties, office) -> None:
    """Rows behind every indicator, in every county, so the overview computes real figures.

    Per county: 3 enterprises (2 with a union), 15 published posts, 8 seekers who each apply once
    (3 interviewed, 3 hired, 1 of them recommended) and 1 brokered hire; 8 course enrolments (4
    completed), 8 submitted quiz attempts, 1 competition entry. Dated now, inside the overview's period.
    """
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.core.indicators import all_indicators
    from apps.core.models import Enterprise
    from apps.recruitment.models import (
        Application,
        BrokeredMatch,
        Interview,
        JobPost,
        SeekerDesiredCategory,
        SeekerProfile,
    )
    from apps.training.models import Attempt, Campaign, Course, Enrollment, Entry, Quiz

    now = timezone.now()
    rng = random.Random(7)
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(name=f"指标企业{c.code}-{n}", credit_code=f"IND{c.code}{n:05d}", district=c, industry="制造业",
                   size="small", has_union=n < 2) for c in counties for n in range(3)])
    posts = JobPost.objects.bulk_create([
        JobPost(enterprise=e, district=e.district, title="焊工", category="welding", address="工业路",
                salary_min=4000, salary_max=6000, headcount=rng.randint(1, 9), description="持证上岗",
                contact_name="人事部", contact_phone="03913560000", valid_until=now.date() + timedelta(days=30),
                status="published", published_at=now - timedelta(days=rng.randint(0, 200)), search_document="焊工")
        for e in enterprises for _ in range(5)])
    users = User.objects.bulk_create([User(username=f"ind{c.code}{n}", password="!", real_name=f"职工{n}")
                                      for c in counties for n in range(8)])
    profiles = SeekerProfile.objects.bulk_create([
        SeekerProfile(user=u, real_name=u.real_name, phone="13900000000", district=counties[i // 8])
        for i, u in enumerate(users)])
    SeekerDesiredCategory.objects.bulk_create([SeekerDesiredCategory(seeker=p, code="welding") for p in profiles])
    applications = []
    for i, user in enumerate(users):
        post = posts[(i // 8) * 15 + i % 15]
        hired = i % 8 < 3
        applications.append(Application(post=post, seeker=user, status="hired" if hired else "submitted",
                                        hired_at=now if hired else None,
                                        source="recommended" if i % 8 == 0 else "direct"))
    applications = Application.objects.bulk_create(applications)
    Interview.objects.bulk_create([Interview(application=a, scheduled_at=now - timedelta(days=1), mode="onsite",
                                             location="会议室") for i, a in enumerate(applications) if i % 8 < 3])
    BrokeredMatch.objects.bulk_create([
        BrokeredMatch(seeker=profiles[i], post=posts[(i // 8) * 15], organization=counties[i // 8], broker=office,
                      outcome="hired", outcome_at=now) for i in range(0, len(profiles), 8)])
    course = Course.objects.create(title="基准课程", category="safety", organization=counties[0], is_published=True)
    Enrollment.objects.bulk_create([
        Enrollment(user=u, course=course, organization=counties[i // 8], completed_at=now if i % 2 else None,
                   certificate_no=f"B{i:08d}" if i % 2 else None) for i, u in enumerate(users)])
    quiz = Quiz.objects.create(title="基准答题", organization=counties[0], opens_at=now - timedelta(days=1),
                               closes_at=now + timedelta(days=1), is_published=True)
    Attempt.objects.bulk_create([
        Attempt(quiz=quiz, user=u, organization=counties[i // 8], status="submitted", started_at=now,
                deadline=now, submitted_at=now, score=rng.randint(0, 10) * 10, max_score=100)
        for i, u in enumerate(users)])
    campaign = Campaign.objects.create(title="基准竞赛", kind="skills", organization=counties[0],
                                       registration_closes=now.date() + timedelta(days=9))
    Entry.objects.bulk_create([Entry(campaign=campaign, organization=c, kind="team", name=f"{c.code}队")
                               for c in counties])
    today = now.date()
    empty = [key for key, indicator in all_indicators().items()
             if not any(indicator.compute(counties[:5], today - timedelta(days=365), today).values())]
    if empty:
        sys.exit(f"这些指标在基准数据中仍为零：{empty}")


def measure(client, url, *, cold=False):
    from django.core.cache import cache

    client.get(url)  # warm caches (templates, permissions)
    timings = []
    for _ in range(REPEAT):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), max(timings), len(queries)


def _peak_rss_mb() -> float:
    """VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's over exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_only(round_id: int) -> None:
    """Run in a fresh process: what an export worker holds in memory for one round."""
    from apps.reports.exports import write_round_workbook
    from apps.reports.models import ReportRound

    round_ = ReportRound.objects.select_related("task").get(pk=round_id)
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        rows = write_round_workbook(round_, handle)
        size = handle.tell()
    elapsed = time.perf_counter() - started
    rss_after = _peak_rss_mb()
    print(f"导出一轮 {rows} 份报告（独立进程）：{elapsed:.2f} s，文件 {size / 1024:.0f} KB，"
          f"进程常驻内存峰值 {rss_after:.0f} MB（Django 启动后 {rss_before:.0f} MB）")


def main() -> None:
    from django.test import Client

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        office, task = seed()
        print(f"数据：{ORGANIZATIONS} 个单位 × {ROUNDS} 轮 = {ORGANIZATIONS * ROUNDS} 份报告，"
              f"生成 {time.perf_counter() - started:.1f} s（{connection.vendor}）")
        client = Client()
        client.force_login(office)
        from apps.reports.models import ReportRound

        latest = ReportRound.objects.filter(task=task).order_by("-period_start").first()
        for label, url in [("完成情况页（各轮 + 各单位按时率）", f"/reports/tasks/{task.pk}/timeliness/"),
                           ("单轮完成情况页", f"/reports/rounds/{latest.pk}/"),
                           ("全市总览（指标已在缓存）", "/reports/overview/?start=2000-01-01"),
                           ("全市总览（冷：每次重新计算指标）", "/reports/overview/?start=2000-01-01&cold=1")]:
            median, worst, count = measure(client, url, cold="cold" in url)
            print(f"{label}: 中位 {median:.1f} ms，最慢 {worst:.1f} ms，{count} 次查询")

        from apps.reports.exports import write_round_workbook

        tracemalloc.start()
        started = time.perf_counter()
        with tempfile.TemporaryFile() as handle:
            rows = write_round_workbook(latest, handle)
            size = handle.tell()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"导出一轮 {rows} 份报告：{elapsed:.2f} s，文件 {size / 1024:.0f} KB，"
              f"导出期间 Python 分配峰值 {peak / 1024 / 1024:.1f} MB")
        if connection.vendor == "postgresql":
            import subprocess

            base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            env = {**os.environ, "DATABASE_URL": f"{base}/{connection.settings_dict['NAME']}"}
            connection.close()
            subprocess.run([sys.executable, __file__, "--export-only", str(latest.pk)], env=env, check=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--export-only":
        export_only(int(sys.argv[2]))
    else:
        main()
