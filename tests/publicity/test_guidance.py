"""Publicity answers core's guidance registry: published labour-law and policy articles on employment or
wage payment (articles have no tags, so the title's keywords decide), newest first, in one query."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.registry import GuidanceArticle, guidance_articles
from apps.publicity.models import Article
from apps.publicity.providers import guidance

from .factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(org_tree, city_staff):
    now = timezone.now()
    made = {}
    for title, category, hours, status in [
        ("疫情期间工资如何支付", Article.Category.LABOUR_LAW, 1, Article.Status.PUBLISHED),
        ("劳动合同解除的法律规定", Article.Category.LABOUR_LAW, 2, Article.Status.PUBLISHED),
        ("稳岗返还政策申领指南", Article.Category.POLICY, 3, Article.Status.PUBLISHED),
        ("工资集体协商问答", Article.Category.NEWS, 4, Article.Status.PUBLISHED),
        ("加班工资的计算方法", Article.Category.LABOUR_LAW, -5, Article.Status.PUBLISHED),  # scheduled
        ("停工停产期间生活费标准", Article.Category.POLICY, 6, Article.Status.WITHDRAWN),
    ]:
        made[title] = make_article(org_tree.city, city_staff, title=title, category=category, status=status,
                                   published_at=now - timedelta(hours=hours))
    return made


def test_it_lists_published_guidance_newest_first(articles, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = guidance("", 10)
    assert [a.title for a in found] == ["疫情期间工资如何支付", "劳动合同解除的法律规定", "稳岗返还政策申领指南"]
    assert found[0] == GuidanceArticle("疫情期间工资如何支付", articles["疫情期间工资如何支付"].get_absolute_url(),
                                       articles["疫情期间工资如何支付"].published_at)


def test_topics_narrow_it_and_the_limit_holds(articles):
    assert [a.title for a in guidance("wage_payment", 10)] == ["疫情期间工资如何支付"]
    assert [a.title for a in guidance("employment", 10)] == ["劳动合同解除的法律规定", "稳岗返还政策申领指南"]
    assert len(guidance("", 1)) == 1


def test_it_is_registered_with_core(articles):
    assert guidance in list(guidance_articles)
    assert [a.title for a in guidance_articles.collect("", 2)] == ["疫情期间工资如何支付", "劳动合同解除的法律规定"]
