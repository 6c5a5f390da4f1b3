"""The anonymous public pages are cached briefly and dropped when what they show changes."""
from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from apps.core import pagecache
from apps.recruitment import services as recruitment
from apps.recruitment.models import JobPost
from apps.training import services as training
from tests.recruitment.factories import JobPostFactory, make_employer
from tests.training.factories import CourseFactory, LessonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(xiuwu_enterprise):
    return make_employer(xiuwu_enterprise, "employer_hengda")


@pytest.fixture
def post(xiuwu_enterprise, employer):
    return JobPostFactory(enterprise=xiuwu_enterprise, title="数控车工")


@pytest.fixture
def course(org_tree):
    course = CourseFactory(organization=org_tree.city, title="安全生产第一课")
    LessonFactory(course=course, order=1)
    return course


def _public_urls(post, course) -> list[str]:
    return ["/", "/jobs/", "/jobs/?q=车工&district=", f"/jobs/{post.pk}/", "/training/", "/training/courses/",
            f"/training/courses/{course.pk}/"]


def test_anonymous_second_request_is_a_cache_hit_without_queries(client, post, course,
                                                                  django_assert_num_queries):
    for url in _public_urls(post, course):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Page-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert second.content == first.content
        assert "Cookie" in second["Vary"]
        assert b"csrfmiddlewaretoken" not in second.content, url
        assert "csrftoken" not in second.cookies and "sessionid" not in second.cookies


def test_query_string_is_part_of_the_key(client, post):
    client.get("/jobs/?q=车工")
    other = client.get("/jobs/?q=不存在岗位")
    assert other["X-Page-Cache"] == "miss"
    assert "数控车工" not in other.content.decode()


def test_signed_in_person_never_gets_the_cached_page(client, post, worker):
    anonymous = client.get("/jobs/")
    assert anonymous["X-Page-Cache"] == "miss"
    client.force_login(worker)
    response = client.get("/jobs/")
    assert "X-Page-Cache" not in response
    page = response.content.decode()
    assert "退出" in page and worker.get_short_name() in page
    assert "Cookie" in response["Vary"]
    client.logout()
    assert client.get("/jobs/")["X-Page-Cache"] == "hit"


def test_signed_in_page_is_not_stored_for_anonymous_visitors(client, post, worker):
    client.force_login(worker)
    client.get(f"/jobs/{post.pk}/")
    client.logout()
    response = client.get(f"/jobs/{post.pk}/")
    assert response["X-Page-Cache"] == "miss"
    assert "登录后投递简历" in response.content.decode()


def test_pending_flash_message_is_shown_and_page_not_cached(client, post):
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "您已退出登录。")
    response = mock.Mock(cookies={})
    response.set_cookie = lambda key, value, **kw: client.cookies.load({key: value})
    storage.update(response)
    page = client.get("/jobs/")
    assert "您已退出登录。" in page.content.decode()
    assert "X-Page-Cache" not in page
    assert client.get("/jobs/")["X-Page-Cache"] == "miss"


def test_publishing_a_post_drops_the_cached_search(client, employer, xiuwu_staff, xiuwu_enterprise, org_tree):
    from tests.recruitment.test_services import post_data

    assert client.get("/jobs/")["X-Page-Cache"] == "miss"
    assert client.get("/jobs/")["X-Page-Cache"] == "hit"
    post = recruitment.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
    assert client.get("/jobs/")["X-Page-Cache"] == "hit"  # a post under review changes nothing public
    recruitment.post_review(actor=xiuwu_staff, post=post, approve=True)
    response = client.get("/jobs/")
    assert response["X-Page-Cache"] == "miss"
    assert post.title in response.content.decode()


def test_closing_a_post_drops_the_search_and_the_post_page(client, post, employer):
    assert post.title in client.get("/jobs/").content.decode()
    detail = client.get(f"/jobs/{post.pk}/")
    assert "登录后投递简历" in detail.content.decode()
    assert client.get(f"/jobs/{post.pk}/")["X-Page-Cache"] == "hit"
    recruitment.post_close(actor=employer, post=post)
    assert JobPost.objects.get(pk=post.pk).status == JobPost.Status.CLOSED
    listing = client.get("/jobs/")
    assert listing["X-Page-Cache"] == "miss" and post.title not in listing.content.decode()
    detail = client.get(f"/jobs/{post.pk}/")
    assert detail["X-Page-Cache"] == "miss" and "登录后投递简历" not in detail.content.decode()


