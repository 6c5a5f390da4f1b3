"""Reading uploaded spreadsheets (Excel .xlsx or CSV) for the organizing imports — the one place.

Every import of this app (census extract, member list) reads through ``read_table``, which
streams rows from core's bounded reader (``apps.core.spreadsheets``) and maps them to the
template's columns; a cell longer than a census field can hold marks its row as bad.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from apps.core.spreadsheets import Limits, SpreadsheetRefused, iter_csv_rows, iter_xlsx_rows
from apps.core.uploads import detect_mime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_CELL_CHARS = 300
MAX_COLUMNS = 50


class ImportRefused(Exception):
    """The whole file is refused (unreadable, a missing column, too many rows): nothing is imported."""


@dataclass
class Row:
    number: int  # the row number a person sees in Excel (header is row 1)
    cells: dict[str, str]
    error: str = ""


def check_upload(uploaded) -> str:
    """'xlsx' or 'csv' judged from the bytes (and the name for CSV); ValidationError otherwise."""
    if uploaded.size == 0:
        raise ValidationError("文件是空的。")
    if uploaded.size > MAX_FILE_BYTES:
        raise ValidationError(f"文件过大，上限为 {MAX_FILE_BYTES // (1024 * 1024)} MB。")
    if detect_mime(uploaded) == XLSX:
        return "xlsx"
    name = (getattr(uploaded, "name", "") or "").lower()
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    if name.endswith(".csv") and b"\x00" not in head:
        return "csv"
    raise ValidationError("只接受 Excel（.xlsx）或 CSV 文件，请使用下载的模板。")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _raw_rows(binary, kind: str, limits: Limits) -> Iterator[list]:
    rows = iter_csv_rows(binary, limits) if kind == "csv" else iter_xlsx_rows(binary, limits)
    try:
        for _number, values in rows:
            yield values
    except SpreadsheetRefused as refused:
        raise ImportRefused(refused.message) from None


def read_table(binary, *, kind: str, columns: list[str], max_rows: int) -> Iterator[Row]:
    """Yield the data rows as ``Row``s keyed by the template's column names.

    Raises ImportRefused when a required column is missing or there are more than ``max_rows``
    rows; a cell longer than MAX_CELL_CHARS makes that row carry an error.
    """
    # Empty rows count towards the reader's bound too: room for a blank line between every row.
    limits = Limits(max_file_bytes=MAX_FILE_BYTES, max_rows=2 * max_rows + 1, max_columns=MAX_COLUMNS)
    rows = _raw_rows(binary, kind, limits)
    header = [_text(cell) for cell in next(rows, ())]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportRefused(f"缺少列：{'、'.join(missing)}。请使用下载的模板。")
    where = {name: header.index(name) for name in columns}
    count = 0
    for number, values in enumerate(rows, start=2):
        cells = {name: _text(values[index]) if index < len(values) else "" for name, index in where.items()}
        if not any(cells.values()):
            continue
        count += 1
        if count > max_rows:
            raise ImportRefused(f"文件超过 {max_rows} 行，请拆分后分批导入。")
        long = [name for name, value in cells.items() if len(value) > MAX_CELL_CHARS]
        yield Row(number, cells, f"“{long[0]}”内容过长（超过 {MAX_CELL_CHARS} 字）" if long else "")
