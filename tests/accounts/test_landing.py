"""After signing in, each person lands where their work is, unless a safe ``next`` says otherwise."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.recruitment.factories import make_employer


def _sign_in(client, user, next_url: str | None = None):
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": PASSWORD})


def test_worker_lands_on_me(client, worker):
    assert _sign_in(client, worker)["Location"] == reverse("core:me")


def test_staff_land_on_the_console(client, grassroots_staff):
    assert _sign_in(client, grassroots_staff)["Location"] == reverse("core:console")


def test_employer_lands_on_their_recruitment_home(client, xiuwu_enterprise):
    employer = make_employer(xiuwu_enterprise, "employer_hengda")
    assert _sign_in(client, employer)["Location"] == reverse("recruitment:employer_home")


def test_safe_next_wins(client, xiuwu_staff):
    assert _sign_in(client, xiuwu_staff, "/jobs/")["Location"] == "/jobs/"


@pytest.mark.parametrize("evil", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"])
def test_unsafe_next_is_ignored(client, worker, evil):
    assert _sign_in(client, worker, evil)["Location"] == reverse("core:me")