def test_home_page_follows_every_app(client, post, employer):
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    recruitment.post_close(actor=employer, post=post)
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_changing_a_course_drops_the_training_pages(client, course, city_staff):
    client.get("/training/")
    client.get(f"/training/courses/{course.pk}/")
    training.course_save(actor=city_staff, course=course,
                         data={"organization": course.organization, "title": "安全生产第二课"})
    for url in ("/training/", f"/training/courses/{course.pk}/"):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "安全生产第二课" in response.content.decode()


def test_training_change_leaves_the_job_pages_cached(client, post, course, city_staff):
    client.get("/jobs/")
    training.course_save(actor=city_staff, course=course, data={"organization": course.organization, "title": "改"})
    assert client.get("/jobs/")["X-Page-Cache"] == "hit"


def test_version_is_bumped_again_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.bump("jobs")
    assert len(callbacks) == 1


def test_a_broken_cache_does_not_take_the_page_down(client, post):
    with mock.patch.object(pagecache.cache, "get_many", side_effect=ConnectionError("redis down")):
        response = client.get("/jobs/")
    assert response.status_code == 200 and post.title in response.content.decode()


def test_process_copy_answers_without_the_cache_and_a_bump_clears_it(client, post, employer, settings,
                                                                       django_assert_num_queries):
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 30
    pagecache.clear_local()
    try:
        client.get("/jobs/")
        with mock.patch.object(pagecache.cache, "get_many", side_effect=AssertionError("asked the cache")):
            with django_assert_num_queries(0):
                assert client.get("/jobs/")["X-Page-Cache"] == "hit"
        recruitment.post_close(actor=employer, post=post)
        response = client.get("/jobs/")
        assert response["X-Page-Cache"] == "miss" and post.title not in response.content.decode()
    finally:
        pagecache.clear_local()


def test_process_copy_is_bounded(client, post, settings, monkeypatch):
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 30
    monkeypatch.setattr(pagecache, "LOCAL_ENTRIES", 5)
    pagecache.clear_local()
    try:
        for n in range(8):
            client.get(f"/jobs/?q=x{n}")
        assert len(pagecache._local_pages) == 5
    finally:
        pagecache.clear_local()


def test_fragments_build_only_the_missing_and_a_bump_drops_them(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    built = []

    def build(missing):
        built.append(sorted(missing))
        return {key: f"<{key}>" for key in missing}

    assert pagecache.fragments(["a", "b"], ("jobs",), build) == {"a": "<a>", "b": "<b>"}
    assert pagecache.fragments(["a", "b", "c"], ("jobs",), build) == {"a": "<a>", "b": "<b>", "c": "<c>"}
    assert built == [["a", "b"], ["c"]]
    pagecache.bump("training")  # another namespace: kept
    pagecache.fragments(["a"], ("jobs",), build)
    pagecache.bump("jobs")
    pagecache.fragments(["a"], ("jobs",), build)
    assert built == [["a", "b"], ["c"], ["a"]]
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    pagecache.fragments(["a"], ("jobs",), build)
    assert built[-1] == ["a"] and len(built) == 4


def test_a_fragment_prefetches_what_its_build_reads(settings):
    from django.core.cache import cache

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.set("extra:one", 1)
    seen = []
    value, hit = pagecache.fragment("f", ("jobs",), lambda found: seen.append(found) or "x",
                                    prefetch=("extra:one", "extra:two"))
    assert (value, hit, seen) == ("x", False, [{"extra:one": 1}])
    assert pagecache.fragment("f", ("jobs",), lambda found: "y", prefetch=("extra:one",)) == ("x", True)


def test_a_local_value_is_kept_for_the_local_seconds(settings):
    calls = []
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 30
    for _ in range(3):
        assert pagecache.local_value("k", lambda: calls.append(1) or "v") == "v"
    assert len(calls) == 1
    pagecache.clear_local()
    settings.PUBLIC_PAGE_LOCAL_SECONDS = 0
    for _ in range(2):
        pagecache.local_value("k", lambda: calls.append(1) or "v")
    assert len(calls) == 3
