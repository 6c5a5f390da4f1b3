"""Benchmark of the answering contest (see bench/training.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_training ./.venv/bin/python bench/training_bench.py

Builds a throw-away database (``<name>_bench``), fills a contest with 20,000 participants, then
measures (1) the leaderboard page — time and number of queries, first page and a deep page — and
(2) handing in an attempt of 50 questions — the server time of the service and of the whole POST.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchenv  # noqa: E402

benchenv.prepare()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "20000"))
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "30"))


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    median = statistics.median(ordered)
    return f"median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def build():
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.core.services import organization_create
    from apps.training.demo_questions import build_questions
    from apps.training.models import Attempt, Question, QuestionBank, Quiz, QuizResult

    city = organization_create(name="焦作市总工会", code="410800", org_type="city", parent=None)
    unions = []
    for n in range(11):
        county = organization_create(name=f"县区总工会{n}", code=f"4108{n:02d}X", org_type="county", parent=city)
        unions += [organization_create(name=f"基层工会{n}-{g}", code=f"4108{n:02d}G{g:02d}", org_type="grassroots",
                                       parent=county) for g in range(5)]
    bank = QuestionBank.objects.create(name="基准题库", organization=city)
    rows = []
    while len(rows) < 260:
        rows += build_questions(Question)
    for question in rows:
        question.bank = bank
    Question.objects.bulk_create(rows)
    now = timezone.now()
    contest = Quiz.objects.create(title="基准竞赛", mode="contest", organization=city, question_count=50,
                                  opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
                                  time_limit_minutes=60, max_attempts=50, is_published=True,
                                  leaderboard_publication="live", points_per_question=2)
    contest.banks.set([bank])
    t0 = time.perf_counter()
    users = User.objects.bulk_create([User(username=f"b{n:06d}", real_name=f"职工{n}", password="!")
                                      for n in range(PARTICIPANTS + SUBMISSIONS)], batch_size=2000)
    rng = random.Random(1)
    attempts = Attempt.objects.bulk_create([
        Attempt(quiz=contest, user=user, organization=unions[n % len(unions)], number=1, status="submitted",
                started_at=now, deadline=now, submitted_at=now, score=rng.randint(0, 50) * 2, max_score=100,
                duration_seconds=rng.randint(120, 3000), items=[], answers={})
        for n, user in enumerate(users[:PARTICIPANTS])], batch_size=2000)
    parents = {u.pk: u.parent_id for u in unions}
    QuizResult.objects.bulk_create([
        QuizResult(quiz=contest, user_id=a.user_id, organization_id=a.organization_id,
                   county_id=parents[a.organization_id], attempt=a, score=a.score, duration_seconds=a.duration_seconds,
                   submitted_at=a.submitted_at) for a in attempts], batch_size=2000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print(f"built {PARTICIPANTS} participants in {time.perf_counter() - t0:.1f} s")
    return contest, users[PARTICIPANTS:], unions


def bench_leaderboard(contest):
    from django.test import Client
    from django.urls import reverse

    from apps.training.models import QuizResult

    client = Client()
    participant = Client()
    # A participant in the middle of the field: the page also shows their own place.
    middle = QuizResult.objects.filter(quiz=contest).order_by("-score", "duration_seconds")[PARTICIPANTS // 2]
    participant.force_login(middle.user)
    url = reverse("training:leaderboard", args=[contest.pk])
    results = {}
    for label, query, who in (("first page", "", client), ("page 200", "?page=200", client),
                              ("first page, signed-in participant", "", participant)):
        who.get(url + query)  # warm up
        samples = []
        for _ in range(20):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = who.get(url + query)
                samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (response.status_code, response.content[:300])
        results[label] = (samples, len(queries))
        print(f"leaderboard {label}: {_ms(samples)}; {len(queries)} queries")
    return results


def bench_submit(contest, users, unions):
    from django.test import Client
    from django.urls import reverse

    from apps.training import services
    from apps.training.models import Question

    questions = Question.objects.in_bulk()
    service_samples, view_samples, query_counts = [], [], []
    for n, user in enumerate(users):
        attempt = services.attempt_start(user=user, quiz=contest, organization=unions[n % len(unions)])
        answers = {}
        for pk in attempt.question_ids:
            question = questions[pk]
            answers[pk] = [question.answer[0]] if question.kind == "fill" else [str(i) for i in question.answer[:1]]
        if n % 2 == 0:
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                services.attempt_submit(user=user, attempt=attempt, answers=answers)
                service_samples.append(time.perf_counter() - start)
            query_counts.append(len(queries))
        else:
            client = Client()
            client.force_login(user)
            posted = {f"q{pk}": value for pk, value in answers.items()}
            start = time.perf_counter()
            response = client.post(reverse("training:attempt_submit", args=[attempt.pk]), posted)
            view_samples.append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
    print(f"submit 50 questions, service: {_ms(service_samples)}; {max(query_counts)} queries")
    print(f"submit 50 questions, whole POST: {_ms(view_samples)}")


def main() -> None:
    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = settings.DATABASES["default"]["NAME"] + "_bench"
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        contest, spare_users, unions = build()
        bench_leaderboard(contest)
        bench_submit(contest, spare_users, unions)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
