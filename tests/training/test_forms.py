"""Every staff form: bad input gets a Chinese message next to the field and saves nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.training.models import Campaign, Course, Entry, QuestionBank, Quiz

from .factories import CampaignFactory, CourseFactory, LessonFactory, QuestionFactory, StudioFactory

pytestmark = pytest.mark.django_db


def _field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_course_without_a_title(client, city_staff, org_tree):
    client.force_login(city_staff)
    response = client.post(reverse("training:course_create"), {"category": "safety", "audience": "全体职工",
                                                                "organization": org_tree.city.pk})
    assert _field_errors(response, "title") == ["这个字段是必填项。"]
    assert not Course.objects.exists()


def test_course_for_an_organisation_outside_the_subtree(client, xiuwu_staff, org_tree):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:course_create"), {
        "title": "越权", "category": "safety", "audience": "全体职工", "organization": org_tree.boai.pk})
    assert "选择一个有效的选项" in _field_errors(response, "organization")[0]
    assert not Course.objects.exists()


def test_bank_without_a_name(client, xiuwu_staff, org_tree):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("training:bank_create"), {"organization": org_tree.xiuwu.pk})
    assert _field_errors(response, "name") and not QuestionBank.objects.exists()


def test_quiz_closing_before_it_opens_is_marked_on_the_field(client, city_staff, org_tree):
    from .factories import BankFactory

    bank = BankFactory(organization=org_tree.city)
    for _ in range(3):
        QuestionFactory(bank=bank)
    client.force_login(city_staff)
    now = timezone.localtime()
    response = client.post(reverse("training:quiz_create"), {
        "title": "时间颠倒", "mode": "exam", "organization": org_tree.city.pk, "banks": [bank.pk],
        "question_count": 2, "selection": "random", "points_per_question": 2,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"), "closes_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_minutes": 10, "max_attempts": 1, "grading": "highest", "leaderboard_publication": "live"})
    assert _field_errors(response, "closes_at") == ["结束时间必须晚于开始时间。"]
    assert not Quiz.objects.exists()


def test_campaign_without_a_deadline(client, city_staff, org_tree):
    client.force_login(city_staff)
    response = client.post(reverse("training:campaign_create"), {"title": "劳动竞赛", "kind": "labour",
                                                                  "organization": org_tree.city.pk})
    assert _field_errors(response, "registration_closes") and not Campaign.objects.exists()


def test_entry_with_a_name_already_used(client, grassroots_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city)
    client.force_login(grassroots_staff)
    url = reverse("training:entry_create", args=[campaign.pk])
    data = {"organization": org_tree.xiuwu_grassroots.pk, "kind": "team", "name": "焊接班"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert _field_errors(response, "name") == ["本单位已用这个名称报过名。"]
    assert Entry.objects.count() == 1


def test_entry_in_a_form_the_campaign_does_not_take(client, grassroots_staff, org_tree):
    campaign = CampaignFactory(organization=org_tree.city, allow_individuals=False)
    client.force_login(grassroots_staff)
    response = client.post(reverse("training:entry_create", args=[campaign.pk]),
                           {"organization": org_tree.xiuwu_grassroots.pk, "kind": "individual", "name": "马超"})
    assert _field_errors(response, "kind") == ["本活动不接受这种参赛形式。"]
    assert not Entry.objects.exists()


@pytest.mark.parametrize("name,factory", [
    ("training:console_courses", lambda org: LessonFactory(course=CourseFactory(organization=org))),
    ("training:console_studios", lambda org: StudioFactory(organization=org)),
    ("training:console_campaigns", lambda org: CampaignFactory(organization=org)),
    ("training:studio_list", lambda org: StudioFactory(organization=org)),
    ("training:campaign_list", lambda org: CampaignFactory(organization=org)),
])
def test_list_pages_run_a_fixed_number_of_queries(client, city_staff, org_tree, name, factory,
                                                  django_assert_max_num_queries):
    for _ in range(25):
        factory(org_tree.city)
    client.force_login(city_staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse(name)).status_code == 200


def test_bank_page_with_many_questions_runs_a_fixed_number_of_queries(client, city_staff, org_tree,
                                                                      django_assert_max_num_queries):
    from .factories import BankFactory

    bank = BankFactory(organization=org_tree.city)
    for _ in range(60):
        QuestionFactory(bank=bank)
    client.force_login(city_staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("training:bank_detail", args=[bank.pk])).status_code == 200
