"""Downloads with Chinese names, and spreadsheets that cannot smuggle formulas into Excel."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str, *, fallback: str = "", inline: bool = False) -> str:
    """``attachment; filename="plain.xlsx"; filename*=UTF-8''题库.xlsx`` (RFC 6266 / RFC 5987).

    Browsers use the UTF-8 name; old clients fall back to an ASCII one.
    """
    filename = filename.replace("\x00", "").replace("\r", "").replace("\n", "").replace('"', "")
    if not fallback:
        stem, dot, ext = filename.rpartition(".")
        fallback = (_UNSAFE_ASCII.sub("-", stem).strip("-") or "download") + (dot + ext if dot else "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def safe_cell(value):
    """A text cell that would start a formula is written as text (a leading apostrophe)."""
    if isinstance(value, str):
        value = value.replace("\x00", "")
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


def write_sheet(workbook, title: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.append(safe_row(columns))
    for row in rows:
        sheet.append(safe_row(row))


def _sheet_title(title: str) -> str:
    return title.translate(str.maketrans({c: "_" for c in "[]:*?/\\"}))[:31] or "数据"
