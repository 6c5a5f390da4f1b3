from __future__ import annotations

import pytest
from django.urls import reverse

from apps.training import services
from apps.training.models import Campaign

from .factories import BankFactory, CampaignFactory, CourseFactory, LessonFactory, QuizFactory

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["training:console_courses", "training:course_create", "training:bank_list", "training:bank_create",
               "training:bank_template", "training:console_quizzes", "training:quiz_create"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_workers_get_403_on_staff_pages(client, worker, name):
    client.force_login(worker)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES + ["training:stats", "training:console_campaigns"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["training:console_courses", "training:bank_list", "training:quiz_create",
                                  "training:campaign_create", "training:pioneer_queue"])
def test_grassroots_staff_without_the_role_get_403(client, grassroots_staff, name):
    client.force_login(grassroots_staff)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["training:my_training", "training:wrong_answers"])
def test_worker_pages_need_a_login(client, name):
    assert client.get(reverse(name)).status_code == 302


def test_other_district_staff_get_404_for_a_course(client, boai_staff, org_tree):
    course = CourseFactory(organization=org_tree.xiuwu, is_published=False)
    client.force_login(boai_staff)
    assert client.get(reverse("training:console_course", args=[course.pk])).status_code == 404
    assert client.get(reverse("training:course_edit", args=[course.pk])).status_code == 404
    assert client.get(reverse("training:lesson_create", args=[course.pk])).status_code == 404
    assert client.get(reverse("training:course_detail", args=[course.pk])).status_code == 404


def test_own_district_staff_see_an_unpublished_course(client, xiuwu_staff, org_tree):
    course = CourseFactory(organization=org_tree.xiuwu, is_published=False)
    client.force_login(xiuwu_staff)
    assert client.get(reverse("training:console_course", args=[course.pk])).status_code == 200
    assert client.get(reverse("training:course_detail", args=[course.pk])).status_code == 200


def test_other_district_staff_get_404_for_a_bank_and_a_quiz(client, boai_staff, org_tree):
    bank = BankFactory(organization=org_tree.xiuwu)
    quiz = QuizFactory(organization=org_tree.xiuwu, is_published=False)
    client.force_login(boai_staff)
    assert client.get(reverse("training:bank_detail", args=[bank.pk])).status_code == 404
    assert client.get(reverse("training:quiz_edit", args=[quiz.pk])).status_code == 404
    assert client.get(reverse("training:quiz_results", args=[quiz.pk])).status_code == 404


def test_someone_elses_attempt_is_404(client, worker, other_worker, quiz, org_tree):
    attempt = services.attempt_start(user=worker, quiz=quiz, organization=org_tree.xiuwu_grassroots)
    client.force_login(other_worker)
    for name in ("training:attempt_take", "training:attempt_result"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert client.post(reverse("training:attempt_submit", args=[attempt.pk]), {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"


def test_draft_campaign_is_404_to_the_public_and_other_districts(client, boai_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.xiuwu, status=Campaign.Status.DRAFT)
    assert client.get(reverse("training:campaign_detail", args=[campaign.pk])).status_code == 404
    client.force_login(boai_staff)
    assert client.get(reverse("training:console_campaign", args=[campaign.pk])).status_code == 404


def test_non_organiser_cannot_change_a_campaign(client, boai_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.xiuwu, status=Campaign.Status.OPEN)
    client.force_login(boai_staff)
    response = client.post(reverse("training:console_campaign", args=[campaign.pk]), {"action": "status",
                                                                                       "to": "judging"})
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN


def test_entry_of_another_district_is_404(client, boai_staff, grassroots_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.xiuwu)
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                    kind="team", name="焊接班")
    client.force_login(boai_staff)
    assert client.get(reverse("training:entry_detail", args=[entry.pk])).status_code == 404


def test_lesson_files_are_only_for_enrolled_learners(worker, other_worker, org_tree, boai_staff, xiuwu_staff):
    from apps.training.providers import can_see_lesson_file

    lesson = LessonFactory(course__organization=org_tree.xiuwu)
    services.enrollment_create(user=worker, course=lesson.course, organization=org_tree.xiuwu_grassroots)
    assert can_see_lesson_file(worker, lesson, "video")
    assert not can_see_lesson_file(other_worker, lesson, "video")
    assert not can_see_lesson_file(boai_staff, lesson, "video")
    assert can_see_lesson_file(xiuwu_staff, lesson, "video")


def test_role_groups_hold_the_training_permissions(xiuwu_staff, grassroots_staff):
    assert xiuwu_staff.has_perm("training.manage_quizzes") and xiuwu_staff.has_perm("training.review_pioneer")
    assert grassroots_staff.has_perm("training.register_entries")
    assert not grassroots_staff.has_perm("training.manage_courses")


def test_organiser_who_is_not_a_judge_cannot_post_scores(client, city_staff, grassroots_staff, org_tree):
    from .factories import CriterionFactory

    campaign = CampaignFactory(organization=org_tree.city)
    criterion = CriterionFactory(campaign=campaign, max_score=10)
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                    kind="team", name="焊接班")
    services.campaign_transition(actor=city_staff, campaign=campaign, to=Campaign.Status.JUDGING)
    client.force_login(city_staff)
    response = client.post(reverse("training:entry_detail", args=[entry.pk]),
                           {"action": "score", f"s-c{criterion.pk}": "5"})
    assert response.status_code == 403 and not entry.scores.exists()


def test_district_reviewer_sees_the_review_buttons_and_approves(client, xiuwu_staff, grassroots_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city, kind=Campaign.Kind.PIONEER)
    entry = services.entry_register(actor=grassroots_staff, campaign=campaign, organization=org_tree.xiuwu_grassroots,
                                    kind="team", name="装配一班")
    client.force_login(xiuwu_staff)
    url = reverse("training:entry_detail", args=[entry.pk])
    assert "县级审核通过" in client.get(url).content.decode()
    client.post(url, {"action": "county_approve"})
    entry.refresh_from_db()
    assert entry.review_status == "county_approved"
    client.force_login(grassroots_staff)
    page = client.get(url).content.decode()
    assert "县级审核通过" not in page and "待市总审核" in page
