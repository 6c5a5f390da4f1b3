from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.indicators import all_indicators
from apps.training import selectors, services
from apps.training.models import Enrollment

from .conftest import right_answers, wrong_answers
from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _indicator(key):
    return all_indicators()[key]


def test_indicators_are_registered():
    keys = set(all_indicators())
    assert {"training.enrollments", "training.completions", "training.quiz_participants",
            "training.quiz_average_score", "training.competition_entries"} <= keys


def test_enrolments_and_completions_count_the_subtree_and_period(worker, other_worker, course, org_tree):
    services.enrollment_create(user=worker, course=course, organization=org_tree.xiuwu_grassroots)
    services.enrollment_create(user=other_worker, course=course, organization=org_tree.boai_grassroots)
    for lesson in course.lessons.all():
        services.lesson_complete(user=worker, lesson=lesson)
    today = timezone.localdate()
    orgs = [org_tree.city, org_tree.xiuwu, org_tree.boai, org_tree.xiuwu_grassroots]
    enrolled = _indicator("training.enrollments").compute(orgs, today, today)
    assert enrolled == {org_tree.city.pk: 2, org_tree.xiuwu.pk: 1, org_tree.boai.pk: 1,
                        org_tree.xiuwu_grassroots.pk: 1}
    completed = _indicator("training.completions").compute(orgs, today, today)
    assert completed[org_tree.city.pk] == 1 and completed[org_tree.boai.pk] == 0
    Enrollment.objects.update(enrolled_at=timezone.now() - timedelta(days=40))
    assert _indicator("training.enrollments").compute(orgs, today, today)[org_tree.city.pk] == 0


def test_quiz_participants_count_people_once_and_average_is_a_percentage(worker, other_worker, quiz, org_tree,
                                                                          django_assert_num_queries):
    for _ in range(2):
        attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
        services.attempt_submit(user=worker, attempt=attempt, answers=right_answers(attempt))
    attempt = services.attempt_start(user=other_worker, quiz=quiz, organization=org_tree.boai_grassroots)
    services.attempt_submit(user=other_worker, attempt=attempt, answers=wrong_answers(attempt))
    today = timezone.localdate()
    orgs = [org_tree.city, org_tree.xiuwu, org_tree.boai]
    with django_assert_num_queries(1):
        participants = _indicator("training.quiz_participants").compute(orgs, today, today)
    assert participants == {org_tree.city.pk: 2, org_tree.xiuwu.pk: 1, org_tree.boai.pk: 1}
    average = _indicator("training.quiz_average_score").compute(orgs, today, today)
    assert average[org_tree.xiuwu.pk] == 100.0 and average[org_tree.boai.pk] == 0
    assert round(average[org_tree.city.pk], 1) == 66.7


def test_competition_entries_indicator(grassroots_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city)
    services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                            kind="team", name="焊接班")
    today = timezone.localdate()
    result = _indicator("training.competition_entries").compute([org_tree.xiuwu, org_tree.boai], today, today)
    assert result == {org_tree.xiuwu.pk: 1, org_tree.boai.pk: 0}
    assert _indicator("training.competition_entries").link(org_tree.xiuwu, today, today)


def test_person_rank_counts_ties_by_time(worker, other_worker, quiz, org_tree):
    for user, org in ((worker, org_tree.xiuwu_grassroots), (other_worker, org_tree.boai_grassroots)):
        attempt = services.attempt_start(user=user, quiz=quiz, organization=org)
        services.attempt_submit(user=user, attempt=attempt, answers=right_answers(attempt),
                                now=attempt.started_at + timedelta(seconds=60 if user == worker else 30))
    mine = selectors.my_result(worker, quiz)
    assert selectors.person_rank(mine) == 2
    assert selectors.person_rank(selectors.my_result(other_worker, quiz)) == 1


def test_a_person_under_two_unions_of_one_county_counts_once_for_it(worker, quiz, org_tree,
                                                                      django_assert_max_num_queries):
    quiz.max_attempts = 5
    quiz.save()
    for organization in (org_tree.xiuwu_grassroots, org_tree.xiuwu):
        attempt = services.attempt_start(user=worker, quiz=quiz, organization=organization)
        services.attempt_submit(user=worker, attempt=attempt, answers=right_answers(attempt))
    today = timezone.localdate()
    orgs = [org_tree.city, org_tree.xiuwu, org_tree.xiuwu_grassroots, org_tree.boai]
    participants = _indicator("training.quiz_participants").compute(orgs, today, today)
    assert participants == {org_tree.city.pk: 1, org_tree.xiuwu.pk: 1, org_tree.xiuwu_grassroots.pk: 1,
                            org_tree.boai.pk: 0}
    with django_assert_max_num_queries(2):  # subtree sums and counts, whatever the number of organisations
        average = _indicator("training.quiz_average_score").compute(orgs, today, today)
    assert average == {org_tree.city.pk: 100.0, org_tree.xiuwu.pk: 100.0, org_tree.xiuwu_grassroots.pk: 100.0,
                       org_tree.boai.pk: 0}
