"""Who may open what: anonymous → login, workers and wrong roles → 403, other districts → 404."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.reports import services
from apps.reports.models import Submission
from tests.factories import make_staff

from .factories import GOOD_VALUES, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = Submission.objects.get(round__task=task, organization=org_tree.xiuwu)
    return services.submission_submit(actor=xiuwu_staff, submission=submission, values=GOOD_VALUES)


def _city_urls(submission):
    task, round_ = submission.round.task, submission.round
    return [
        ("get", reverse("reports:task_list")), ("get", reverse("reports:task_create")),
        ("get", reverse("reports:task_detail", args=[task.pk])), ("get", reverse("reports:task_edit", args=[task.pk])),
        ("get", reverse("reports:task_timeliness", args=[task.pk])),
        ("get", reverse("reports:round_detail", args=[round_.pk])),
        ("post", reverse("reports:round_export", args=[round_.pk])),
        ("post", reverse("reports:task_publish", args=[task.pk])),
        ("post", reverse("reports:task_close", args=[task.pk])),
        ("get", reverse("reports:review_queue")), ("get", reverse("reports:overview")),
        ("post", reverse("reports:submission_review", args=[submission.pk])),
        ("post", reverse("reports:field_delete", args=[task.fields.first().pk])),
        ("post", reverse("reports:rule_delete", args=[task.rules.first().pk])),
    ]


def test_anonymous_is_sent_to_login(client, submitted):
    for method, url in _city_urls(submitted) + [("get", reverse("reports:my_submissions")),
                                                 ("get", reverse("reports:submission_detail", args=[submitted.pk]))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url


def test_worker_gets_403_everywhere(client, worker, submitted):
    client.force_login(worker)
    for method, url in _city_urls(submitted) + [("get", reverse("reports:my_submissions"))]:
        assert getattr(client, method)(url).status_code == 403, url


def test_county_staff_cannot_reach_city_office_pages(client, xiuwu_staff, submitted):
    client.force_login(xiuwu_staff)
    for method, url in _city_urls(submitted):
        assert getattr(client, method)(url).status_code == 403, url
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


def test_county_holding_city_permissions_is_still_not_the_city_office(client, org_tree, submitted):
    # A county account given the city_office role by mistake must not manage the whole city's reports.
    odd = make_staff(org_tree.xiuwu, Role.CITY_OFFICE, username="odd")
    client.force_login(odd)
    for method, url in _city_urls(submitted):
        assert getattr(client, method)(url).status_code in (403, 404), url


def test_another_district_gets_404_for_a_submission(client, boai_staff, submitted):
    client.force_login(boai_staff)
    for name in ("submission_detail", "submission_edit", "submission_compare"):
        assert client.get(reverse(f"reports:{name}", args=[submitted.pk])).status_code == 404, name


def test_district_sees_only_its_own_submissions(client, xiuwu_staff, boai_staff, submitted):
    client.force_login(boai_staff)
    listed = list(client.get(reverse("reports:my_submissions")).context["page_obj"])
    assert listed and all(s.organization.code == "410822" for s in listed)


def test_grassroots_staff_cannot_report(client, grassroots_staff, submitted):
    client.force_login(grassroots_staff)
    assert client.get(reverse("reports:my_submissions")).status_code == 403
    assert client.get(reverse("reports:submission_edit", args=[submitted.pk])).status_code == 403


def test_city_office_may_read_but_not_fill_in(client, city_staff, submitted):
    client.force_login(city_staff)
    assert client.get(reverse("reports:submission_detail", args=[submitted.pk])).status_code == 200
    assert client.get(reverse("reports:submission_edit", args=[submitted.pk])).status_code == 403


def test_city_department_sees_the_overview_only(client, org_tree, submitted):
    department = make_staff(org_tree.city, Role.CITY_DEPARTMENT, username="dept")
    client.force_login(department)
    assert client.get(reverse("reports:overview")).status_code == 200
    assert client.get(reverse("reports:task_list")).status_code == 403
    assert client.get(reverse("reports:home"))["Location"] == reverse("reports:overview")


def test_draft_task_is_invisible_to_districts(client, city_staff, xiuwu_staff, org_tree):
    make_task(city_staff, publish=False)
    client.force_login(xiuwu_staff)
    assert list(client.get(reverse("reports:my_submissions")).context["page_obj"]) == []


def test_grassroots_staff_get_an_explanation_on_the_reports_home(client, grassroots_staff, org_tree):
    client.force_login(grassroots_staff)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200 and "没有填报或审核权限" in response.content.decode()
