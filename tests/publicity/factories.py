from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.publicity.models import Article
from tests.protection.factories import PDF, PNG

__all__ = ["PDF", "PNG", "make_article", "png", "pdf"]


def png(name: str = "cover.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_article(organization, author, *, title="职工疗休养政策解读", category=Article.Category.POLICY,
                 body="<p>正文内容</p>", status=Article.Status.PUBLISHED, published_at=None) -> Article:
    if published_at is None and status == Article.Status.PUBLISHED:
        published_at = timezone.now() - timedelta(hours=1)
    return Article.objects.create(
        organization=organization, author=author, title=title, category=category, body=body, status=status,
        summary=title, published_at=published_at, search_document=f"{title} {body}".lower())
