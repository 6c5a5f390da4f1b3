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


def make_campaign(organization, *, status="nominating", quota=2, front_line_priority=True, voting_enabled=True,
                  notice_until=None, title="2026年焦作市最美职工评选"):
    from apps.publicity.models import Campaign

    return Campaign.objects.create(
        title=title, kind=Campaign.Kind.MOST_BEAUTIFUL, criteria="在抗疫和复工复产中表现突出的职工。",
        organization=organization, nominate_until=timezone.localdate() + timedelta(days=10),
        front_line_priority=front_line_priority, voting_enabled=voting_enabled,
        voting_until=timezone.localdate() + timedelta(days=20) if voting_enabled else None,
        notice_until=notice_until, status=status, default_quota=quota)


def make_nomination(campaign, by_org, user, *, name="李红", front_line=False, status="submitted", rounds_passed=0):
    from apps.publicity.models import Nomination

    return Nomination.objects.create(
        campaign=campaign, district=by_org.county, nominated_by=by_org, submitted_by=user, nominee_name=name,
        workplace="修武县恒达机械", deeds="坚守一线。", front_line=front_line, status=status,
        rounds_passed=rounds_passed)
