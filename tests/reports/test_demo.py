"""Demonstration report tasks look real: dated around today, no number typed that the portal knows."""
from __future__ import annotations

import pytest
from django.utils import timezone

from apps.reports import schema
from apps.reports.models import ReportField, ReportTask, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    from apps.accounts import demo as accounts_demo
    from apps.core import demo as core_demo
    from apps.reports import demo

    core_demo.seed()
    accounts_demo.seed()
    demo.seed()
    demo.seed()  # runs twice without duplicating
    return demo


def test_demo_report_tasks_look_real(seeded):
    """One seeding (it is slow), three checks."""
    assert set(ReportTask.objects.values_list("title", flat=True)) == {seeded.ONE_OFF, seeded.WEEKLY, seeded.MONTHLY}
    _nothing_not_yet_due_or_not_yet_over_shows_as_reported(seeded)
    _no_typed_number_repeats_an_indicator()


def _nothing_not_yet_due_or_not_yet_over_shows_as_reported(seeded):
    today, now = timezone.localdate(), timezone.now()
    reported = Submission.objects.filter(first_submitted_at__isnull=False).select_related("round")
    assert reported.exists()
    for submission in reported:
        assert submission.round.period_end < today, (submission.round.task.title, submission.round.label)
        assert submission.first_submitted_at <= now
        assert submission.first_submitted_at.date() > submission.round.period_end
        assert submission.accepted_at is None or submission.accepted_at <= now
        if submission.round.on_time_until >= today:
            assert submission.late is False
    for version_time in Submission.objects.values_list("versions__submitted_at", "versions__reviewed_at"):
        assert all(moment is None or moment <= now for moment in version_time)
    # The month in progress exists as a round, with drafts at most.
    monthly = ReportTask.objects.get(title=seeded.MONTHLY)
    current = monthly.rounds.get(period_start=today.replace(day=1))
    assert current.due_date > today
    assert not current.submissions.exclude(status__in=[Submission.Status.PENDING, Submission.Status.DRAFT]).exists()
    # Finished months have been reported, mostly on time.
    past = monthly.rounds.filter(due_date__lt=today)
    assert past.exists() and Submission.objects.filter(round__in=past, status=Submission.Status.ACCEPTED).exists()


def _no_typed_number_repeats_an_indicator():
    numbers = ReportField.objects.filter(kind=ReportField.Kind.NUMBER)
    assert numbers.exists()
    for field in numbers:
        assert schema.duplicated_indicator(field.label) is None, field.label
    indicator_keys = set(ReportField.objects.filter(kind=ReportField.Kind.INDICATOR)
                         .values_list("indicator_key", flat=True))
    assert {"recruitment.applications", "recruitment.hires"} <= indicator_keys
