"""Reads of the publicity app, scoped to who is asking."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.core.indicators import Indicator
from apps.core.scoping import org_scope_q
from apps.core.search import filter_substrings

from .models import Article


def public_articles(*, category: str = "", query: str = "") -> QuerySet[Article]:
    """Published articles whose publication time has come (scheduled ones appear by themselves)."""
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())
    if category in Article.Category.values:
        articles = articles.filter(category=category)
    if query:
        articles = filter_substrings(articles, query)
    return articles.select_related("organization").order_by("-published_at", "-pk")


def get_public_article(pk: int) -> Article:
    article = public_articles().filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


def related_articles(article: Article, limit: int = 4) -> list[Article]:
    return list(public_articles(category=article.category).exclude(pk=article.pk)[:limit])


def articles_for_user(user) -> QuerySet[Article]:
    """Articles of the staff member's subtree."""
    return (Article.objects.filter(org_scope_q(user, "organization"))
            .select_related("organization", "author", "reviewer").order_by("-updated_at", "-pk"))


def get_article_for_user(user, pk: int) -> Article:
    article = articles_for_user(user).filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


def _articles_published(organizations, start, end):
    from apps.core.indicators import period_bounds, subtree_totals

    low, high = period_bounds(start, end)
    published = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gte=low, published_at__lt=high)
    return subtree_totals(published, org_field="organization", organizations=organizations)


def _articles_link(organization, start, end) -> str:
    from django.urls import reverse

    return f"{reverse('publicity:console_articles')}?status=published"


INDICATORS = [
    Indicator(key="publicity.articles_published", label="发布宣传文章数", unit="篇", compute=_articles_published,
              link=_articles_link),
]
