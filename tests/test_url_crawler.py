"""Every URL pattern, requested anonymously: public ones answer, every other one asks for a login.

The public set is explicit: adding a public page means adding its name here, a reviewed decision.
"""
from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC_URL_NAMES = {
    # core
    "core:home",
    "core:healthz",
    "core:private_file",  # the owning app's checker decides; unknown files answer 404
    "core:privacy",
    "core:agreement",
    # accounts
    "accounts:login",
    "accounts:register",
    "accounts:password_reset",
    "accounts:send_code",  # POST only
    # recruitment
    "recruitment:job_list",
    "recruitment:job_detail",
    "recruitment:fair_list",
    "recruitment:fair_detail",

    # training
    "training:home",
    "training:course_list",
    "training:course_detail",
    "training:certificate_verify",
    "training:quiz_list",
    "training:quiz_detail",
    "training:leaderboard",
    "training:campaign_list",
    "training:campaign_detail",
    "training:studio_list",
    "training:studio_detail",

    # reports (none: union staff only)

    # organizing: the /join/ landing and the member card's verification address
    "organizing:join",
    "organizing:verify",
    # protection: a worker's hazard report and following it by its reference number
    "protection:report",
    "protection:follow",
    # subsidies: the transport subsidy programmes and their rules (applying needs an account)
    "subsidies:programme_list",
    "subsidies:programme_detail",
    # women_workers: the psychological hotline and the counselling timetable
    "women_workers:counselling",
    # legal aid: the hotline, the duty roster and the published questions and answers
    "legal_aid:home",
    # publicity: news list, an article, the RSS feed, exemplar gallery and story, the selections and
    # their nominees/voting page, essay contests with their published results and winning essays
    "publicity:article_list",
    "publicity:article_detail",
    "publicity:feed",
    "publicity:exemplar_gallery",
    "publicity:exemplar_detail",
    "publicity:campaign_list",
    "publicity:campaign_public",
    "publicity:contest_list",
    "publicity:contest_public",
    "publicity:essay_public",
    # volunteers: the landing, activities, micro-wishes (no identifying details) and the leaderboard
    "volunteers:landing",
    "volunteers:activity_list",
    "volunteers:activity_detail",
    "volunteers:wish_list",
    "volunteers:wish_detail",
    "volunteers:leaderboard",
}

# Views that exist only for POST; an anonymous GET may answer 405 before the login check.
POST_ONLY = {"accounts:send_code", "accounts:logout", "notifications:mark_all_read"}

SAMPLE_ARGS = {"int": 999999, "str": "sample", "slug": "sample", "uuid": uuid.UUID(int=1), "path": "sample"}
SAMPLE_KWARGS = {"label": "core.enterprise", "field_name": "file", "purpose": "register"}


def _walk(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            nested = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, nested)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _sample_url(name: str, pattern: URLPattern) -> str:
    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {}
    for key, converter in converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        kwargs[key] = SAMPLE_KWARGS.get(key, SAMPLE_ARGS.get(kind, "sample"))
    return reverse(name, kwargs=kwargs)


def _project_urls():
    for name, pattern in _walk(get_resolver()):
        if name.startswith("admin:"):
            continue
        yield name, pattern


def test_public_list_names_real_urls():
    names = {name for name, _ in _project_urls()}
    assert PUBLIC_URL_NAMES - names == set(), "公开页面清单里有不存在的 URL 名称"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(name for name, _ in _project_urls()))
def test_anonymous_request(client, name):
    pattern = dict(_project_urls())[name]
    url = _sample_url(name, pattern)
    response = client.get(url)
    if name in PUBLIC_URL_NAMES:
        has_args = bool(getattr(pattern.pattern, "converters", {}))
        allowed = {200, 404} if has_args else {200}
        if name in POST_ONLY:
            allowed = {405}
        assert response.status_code in allowed, f"{name} ({url}) answered {response.status_code}"
    elif name in POST_ONLY and response.status_code == 405:
        assert client.post(url).status_code in (302, 403)
    else:
        assert response.status_code in (302, 403), f"{name} ({url}) is not private: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
