"""Downloads with Chinese names (spreadsheets themselves are written by ``spreadsheets.SafeWorkbook``)."""
from __future__ import annotations

import re
from urllib.parse import quote

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

