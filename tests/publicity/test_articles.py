"""Articles: sanitising, the review workflow, scheduled publication, public pages and the page cache."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.publicity import services
from apps.publicity.models import Article

from .factories import make_article, pdf, png

pytestmark = pytest.mark.django_db

EVIL = ('<p onclick="steal()">工会<b>新闻</b></p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">点我</a><img src="x.png" onerror="alert(3)">'
        '<a href="https://example.com/">官网</a><style>body{}</style><iframe src="https://evil"></iframe>')


def _create(actor, org, **extra):
    fields = {"title": "学习劳动法", "category": "labour_law", "body": "<p>劳动合同法解读</p>", **extra}
    return services.article_create(actor=actor, organization=org, **fields)


def test_body_is_sanitised_on_save(xiuwu_staff, org_tree):
    article = _create(xiuwu_staff, org_tree.xiuwu, body=EVIL)
    body = article.body
    assert "<script" not in body and "alert(1)" not in body
    assert "onclick" not in body and "onerror" not in body
    assert "javascript:" not in body and "<iframe" not in body and "<style" not in body
    assert '<a href="https://example.com/" rel="noopener noreferrer nofollow">官网</a>' in body
    assert "<b>新闻</b>" in body
    assert "alert" not in article.search_document


def test_draft_review_publish_records_reviewer_and_audits(xiuwu_staff, grassroots_staff, org_tree):
    article = _create(grassroots_staff, org_tree.xiuwu_grassroots)
    services.article_transition(actor=grassroots_staff, article=article, to="review")
    with pytest.raises(PermissionDenied):  # a grassroots editor cannot publish
        services.article_transition(actor=grassroots_staff, article=article, to="published")
    article = services.article_transition(actor=xiuwu_staff, article=article, to="published")
    assert article.status == "published" and article.reviewer == xiuwu_staff and article.published_at
    assert AuditLog.objects.filter(action="publicity.article.published", target_id=str(article.pk)).exists()


def test_illegal_transition_is_refused(xiuwu_staff, org_tree):
    article = _create(xiuwu_staff, org_tree.xiuwu)
    with pytest.raises(ValidationError):
        services.article_transition(actor=xiuwu_staff, article=article, to="published")
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_return_needs_a_reason(xiuwu_staff, org_tree):
    article = _create(xiuwu_staff, org_tree.xiuwu)
    services.article_transition(actor=xiuwu_staff, article=article, to="review")
    with pytest.raises(ValidationError):
        services.article_transition(actor=xiuwu_staff, article=article, to="draft")
    article = services.article_transition(actor=xiuwu_staff, article=article, to="draft", note="标题不准确")
    assert article.status == "draft" and article.review_note == "标题不准确"


def test_other_district_staff_cannot_touch(xiuwu_staff, boai_staff, org_tree, client):
    article = _create(xiuwu_staff, org_tree.xiuwu)
    services.article_transition(actor=xiuwu_staff, article=article, to="review")
    with pytest.raises(PermissionDenied):
        services.article_transition(actor=boai_staff, article=article, to="published")
    client.force_login(boai_staff)
    assert client.get(reverse("publicity:article_manage", args=[article.pk])).status_code == 404
    assert client.post(reverse("publicity:article_transition", args=[article.pk]),
                       {"to": "published"}).status_code == 404


def test_worker_cannot_open_console(worker, client):
    client.force_login(worker)
    assert client.get(reverse("publicity:console_articles")).status_code in (302, 403)


def test_scheduled_article_is_hidden_until_its_time(xiuwu_staff, org_tree, client):
    later = make_article(org_tree.xiuwu, xiuwu_staff, title="明天发布的通知",
                         published_at=timezone.now() + timedelta(days=1))
    now = make_article(org_tree.xiuwu, xiuwu_staff, title="今天的新闻")
    page = client.get(reverse("publicity:article_list")).content.decode()
    assert "今天的新闻" in page and "明天发布的通知" not in page
    assert client.get(reverse("publicity:article_detail", args=[later.pk])).status_code == 404
    assert client.get(reverse("publicity:article_detail", args=[now.pk])).status_code == 200


def test_drafts_are_not_public(xiuwu_staff, org_tree, client):
    draft = make_article(org_tree.xiuwu, xiuwu_staff, status="draft")
    assert client.get(reverse("publicity:article_detail", args=[draft.pk])).status_code == 404


def test_two_character_search_and_category(xiuwu_staff, org_tree, client):
    make_article(org_tree.xiuwu, xiuwu_staff, title="工伤认定须知", category="labour_law")
    make_article(org_tree.xiuwu, xiuwu_staff, title="冬季养生", category="health", body="<p>注意保暖</p>")
    page = client.get(reverse("publicity:article_list"), {"q": "工伤"}).content.decode()
    assert "工伤认定须知" in page and "冬季养生" not in page
    page = client.get(reverse("publicity:article_list"), {"q": "保暖"}).content.decode()
    assert "冬季养生" in page
    page = client.get(reverse("publicity:article_list"), {"category": "health"}).content.decode()
    assert "冬季养生" in page and "工伤认定须知" not in page
    assert client.get(reverse("publicity:article_list"), {"q": "工" * 500, "page": "99999999999"}).status_code == 200
    assert client.get(reverse("publicity:article_list"), {"q": "a\x00b"}).status_code == 400  # core refuses NUL


def test_list_query_count_is_fixed(xiuwu_staff, org_tree, client, django_assert_max_num_queries):
    for i in range(15):
        make_article(org_tree.xiuwu, xiuwu_staff, title=f"新闻{i}")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("publicity:article_list")).status_code == 200


def test_console_list_query_count_is_fixed(xiuwu_staff, org_tree, client, django_assert_max_num_queries):
    for i in range(25):
        make_article(org_tree.xiuwu, xiuwu_staff, title=f"新闻{i}")
    client.force_login(xiuwu_staff)
    client.get(reverse("publicity:console_articles"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("publicity:console_articles")).status_code == 200


def test_detail_has_open_graph_and_related(xiuwu_staff, org_tree, client):
    article = make_article(org_tree.xiuwu, xiuwu_staff, title="政策一")
    make_article(org_tree.xiuwu, xiuwu_staff, title="政策二")
    page = client.get(reverse("publicity:article_detail", args=[article.pk])).content.decode()
    assert '<meta property="og:title" content="政策一">' in page
    assert "政策二" in page  # related, same category


def test_rss_feed_lists_public_articles(xiuwu_staff, org_tree, client):
    make_article(org_tree.xiuwu, xiuwu_staff, title="公开文章")
    make_article(org_tree.xiuwu, xiuwu_staff, title="草稿文章", status="draft")
    response = client.get(reverse("publicity:feed"))
    body = response.content.decode()
    assert response.status_code == 200 and "application/rss+xml" in response["Content-Type"]
    assert "公开文章" in body and "草稿文章" not in body


def test_publishing_bumps_the_page_cache(xiuwu_staff, org_tree, client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    article = _create(xiuwu_staff, org_tree.xiuwu, title="刚刚发布的消息")
    assert "刚刚发布的消息" not in client.get(reverse("publicity:article_list")).content.decode()
    services.article_transition(actor=xiuwu_staff, article=article, to="review")
    services.article_transition(actor=xiuwu_staff, article=article, to="published")
    assert "刚刚发布的消息" in client.get(reverse("publicity:article_list")).content.decode()


def test_form_rejects_non_image_cover_and_saves_nothing(xiuwu_staff, client):
    client.force_login(xiuwu_staff)
    fake = SimpleUploadedFile("cover.png", b"<script>not an image</script>", content_type="image/png")
    response = client.post(reverse("publicity:article_create"),
                           {"title": "标题", "category": "news", "body": "<p>x</p>", "cover": fake})
    assert response.status_code == 200 and "cover" in response.context["form"].errors
    assert not Article.objects.exists()


def test_form_requires_title_and_body(xiuwu_staff, client):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("publicity:article_create"), {"category": "bogus"})
    form = response.context["form"]
    assert {"title", "body", "category"} <= set(form.errors)
    assert "这个字段是必填项" in response.content.decode()
    assert not Article.objects.exists()


def test_form_creates_with_cover_and_attachment(xiuwu_staff, client, org_tree):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("publicity:article_create"),
                           {"title": "带封面", "category": "news", "body": EVIL, "cover": png()})
    article = Article.objects.get()
    assert response.status_code == 302 and article.cover and "<script" not in article.body
    response = client.post(reverse("publicity:article_manage", args=[article.pk]), {"name": "通知原文", "file": pdf()})
    assert response.status_code == 302 and article.attachments.count() == 1
    # the draft's cover is not visible to anonymous visitors
    client.logout()
    assert client.get(f"/files/publicity.article/{article.pk}/cover/").status_code in (302, 404)
