"""Writes of the publicity app: articles (draft → review → published)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.scoping import can_act_for
from apps.core.search import build_document

from ..models import Article, ArticleAttachment
from ..sanitize import clean_html, plain_text

__all__ = ["article_create", "article_update", "article_add_attachment", "article_transition"]

PAGES = "news"

# status -> statuses it may move to, and the permission the move needs
ARTICLE_TRANSITIONS: dict[str, dict[str, str]] = {
    Article.Status.DRAFT: {Article.Status.REVIEW: "publicity.write_article"},
    Article.Status.REVIEW: {Article.Status.PUBLISHED: "publicity.review_article",
                            Article.Status.DRAFT: "publicity.review_article"},
    Article.Status.PUBLISHED: {Article.Status.WITHDRAWN: "publicity.review_article"},
    Article.Status.WITHDRAWN: {Article.Status.DRAFT: "publicity.write_article"},
}


def _check_transition(article: Article, target: str, actor) -> None:
    allowed = ARTICLE_TRANSITIONS.get(article.status, {})
    if target not in allowed:
        raise ValidationError(f"“{article.get_status_display()}”的文章不能改为“{Article.Status(target).label}”。")
    if not actor.has_perm(allowed[target]) or not can_act_for(actor, article.organization):
        raise PermissionDenied("没有权限进行此操作。")


def _fill(article: Article, *, title: str, category: str, summary: str, body: str) -> None:
    article.title = title.strip()
    article.category = category
    article.body = clean_html(body)
    text = plain_text(article.body)
    article.summary = summary.strip() or " ".join(text.split())[:120]
    article.search_document = build_document(article.title, article.summary, text)


@transaction.atomic
def article_create(*, actor, organization, title: str, category: str, body: str, summary: str = "",
                   cover=None, published_at=None) -> Article:
    """Save a draft; the body is sanitised before it is stored."""
    if not actor.has_perm("publicity.write_article") or not can_act_for(actor, organization):
        raise PermissionDenied("没有权限撰写文章。")
    article = Article(organization=organization, author=actor, published_at=published_at)
    _fill(article, title=title, category=category, summary=summary, body=body)
    if cover:
        article.cover = cover
    article.full_clean(exclude=["cover"])
    article.save()
    audit_record(actor=actor, action="publicity.article.created", target=article, organization=organization,
                 after={"title": article.title, "category": article.category})
    return article


@transaction.atomic
def article_update(*, actor, article: Article, title: str, category: str, body: str, summary: str = "",
                   cover=None, published_at=None) -> Article:
    """Edit an article; a published one changes in place (the public pages are refreshed)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not actor.has_perm("publicity.write_article") or not can_act_for(actor, article.organization):
        raise PermissionDenied("没有权限修改这篇文章。")
    if article.status == Article.Status.PUBLISHED and not actor.has_perm("publicity.review_article"):
        raise PermissionDenied("已发布的文章只能由审核人员修改。")
    before = {"title": article.title, "body_length": len(article.body)}
    _fill(article, title=title, category=category, summary=summary, body=body)
    article.published_at = published_at if article.status != Article.Status.PUBLISHED else article.published_at
    fields = ["title", "category", "summary", "body", "search_document", "published_at", "updated_at"]
    if cover:
        article.cover = cover
        fields.append("cover")
    article.full_clean(exclude=["cover"])
    article.save(update_fields=fields)
    audit_record(actor=actor, action="publicity.article.updated", target=article,
                 organization=article.organization, before=before,
                 after={"title": article.title, "body_length": len(article.body)})
    if article.status == Article.Status.PUBLISHED:
        pagecache.bump(PAGES)
    return article


@transaction.atomic
def article_add_attachment(*, actor, article: Article, name: str, file) -> ArticleAttachment:
    if not actor.has_perm("publicity.write_article") or not can_act_for(actor, article.organization):
        raise PermissionDenied("没有权限修改这篇文章。")
    attachment = ArticleAttachment(article=article, name=name.strip() or "附件", file=file)
    attachment.full_clean(exclude=["file"])
    attachment.save()
    audit_record(actor=actor, action="publicity.article.attachment_added", target=article,
                 organization=article.organization, after={"name": attachment.name})
    pagecache.bump(PAGES)
    return attachment


@transaction.atomic
def article_transition(*, actor, article: Article, to: str, note: str = "") -> Article:
    """Move an article along ARTICLE_TRANSITIONS; publishing records the reviewer."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == to:
        return article  # a repeated click changes nothing
    _check_transition(article, to, actor)
    before = {"status": article.status}
    article.status = to
    fields = ["status", "updated_at"]
    if before["status"] == Article.Status.REVIEW:
        if to == Article.Status.DRAFT and not note.strip():
            raise ValidationError({"note": "退回修改时请写明原因。"})
        article.reviewer = actor
        article.reviewed_at = timezone.now()
        article.review_note = note.strip()[:300]
        fields += ["reviewer", "reviewed_at", "review_note"]
    if to == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
        fields.append("published_at")
    article.save(update_fields=fields)
    audit_record(actor=actor, action=f"publicity.article.{to}", target=article, organization=article.organization,
                 before=before, after={"status": to, "published_at": article.published_at, "note": note[:300]})
    if Article.Status.PUBLISHED in (before["status"], to):
        pagecache.bump(PAGES)
    return article
