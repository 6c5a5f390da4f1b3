"""``seed_demo`` runs, fills every app with each state its pages show, and can be run again.

Seeding the whole city takes most of a minute, so this module seeds it once (twice, to prove it
repeatable) for all its tests, inside a transaction rolled back when the module ends; each test
then runs in its own savepoint as usual. Apps whose own tests need only their demo data seed just
that app (tests/recruitment/test_demo.py, tests/reports/test_demo.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

pytestmark = pytest.mark.django_db

# A second run must not duplicate anything: every model of the project's apps, except the logs that
# record each run (the audit trail, messages sent and their outbox).
NOT_COUNTED = {"core.AuditLog", "core.OutboxMessage", "notifications.Notification"}


def _models():
    return [model for model in apps.get_models()
            if model.__module__.startswith("apps.") and model._meta.label not in NOT_COUNTED]


@dataclass
class Seeded:
    first: dict[str, int]  # rows per model after the first run
    second: dict[str, int]  # ... and after the second


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in _models()}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from jiaozuo_union.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # as in every test (tests/conftest.py): no broker needed
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", verbosity=0)
            first = _counts()
            call_command("seed_demo", verbosity=0)
            seeded = Seeded(first=first, second=_counts())
            app.conf.task_always_eager = eager
            yield seeded
            transaction.set_rollback(True)


def test_seed_demo_is_repeatable(seeded):
    changed = {label: (count, seeded.second[label]) for label, count in seeded.first.items()
               if seeded.second[label] != count}
    assert not changed, changed
    for label in ["subsidies.Application", "protection.Hazard", "publicity.Article", "legal_aid.Consultation",
                  "legal_aid.LegalAidCase", "relief.Fund", "relief.AidApplication", "volunteers.Activity",
                  "volunteers.Wish", "recruitment.EmployerProfile", "recruitment.JobPost", "organizing.Membership"]:
        assert seeded.first[label], label


def test_subsidies_cover_every_state(seeded):
    from apps.relief.models import FundAccount
    from apps.relief.selectors import ledger_totals
    from apps.subsidies.models import Application, DuesDeferral, PaymentBatch, PaymentItem
    from apps.subsidies.selectors import signals_for

    assert set(Application.objects.values_list("status", flat=True)) == set(Application.Status.values)
    assert set(DuesDeferral.objects.values_list("status", flat=True)) == set(DuesDeferral.Status.values)
    assert PaymentBatch.objects.filter(status="paid").exists()
    assert PaymentItem.objects.filter(status="returned").exists()
    signals = signals_for(Application.objects.all())
    assert sum(bool(found) for found in signals.values()) >= 4
    account = FundAccount.objects.get(pk=Application.objects.first().programme.fund_account_id)
    totals = ledger_totals(account)
    assert account.spent == totals["spent"] and account.reserved == totals["reserved"]


def test_protection_covers_every_state(seeded):
    from apps.protection.models import AnkangEntry, Hazard, HealthDailyFigure, ResumptionPlan

    assert set(Hazard.objects.values_list("status", flat=True)) == set(Hazard.Status.values)
    assert set(Hazard.objects.values_list("level", flat=True)) == set(Hazard.Level.values)
    assert set(ResumptionPlan.objects.values_list("status", flat=True)) == set(ResumptionPlan.Status.values)
    assert Hazard.objects.filter(escalations__isnull=False).exists()
    assert HealthDailyFigure.objects.exists() and AnkangEntry.objects.filter(is_winner=True).exists()


def test_publicity_fills_news_and_campaigns(seeded, client):
    from apps.publicity.models import Article, Campaign, Essay, Exemplar, Nomination

    assert Article.objects.count() == 30
    assert set(Article.objects.values_list("category", flat=True)) == set(Article.Category.values)
    assert Exemplar.objects.filter(is_published=True).exists()
    assert Campaign.objects.filter(kind="most_beautiful", status="voting").exists()
    assert Nomination.objects.filter(front_line=True).exists() and Essay.objects.count() >= 3
    assert client.get("/news/", {"q": "工伤"}).content.decode().count('data-testid="article-row"') == 1


def test_legal_aid_consultations_cover_every_state(seeded):
    from apps.legal_aid.models import Consultation, PublishedAnswer, RiskScreening

    assert Consultation.objects.count() == 40
    assert set(Consultation.objects.values_list("status", flat=True)) == set(Consultation.Status.values)
    assert set(RiskScreening.objects.values_list("level", flat=True)) == set(RiskScreening.Level.values)
    assert PublishedAnswer.objects.filter(status="published").exists()


def test_legal_aid_cases_at_every_stage_and_outcome(seeded):
    from apps.legal_aid.demo import seed
    from apps.legal_aid.models import LegalAidCase

    S = LegalAidCase.Status
    assert set(LegalAidCase.objects.values_list("status", flat=True)) == set(S.values)
    running = set(LegalAidCase.objects.filter(status=S.ACCEPTED).values_list("stage", flat=True))
    assert running == {"consultation", "mediation", "arbitration", "litigation"}
    assert set(LegalAidCase.objects.filter(status=S.CLOSED).values_list("outcome", flat=True)) == {
        "won", "mediated", "partial", "lost"}
    assert LegalAidCase.objects.filter(status=S.SUBMITTED, green_channel=True).exists()
    assert LegalAidCase.objects.filter(opponent_enterprise__isnull=False).exists()
    for case in LegalAidCase.objects.filter(status__in=[S.ACCEPTED, S.CLOSED]):
        dates = list(case.entries.values_list("happened_on", flat=True))
        assert dates == sorted(dates) and dates[-1] <= timezone.localdate()
    count = LegalAidCase.objects.count()
    seed()  # the app's own seeding, on its own, adds nothing either
    assert LegalAidCase.objects.count() == count


def test_relief_data_is_coherent(seeded):
    from apps.relief.models import AidApplication, Fund, FundAccount, NeedyFile, Visit
    from apps.relief.selectors import ledger_totals

    assert Fund.objects.filter(year=2020).count() == 2
    assert set(AidApplication.objects.values_list("status", flat=True)) == set(AidApplication.Status.values) - {
        "grassroots"} or len(set(AidApplication.objects.values_list("status", flat=True))) >= 5
    assert set(AidApplication.objects.filter(status="paid").values_list("tier", flat=True)) == {"1", "2", "3"}
    assert Visit.objects.exists() and NeedyFile.objects.filter(status="closed").exists()
    assert any(a.used_percent >= 90 for a in FundAccount.objects.filter(parent__isnull=False))
    for account in FundAccount.objects.all():
        totals = ledger_totals(account)
        assert {k: getattr(account, k) for k in totals} == totals


def test_volunteers_cover_every_state(seeded):
    from apps.volunteers.models import Activity, Signup, Volunteer, Wish

    assert set(Wish.objects.values_list("status", flat=True)) >= {"draft", "published", "claimed", "fulfilled",
                                                                   "confirmed"}
    assert set(Activity.objects.values_list("kind", flat=True)) == set(Activity.Kind.values)
    assert Signup.objects.filter(status="waiting").exists()
    assert Activity.objects.filter(title__contains="法律").count() == 1
    assert Volunteer.objects.values("district").distinct().count() >= 3
