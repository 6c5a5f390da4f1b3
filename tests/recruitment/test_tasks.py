from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.notifications.models import Notification
from apps.recruitment import services, tasks
from apps.recruitment.models import JobPost, Recommendation, SavedSearch

from .factories import JobPostFactory

pytestmark = pytest.mark.django_db


def test_expire_task_expires_posts_past_their_date(xiuwu_enterprise):
    old = JobPostFactory(enterprise=xiuwu_enterprise, valid_until=timezone.localdate() - timedelta(days=2))
    assert tasks.expire_job_posts.delay().get() == 1
    old.refresh_from_db()
    assert old.status == JobPost.Status.EXPIRED
    assert tasks.expire_job_posts.delay().get() == 0


def test_reminder_task_is_idempotent(seeker, post, employer, django_capture_on_commit_callbacks):
    application = services.application_submit(seeker=seeker, post=post)
    services.interview_invite(actor=employer, application=application,
                              scheduled_at=timezone.now() + timedelta(minutes=30), mode="video", location="https://m.example.cn/1")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_interview_reminders.delay()
        tasks.send_interview_reminders.delay()
    assert Notification.objects.filter(title__startswith="面试提醒", recipient=seeker).count() == 1
    assert Notification.objects.filter(title__startswith="面试提醒", recipient=employer).count() == 1


def test_saved_search_alerts_fan_out(worker, post, django_capture_on_commit_callbacks):
    search = services.saved_search_create(user=worker, name="焊工", params={"q": "焊工"}, alert=True)
    SavedSearch.objects.filter(pk=search.pk).update(last_alerted_at=timezone.now() - timedelta(days=1))
    services.saved_search_create(user=worker, name="不推送", params={"q": "焊工"}, alert=False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_saved_search_alerts.delay()
    assert Notification.objects.filter(recipient=worker).count() == 1


def test_saving_a_profile_recomputes_recommendations_in_the_background(worker, post, org_tree,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.seeker_profile_save(user=worker, data={
            "real_name": "张伟", "phone": "13900000001", "district": org_tree.xiuwu, "key_group": "migrant",
            "desired_categories": ["welding"], "desired_districts": [org_tree.xiuwu], "desired_salary": 6000})
    assert Recommendation.objects.filter(profile__user=worker, post=post).exists()


def test_publishing_a_post_recomputes_its_candidates(seeker, employer, xiuwu_staff, xiuwu_enterprise,
                                                     django_capture_on_commit_callbacks):
    draft = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.PENDING, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_review(actor=xiuwu_staff, post=draft, approve=True)
    assert Recommendation.objects.filter(post=draft, profile__user=seeker).exists()
    assert tasks.recompute_all_recommendations.delay().get() == 1


def test_stale_search_task_is_declared_and_heals_renamed_enterprises(post, xiuwu_enterprise):
    from django.apps import apps

    from apps.core.models import Enterprise

    declared = {t["task"] for t in apps.get_app_config("recruitment").periodic_tasks}
    assert "apps.recruitment.tasks.refresh_stale_search_documents" in declared
    Enterprise.objects.filter(pk=xiuwu_enterprise.pk).update(name="焦作宏远重工")
    assert tasks.refresh_stale_search_documents.delay().get() == 1
    assert "焦作宏远重工" in JobPost.objects.get(pk=post.pk).search_document
    assert tasks.refresh_stale_search_documents.delay().get() == 0
