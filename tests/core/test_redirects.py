"""Every ``next`` parameter stays on this site (apps.core.redirects)."""
from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from apps.core.redirects import safe_next
from tests.factories import PASSWORD
from tests.recruitment.factories import JobPostFactory, make_employer

HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "\\\\evil.example",
    "/\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " https://evil.example/",
    "\x00https://evil.example/",
    "http://testserver.evil.example/",
    "/jobs/\r\nSet-Cookie: a=b",
    "/\tevil.example",
    "/jobs/\u202e",
]
# Through the views: one of each family (the helper above meets them all).
HOSTILE_SAMPLE = ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", HOSTILE)
def test_helper_refuses_other_sites(target):
    request = RequestFactory().get("/", {"next": target})
    assert safe_next(request, "/fallback/") == "/fallback/"


@pytest.mark.parametrize("target", ["/jobs/1/", "/jobs/?q=焊工&page=2", "http://testserver/jobs/"])
def test_helper_follows_own_pages(target):
    request = RequestFactory().get("/", {"next": target})
    assert safe_next(request, "/fallback/") == target


def test_helper_accepts_a_url_name_as_default():
    assert safe_next(RequestFactory().get("/"), "core:home") == reverse("core:home")


def test_plain_http_next_refused_on_https():
    request = RequestFactory().get("/", {"next": "http://testserver/jobs/"}, secure=True)
    assert safe_next(request, "/fallback/") == "/fallback/"


def _offsite(response) -> bool:
    location = response.get("Location", "")
    return "evil" in location or location.startswith("//") or ":" in location.split("/")[0]


@pytest.mark.parametrize("target", HOSTILE_SAMPLE)
def test_login_does_not_follow_offsite_next(client, worker, target):
    response = client.post(reverse("accounts:login") + "?next=" + target.replace("&", "%26"),
                           {"username": worker.phone, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and not _offsite(response)
    assert response["Location"] == reverse("core:me")


def test_login_follows_own_next(client, worker):
    response = client.post(reverse("accounts:login"), {"username": worker.phone, "password": PASSWORD,
                                                       "next": "/jobs/?q=焊工"})
    assert response["Location"] == "/jobs/?q=%E7%84%8A%E5%B7%A5"


def test_login_page_does_not_echo_an_offsite_next(client):
    response = client.get(reverse("accounts:login"), {"next": "https://evil.example/"})
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize("target", HOSTILE_SAMPLE)
def test_logout_does_not_follow_offsite_next(client, worker, target):
    client.force_login(worker)
    response = client.post(reverse("accounts:logout"), {"next": target})
    assert response.status_code == 302 and not _offsite(response)


@pytest.mark.parametrize("target", HOSTILE_SAMPLE)
def test_seeker_profile_does_not_follow_offsite_next(client, worker, org_tree, target):
    client.force_login(worker)
    data = {"real_name": "张伟", "phone": "13900000001", "district": org_tree.xiuwu.pk, "key_group": "migrant",
            "education": "senior", "experience_years": 3, "desired_categories": ["welding"],
            "desired_districts": [org_tree.xiuwu.pk], "desired_salary": 5000}
    response = client.post(reverse("recruitment:seeker_profile") + "?next=" + target.replace("&", "%26"), data)
    assert response.status_code == 302 and not _offsite(response)
    assert response["Location"] == reverse("recruitment:my_applications")


def test_seeker_profile_follows_own_next(client, worker, org_tree):
    client.force_login(worker)
    data = {"real_name": "张伟", "phone": "13900000001", "district": org_tree.xiuwu.pk, "key_group": "migrant",
            "education": "senior", "experience_years": 3, "desired_categories": ["welding"],
            "desired_districts": [org_tree.xiuwu.pk], "desired_salary": 5000}
    response = client.post(reverse("recruitment:seeker_profile") + "?next=/jobs/1/", data)
    assert response["Location"] == "/jobs/1/"


@pytest.mark.parametrize("target", HOSTILE_SAMPLE)
def test_save_job_does_not_follow_offsite_next(client, worker, xiuwu_enterprise, target):
    make_employer(xiuwu_enterprise, "employer_hengda")
    post = JobPostFactory(enterprise=xiuwu_enterprise)
    client.force_login(worker)
    response = client.post(reverse("recruitment:job_save", args=[post.pk]), {"next": target})
    assert response.status_code == 302 and not _offsite(response)
    assert response["Location"] == reverse("recruitment:job_detail", args=[post.pk])
