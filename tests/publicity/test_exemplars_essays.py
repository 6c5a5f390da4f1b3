"""Exemplar gallery and the essay contest (one essay each, anonymous judging, published results)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.publicity import services
from apps.publicity.models import Essay, EssayContest, Exemplar
from tests.conftest import require_postgres

from .factories import png

pytestmark = pytest.mark.django_db
TEXT = "疫情发生以来，我们车间的工友们坚守岗位，" * 5


def _contest(org, status="open"):
    today = timezone.localdate()
    return EssayContest.objects.create(title="抗击疫情，我们在行动", rules="不少于800字。", organization=org,
                                       opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=9),
                                       status=status)


def test_exemplar_published_by_reviewer_shows_in_gallery(grassroots_staff, xiuwu_staff, client):
    exemplar = services.exemplar_create(actor=grassroots_staff, name="王师傅", workplace="恒达机械",
                                        story="连续三十天驻厂保供。", front_line=True, resumption=False, photo=png())
    assert "王师傅" not in client.get(reverse("publicity:exemplar_gallery")).content.decode()
    assert client.get(reverse("publicity:exemplar_detail", args=[exemplar.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.exemplar_set_published(actor=grassroots_staff, exemplar=exemplar, published=True)
    services.exemplar_set_published(actor=xiuwu_staff, exemplar=exemplar, published=True)
    page = client.get(reverse("publicity:exemplar_gallery"), {"tag": "front_line"}).content.decode()
    assert "王师傅" in page
    assert "王师傅" not in client.get(reverse("publicity:exemplar_gallery"), {"tag": "resumption"}).content.decode()
    assert client.get(reverse("publicity:exemplar_detail", args=[exemplar.pk])).status_code == 200


def test_exemplar_photo_must_be_an_image(grassroots_staff, client):
    client.force_login(grassroots_staff)
    fake = SimpleUploadedFile("p.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(reverse("publicity:exemplar_create"),
                           {"name": "甲", "workplace": "厂", "story": "事迹", "photo": fake})
    assert response.status_code == 200 and "photo" in response.context["form"].errors
    assert not Exemplar.objects.exists()


def test_other_district_cannot_manage_exemplar(grassroots_staff, boai_staff, client):
    exemplar = services.exemplar_create(actor=grassroots_staff, name="甲", workplace="厂", story="事迹",
                                        front_line=False, resumption=True)
    client.force_login(boai_staff)
    assert client.get(reverse("publicity:exemplar_manage", args=[exemplar.pk])).status_code == 404


def test_gallery_query_count(grassroots_staff, xiuwu_staff, client, django_assert_max_num_queries):
    for i in range(14):
        e = services.exemplar_create(actor=grassroots_staff, name=f"典型{i}", workplace="厂", story="事迹",
                                     front_line=True, resumption=False)
        services.exemplar_set_published(actor=xiuwu_staff, exemplar=e, published=True)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("publicity:exemplar_gallery")).status_code == 200


def test_worker_submits_one_essay_and_second_is_refused(org_tree, worker, client):
    contest = _contest(org_tree.city)
    client.force_login(worker)
    url = reverse("publicity:essay_submit", args=[contest.pk])
    assert client.post(url, {"title": "我的抗疫日记", "text": TEXT}).status_code == 302
    response = client.post(url, {"title": "第二篇", "text": TEXT})
    assert "每人只能投稿一篇" in response.content.decode()
    assert Essay.objects.count() == 1


def test_essay_form_bad_input(org_tree, worker, client):
    contest = _contest(org_tree.city)
    client.force_login(worker)
    response = client.post(reverse("publicity:essay_submit", args=[contest.pk]), {"title": "", "text": "太短"})
    errors = response.context["form"].errors
    assert "title" in errors and "text" in errors and not Essay.objects.exists()


def test_essay_outside_period_refused(org_tree, worker):
    contest = _contest(org_tree.city, status="judging")
    with pytest.raises(ValidationError, match="征集期"):
        services.essay_submit(author=worker, contest=contest, title="迟到", text=TEXT)


def test_simultaneous_second_essays_keep_one(org_tree, worker, transactional_db):
    require_postgres()
    contest = _contest(org_tree.city)
    outcomes = []
    barrier = threading.Barrier(2)

    def run(title):
        try:
            barrier.wait()
            outcomes.append(services.essay_submit(author=worker, contest=contest, title=title, text=TEXT))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in ("一", "二")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert Essay.objects.count() == 1


def test_judge_never_sees_the_author(org_tree, worker, city_staff, client):
    worker.real_name = "独特作者名"
    worker.save()
    contest = _contest(org_tree.city)
    essay = services.essay_submit(author=worker, contest=contest, title="平凡的坚守", text=TEXT)
    services.contest_advance(actor=city_staff, contest=contest, to="judging")
    client.force_login(city_staff)
    for url in (reverse("publicity:contest_judge", args=[contest.pk]),
                reverse("publicity:essay_judge", args=[essay.pk])):
        page = client.get(url).content.decode()
        assert "平凡的坚守" in page
        assert "独特作者名" not in page and worker.username not in page
    response = client.post(reverse("publicity:essay_judge", args=[essay.pk]), {"score": "101"})
    assert "score" in response.context["form"].errors
    client.post(reverse("publicity:essay_judge", args=[essay.pk]), {"score": "92", "comment": "真挚"})
    assert essay.scores.get().score == 92


def test_results_published_with_winning_essay(org_tree, worker, city_staff, boai_staff, client):
    contest = _contest(org_tree.city)
    essay = services.essay_submit(author=worker, contest=contest, title="平凡的坚守", text=TEXT)
    services.contest_advance(actor=city_staff, contest=contest, to="judging")
    with pytest.raises(PermissionDenied):
        services.essay_score(judge=boai_staff, essay=essay, score=80)
    services.essay_award(actor=city_staff, essay=essay, award="first")
    assert client.get(reverse("publicity:essay_public", args=[essay.pk])).status_code == 404
    services.contest_advance(actor=city_staff, contest=contest, to="published")
    page = client.get(reverse("publicity:contest_public", args=[contest.pk])).content.decode()
    assert "平凡的坚守" in page and "一等奖" in page
    assert client.get(reverse("publicity:essay_public", args=[essay.pk])).status_code == 200


def test_worker_cannot_open_judge_pages(org_tree, worker, client):
    contest = _contest(org_tree.city, status="judging")
    client.force_login(worker)
    assert client.get(reverse("publicity:contest_judge", args=[contest.pk])).status_code in (302, 403)
