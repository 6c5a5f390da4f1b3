"""A person's copy of their own records, gathered from every installed app (PIPL art. 45)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from .registry import DataSection, my_data_exports
from .spreadsheets import SafeWorkbook


def personal_data_sections(user) -> list[DataSection]:
    sections: list[DataSection] = []
    for provider in my_data_exports:
        sections.extend(provider(user) or [])
    sections.extend(my_consent_data(user))
    return sections


def my_consent_data(user) -> list[DataSection]:
    """Core's own section: each separate consent given, attested or withdrawn, with the wording agreed to."""
    from .selectors import consents_of

    consents = list(consents_of(user))
    if not consents:
        return []
    return [DataSection(
        title="敏感个人信息单独同意",
        columns=["业务", "类型", "时间", "操作人", "告知并同意的内容", "内容版本", "申请编号"],
        rows=[[consent.service, consent.get_kind_display(), consent.created_at,
               "本人" if consent.actor_id == user.pk else (consent.actor.get_full_name() or "工会工作人员"),
               consent.wording, consent.wording_version, consent.target_id]
              for consent in consents])]


def _plain(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else \
            value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def personal_data_json(user) -> bytes:
    document = {
        "说明": "焦作职工服务平台为您保存的个人信息副本",
        "生成时间": _plain(timezone.now()),
        "内容": [
            {"类别": section.title,
             "记录": [dict(zip(section.columns, (_plain(v) for v in row), strict=False)) for row in section.rows]}
            for section in personal_data_sections(user)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def personal_data_workbook(user) -> bytes:
    workbook = SafeWorkbook()
    sections = personal_data_sections(user)
    used: set[str] = set()
    for section in sections:
        title = section.title[:28]
        while title in used:
            title = title[:26] + f"{len(used)}"
        used.add(title)
        sheet = workbook.sheet(title)
        sheet.header(section.columns)
        for row in section.rows:
            sheet.append([_plain(v) for v in row])
    if not sections:
        sheet = workbook.sheet("说明")
        sheet.header(["内容"])
        sheet.append(["平台没有保存您的记录。"])
    return workbook.to_bytes()
