"""The one Excel writer of this app: formula-safe cells, written to a temporary file and streamed.

(When core gains its shared formula-safe writer, ``stream_workbook`` is the one place to switch.)
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is kept as text (prefixed with a quote)."""
    if isinstance(value, str):
        value = value.replace("\x00", "")
        if value.startswith(_FORMULA_STARTS):
            return "'" + value
    return value


def stream_workbook(filename: str, sheet_title: str, headers: Sequence[str],
                    rows: Iterable[Sequence]) -> FileResponse:
    """One sheet, written row by row (write-only mode) and sent in chunks as an attachment."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX, as_attachment=True, filename="protection.xlsx")
    response["Content-Disposition"] = (f"attachment; filename=\"protection.xlsx\"; "
                                       f"filename*=UTF-8''{quote(filename)}")
    return response
