"""Who hears what: judges when assigned, contest participants when the leaderboard is published."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Notification
from apps.training import services, tasks
from apps.training.models import Campaign, Quiz

from .conftest import right_answers
from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_judge_is_notified_once_when_assigned(client, xiuwu_staff, boai_staff, org_tree,
                                              django_capture_on_commit_callbacks):
    campaign = CampaignFactory(organization=org_tree.xiuwu, status=Campaign.Status.DRAFT)
    client.force_login(xiuwu_staff)
    url = reverse("training:console_campaign", args=[campaign.pk])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"action": "judge", "judge-username": boai_staff.username})
    note = Notification.objects.get(recipient=boai_staff)
    assert campaign.title in note.title and "评委" in note.title
    assert note.link == url
    assert campaign.judges.filter(pk=boai_staff.pk).exists()


def test_unknown_judge_account_is_refused_next_to_the_field(client, xiuwu_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.xiuwu, status=Campaign.Status.DRAFT)
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:console_campaign", args=[campaign.pk]),
                           {"action": "judge", "judge-username": "nobody"})
    assert "没有这个账号" in response.content.decode()
    assert response.context["judge_form"].errors["username"]
    assert not campaign.judges.exists() and not Notification.objects.exists()


def _contest_with_two_participants(quiz, worker, other_worker, org_tree):
    quiz.leaderboard_publication = Quiz.Publication.AFTER_CLOSE
    quiz.save()
    for person in (worker, other_worker):
        attempt = services.attempt_start(user=person, quiz=quiz, organization=org_tree.xiuwu_grassroots)
        services.attempt_submit(user=person, attempt=attempt, answers=right_answers(attempt))
    return quiz


def test_participants_hear_once_when_a_contest_closes(quiz, worker, other_worker, org_tree,
                                                      django_capture_on_commit_callbacks):
    _contest_with_two_participants(quiz, worker, other_worker, org_tree)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.announce_closed_leaderboards.delay().get() == 0  # still open: nothing yet
    assert not Notification.objects.exists()
    later = quiz.closes_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_closed_leaderboards(now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_closed_leaderboards(now=later) == 0
        assert services.leaderboard_announce(quiz_id=quiz.pk, now=later) is False
    notes = Notification.objects.filter(title__contains=quiz.title)
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted([worker.pk, other_worker.pk])
    assert notes.first().link == reverse("training:leaderboard", args=[quiz.pk])
    quiz.refresh_from_db()
    assert quiz.leaderboard_announced_at is not None


def test_a_lost_announcement_flag_still_notifies_exactly_once(quiz, worker, other_worker, org_tree,
                                                              django_capture_on_commit_callbacks):
    """The notification key is fixed per contest: even a repeated sweep cannot deliver twice."""
    _contest_with_two_participants(quiz, worker, other_worker, org_tree)
    later = quiz.closes_at + timedelta(minutes=1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.leaderboard_announce(quiz_id=quiz.pk, now=later)
        Quiz.objects.filter(pk=quiz.pk).update(leaderboard_announced_at=None)
    assert Notification.objects.filter(recipient=worker).count() == 1


def test_practice_and_unpublished_quizzes_are_not_announced(quiz, django_capture_on_commit_callbacks):
    quiz.mode = Quiz.Mode.PRACTICE
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    assert services.announce_closed_leaderboards() == 0
    quiz.refresh_from_db()
    assert quiz.leaderboard_announced_at is None
