"""Reading uploaded spreadsheets (Excel .xlsx or CSV) for the organizing imports — the one place.

Every import of this app (census extract, member list) reads through ``read_table``: openpyxl
in read-only mode or the csv module, streamed row by row, with explicit limits on the file size,
the number of rows and the length of a cell. When core gains its shared bounded reader
(``apps/core/spreadsheets.py``), only this module changes.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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


def _csv_lines(binary) -> Iterator[str]:
    """Decode a CSV stream as UTF-8 (with or without BOM), or GB18030 as Excel in China saves it."""
    binary.seek(0)
    sample = binary.read(65536)
    binary.seek(0)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    try:
        yield from text
    finally:
        text.detach()


def _raw_rows(binary, kind: str) -> Iterator[tuple]:
    if kind == "csv":
        csv.field_size_limit(MAX_CELL_CHARS * 4)
        try:
            yield from (tuple(r) for r in csv.reader(_csv_lines(binary)))
        except csv.Error as error:
            raise ImportRefused(f"CSV 文件格式有误：{error}") from None
        return
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise ImportRefused(f"无法读取该 Excel 文件（{error.__class__.__name__}）。") from None
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield values[:MAX_COLUMNS]
    finally:
        workbook.close()


def read_table(binary, *, kind: str, columns: list[str], max_rows: int) -> Iterator[Row]:
    """Yield the data rows as ``Row``s keyed by the template's column names.

    Raises ImportRefused when a required column is missing or there are more than ``max_rows``
    rows; a cell longer than MAX_CELL_CHARS makes that row carry an error.
    """
    rows = _raw_rows(binary, kind)
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
