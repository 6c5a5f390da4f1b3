"""Building blocks of the labour-dispute and collective-negotiation tests."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.legal_aid import services
from tests.protection.factories import PDF, PNG

# An OLE2 compound file as Word 97-2003 writes it (header, then the Word signature at 512).
DOC = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\x00" * 504 + b"\xEC\xA5\xC1\x00" + b"\x00" * 1024


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(kind: str = "pdf", name: str = "") -> SimpleUploadedFile:
    content, default = {"pdf": (PDF, "agreement.pdf"), "png": (PNG, "scan.png"), "doc": (DOC, "agreement.doc"),
                        "docx": (docx_bytes(), "agreement.docx"), "exe": (b"MZ\x90\x00" + b"\x00" * 200, "a.pdf"),
                        "txt": ("协议内容".encode() * 20, "agreement.pdf")}[kind]
    return SimpleUploadedFile(name or default, content)


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def dispute_data(**overrides) -> dict:
    data = {"dispute_type": "wage_arrears", "epidemic_related": False, "workers_involved": 3,
            "amount": Decimal("36000"), "collective": False, "occurred_on": days_ago(10),
            "description": "企业拖欠 3 名职工两个月工资。"}
    data.update(overrides)
    return data


def record(actor, enterprise, **overrides):
    return services.dispute_record(actor=actor, enterprise=enterprise, data=dispute_data(**overrides))


def form_data(enterprise=None, **overrides) -> dict:
    """What the record form posts."""
    data = {"dispute_type": "wage_arrears", "occurred_on": days_ago(10).isoformat(), "workers_involved": "3",
            "amount": "36000", "description": "企业拖欠 3 名职工两个月工资。"}
    if enterprise is not None:
        data["enterprise"] = str(enterprise.pk)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def negotiation_data(**overrides) -> dict:
    data = {"topic": "wages", "held_on": days_ago(5), "union_side": "工会主席 李明", "employer_side": "总经理 张华",
            "agreement_reached": True, "agreement_summary": "工资增长 5%，每月 10 日前发放。", "workers_covered": 120,
            "valid_from": days_ago(1), "valid_until": days_ago(1) + timedelta(days=364)}
    data.update(overrides)
    return data


def negotiation_form(enterprise, **overrides) -> dict:
    data = {"enterprise": str(enterprise.pk), "topic": "wages", "held_on": days_ago(5).isoformat(),
            "union_side": "工会主席 李明", "employer_side": "总经理 张华", "agreement_reached": "on",
            "agreement_summary": "工资增长 5%，每月 10 日前发放。", "workers_covered": "120",
            "valid_from": days_ago(1).isoformat(), "valid_until": (days_ago(1) + timedelta(days=364)).isoformat()}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
