"""Helpers for protection tests: images, hazards in any state."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.protection.models import Hazard, HazardEvent

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


_serial = iter(range(10**6))


def make_hazard(enterprise, *, status=Hazard.Status.REPORTED, level=Hazard.Level.GENERAL, days_ago: int = 0,
                source=Hazard.Source.PUBLIC, **extra) -> Hazard:
    reported_at = timezone.now() - timezone.timedelta(days=days_ago)
    hazard = Hazard.objects.create(
        reference=f"YHTEST{next(_serial):04d}", enterprise=enterprise,
        routed_to=enterprise.union or enterprise.district,
        source=source, level=level, status=status, description="二号车间配电箱门敞开，线路裸露。",
        reported_at=reported_at, deadline=Hazard.deadline_for(level, timezone.localdate(reported_at)), **extra)
    HazardEvent.objects.create(hazard=hazard, kind=HazardEvent.Kind.REPORTED)
    return hazard
