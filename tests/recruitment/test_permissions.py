"""Who may open what: outsiders get 404, wrong roles 403, anonymous people the login page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.recruitment import services
from apps.recruitment.models import Application, JobPost

from .factories import JobPostFactory, make_application

pytestmark = pytest.mark.django_db


def test_anonymous_can_search_but_must_sign_in_to_apply(client, post):
    assert client.get(reverse("recruitment:job_list")).status_code == 200
    assert client.get(reverse("recruitment:job_detail", args=[post.pk])).status_code == 200
    response = client.post(reverse("recruitment:job_apply", args=[post.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not Application.objects.exists()


def test_employer_gets_404_for_another_enterprises_post(client, employer, boai_post):
    client.force_login(employer)
    for name in ("post_edit", "employer_applicants", "employer_candidates"):
        assert client.get(reverse(f"recruitment:{name}", args=[boai_post.pk])).status_code == 404
    assert client.post(reverse("recruitment:post_close", args=[boai_post.pk])).status_code == 404
    boai_post.refresh_from_db()
    assert boai_post.status == JobPost.Status.PUBLISHED


def test_employer_gets_404_for_another_enterprises_applicant(client, employer, seeker, boai_post):
    application = make_application(boai_post, seeker)
    client.force_login(employer)
    assert client.get(reverse("recruitment:employer_application", args=[application.pk])).status_code == 404
    response = client.post(reverse("recruitment:employer_application_move", args=[application.pk]),
                           {"to": "rejected"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_seeker_gets_404_for_another_seekers_application(client, seeker, other_seeker, post):
    application = make_application(post, other_seeker)
    client.force_login(seeker)
    assert client.get(reverse("recruitment:application_detail", args=[application.pk])).status_code == 404
    assert client.post(reverse("recruitment:application_withdraw", args=[application.pk])).status_code == 404


def test_seeker_gets_404_for_another_seekers_interview(client, seeker, other_seeker, post, employer):
    application = services.application_submit(seeker=other_seeker, post=post)
    interview = services.interview_invite(actor=employer, application=application,
                                          scheduled_at=timezone.now() + timedelta(days=1), mode="video", location="https://m.example.cn/1")
    client.force_login(seeker)
    assert client.get(reverse("recruitment:interview_ics", args=[interview.pk])).status_code == 404
    assert client.post(reverse("recruitment:interview_respond", args=[interview.pk]), {"accept": "1"}).status_code \
        == 404


def test_employer_cannot_accept_the_seekers_interview(client, seeker, post, employer):
    application = services.application_submit(seeker=seeker, post=post)
    interview = services.interview_invite(actor=employer, application=application,
                                          scheduled_at=timezone.now() + timedelta(days=1), mode="video", location="https://m.example.cn/1")
    client.force_login(employer)
    assert client.post(reverse("recruitment:interview_respond", args=[interview.pk]), {"accept": "1"}).status_code \
        == 404
    assert client.get(reverse("recruitment:interview_ics", args=[interview.pk])).status_code == 200


def test_worker_without_membership_is_sent_to_employer_registration(client, worker):
    client.force_login(worker)
    response = client.get(reverse("recruitment:employer_home"))
    assert response["Location"] == reverse("recruitment:employer_register")


def test_pending_employer_cannot_post(client, worker, xiuwu_enterprise):
    from apps.recruitment.models import EmployerMembership

    EmployerMembership.objects.create(user=worker, enterprise=xiuwu_enterprise)
    client.force_login(worker)
    assert client.get(reverse("recruitment:post_create"))["Location"] == reverse("recruitment:employer_register")


@pytest.mark.parametrize("name", ["console_posts", "console_employers", "console_matches", "console_fairs",
                                  "console_dashboard", "console_dashboard_export", "console_post_create"])
def test_console_pages_refuse_workers_and_employers(client, worker, employer, name):
    for person in (worker, employer):
        client.force_login(person)
        assert client.get(reverse(f"recruitment:{name}")).status_code == 403


def test_grassroots_staff_cannot_verify_or_manage_fairs(client, grassroots_staff):
    client.force_login(grassroots_staff)
    assert client.get(reverse("recruitment:console_employers")).status_code == 403
    assert client.get(reverse("recruitment:console_fairs")).status_code == 403
    assert client.get(reverse("recruitment:console_posts")).status_code == 200


def test_staff_of_another_district_gets_404_on_review(client, boai_staff, xiuwu_enterprise):
    pending = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.PENDING, published_at=None)
    client.force_login(boai_staff)
    assert client.post(reverse("recruitment:console_post_review", args=[pending.pk]),
                       {"decision": "approve"}).status_code == 404
    assert client.get(reverse("recruitment:console_post_candidates", args=[pending.pk])).status_code == 404
    pending.refresh_from_db()
    assert pending.status == JobPost.Status.PENDING


def test_staff_of_another_district_do_not_see_its_posts(client, boai_staff, xiuwu_enterprise):
    JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.PENDING, published_at=None)
    client.force_login(boai_staff)
    assert list(client.get(reverse("recruitment:console_posts")).context["page_obj"]) == []


def test_dashboard_shows_only_the_staff_members_districts(client, boai_staff):
    client.force_login(boai_staff)
    rows = client.get(reverse("recruitment:console_dashboard")).context["rows"]
    assert [r.label for r in rows] == ["博爱县"]


def test_resume_pdf_visible_to_owner_and_applied_employer_only(client, seeker, post, employer, other_employer):
    from django.core.files.base import ContentFile

    from apps.core.uploads import private_file_url

    profile = seeker.seeker_profile
    profile.resume_pdf.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    url = private_file_url(profile, "resume_pdf")
    client.force_login(other_employer)
    assert client.get(url).status_code == 404
    client.force_login(employer)
    assert client.get(url).status_code == 404
    make_application(post, seeker)
    assert client.get(url).status_code == 200
    client.force_login(seeker)
    assert client.get(url).status_code == 200


def test_post_video_is_public_once_published_only(client, employer, xiuwu_enterprise):
    from django.core.files.base import ContentFile

    from apps.core.uploads import private_file_url

    published = JobPostFactory(enterprise=xiuwu_enterprise)
    draft = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.DRAFT)
    for post in (published, draft):
        post.video.save("intro.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=True)
    assert client.get(private_file_url(published, "video")).status_code == 200
    assert client.get(private_file_url(draft, "video")).status_code == 404
    client.force_login(employer)
    assert client.get(private_file_url(draft, "video")).status_code == 200


def test_grassroots_staff_post_on_behalf_goes_to_review(grassroots_staff, xiuwu_enterprise, org_tree):
    from .test_services import post_data

    post = services.post_create(actor=grassroots_staff, enterprise=xiuwu_enterprise, data=post_data(org_tree))
    assert post.status == JobPost.Status.PENDING


def test_unpublished_post_preview_for_its_employer_and_area_staff_only(client, employer, other_employer, xiuwu_staff,
                                                                       boai_staff, xiuwu_enterprise):
    pending = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.PENDING, published_at=None)
    url = reverse("recruitment:job_detail", args=[pending.pk])
    assert client.get(url).status_code == 404
    for person, expected in ((employer, 200), (xiuwu_staff, 200), (other_employer, 404), (boai_staff, 404)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == expected, person
    client.force_login(employer)
    page = client.get(url).content.decode()
    assert "预览" in page and 'data-testid="apply"' not in page
