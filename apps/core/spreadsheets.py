"""Spreadsheets in and out, one guarded way for every app.

Reading (imports): ``iter_xlsx_rows`` and ``iter_csv_rows`` yield ``(row_number, values)`` and
raise ``SpreadsheetRefused`` with a message for the person who uploaded the file. Before an .xlsx
is parsed its zip directory is checked (number of parts, each part's declared uncompressed size,
compression ratio, the shared-strings part that openpyxl loads whole); Python's zipfile never
inflates a part beyond its declared size, so those checks bound memory. While reading, rows are
counted including the empty ones openpyxl makes up for gaps, and columns and cell lengths are
limited. XML goes through defusedxml (openpyxl uses it when installed) in read-only mode.

Writing (exports): ``SafeWorkbook`` is openpyxl's write-only workbook (rows stream to a temporary
file) whose cells cannot become formulas: text starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return is stored as text with Excel's quote prefix (OWASP formula injection), and
characters a workbook cannot hold are dropped. ``workbook_response`` streams the file.
"""
from __future__ import annotations

import codecs
import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.parsers import expat

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .downloads import content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024


class SpreadsheetRefused(ValueError):
    """The file is not read; ``message`` says why, in words for the uploader."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 10 * MB
    max_members: int = 100  # parts in the .xlsx zip
    max_sheet_bytes: int = 60 * MB  # declared uncompressed size of one worksheet's XML
    max_shared_strings_bytes: int = 20 * MB  # openpyxl reads this part whole
    max_other_part_bytes: int = 5 * MB  # styles, workbook, relationships...
    max_total_bytes: int = 100 * MB
    max_ratio: int = 100  # uncompressed / compressed, for parts over 1 MB
    max_rows: int = 20_000  # including empty rows
    max_columns: int = 50
    max_cell_chars: int = 5_000


DEFAULT_LIMITS = Limits()


# --- reading .xlsx -------------------------------------------------------------------------------

def check_xlsx_archive(uploaded, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an .xlsx whose zip directory promises more than the limits, before anything is inflated."""
    size = _size_of(uploaded)
    if size > limits.max_file_bytes:
        raise SpreadsheetRefused(f"文件过大（{size / MB:.1f} MB），上限为 {limits.max_file_bytes // MB} MB。")
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetRefused(_NOT_XLSX) from None
    if len(members) > limits.max_members:
        raise SpreadsheetRefused(
            f"文件包含 {len(members)} 个部件，超过 {limits.max_members} 个，不像正常的 Excel 文件。")
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise SpreadsheetRefused(_NOT_XLSX)
    total = 0
    for member in members:
        total += member.file_size
        name = member.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            limit, what = limits.max_sheet_bytes, "工作表"
        elif name == "xl/sharedStrings.xml":
            limit, what = limits.max_shared_strings_bytes, "文字内容（共享字符串）"
        else:
            limit, what = limits.max_other_part_bytes, "部件"
        if member.file_size > limit:
            raise SpreadsheetRefused(
                f"文件中的{what}解压后达 {member.file_size / MB:.0f} MB，超过 {limit // MB} MB 的上限。"
                "请删除多余的行、列和空白格式，或拆分成几个文件后重试。")
        if member.file_size > MB and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise SpreadsheetRefused("文件压缩比异常（可能含有大量空行或重复内容），不能导入。"
                                     "请复制有内容的区域到新表格后重试。")
    if total > limits.max_total_bytes:
        raise SpreadsheetRefused(f"文件解压后共 {total / MB:.0f} MB，超过 {limits.max_total_bytes // MB} MB 的上限。")
    uploaded.seek(0)
    with zipfile.ZipFile(uploaded) as archive:
        for name in sorted(names):
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _scan_sheet(archive, name, limits)
    uploaded.seek(0)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _SHEET_DATA = _MAIN + "row", _MAIN + "c", _MAIN + "sheetData"
# Elements a cell may hold (value, formula, inline string and its runs) and their cost in the scan.
_MAX_PARTS_PER_CELL = 12
_MAX_OTHER_ELEMENTS = 20_000  # merged cells, hyperlinks, validations, column widths...


class _SheetScan:
    """Counters for one worksheet, fed by expat callbacks; keeps no element, no text."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.max_cells_in_row = max(4 * limits.max_columns, 256)
        self.rows = self.cells_in_row = self.cells = self.cell_parts = self.other = self.last_row = 0
        self.in_sheet_data = False

    def start(self, tag: str, attributes: dict) -> None:
        limits = self.limits
        if tag == _ROW:
            self.rows += 1
            self.cells_in_row = 0
            number = attributes.get("r")
            self.last_row = int(number) if number and number.isdigit() and len(number) < 9 else self.last_row + 1
            if self.rows > limits.max_rows or self.last_row > limits.max_rows:
                raise SpreadsheetRefused(_too_many_rows(limits), row=max(self.rows, self.last_row))
        elif tag == _CELL:
            self.cells += 1
            self.cells_in_row += 1
            if self.cells_in_row > self.max_cells_in_row:
                raise SpreadsheetRefused(f"第 {self.last_row} 行超过 {limits.max_columns} 列，请删除多余的列后重试。",
                                         row=self.last_row)
        elif tag == _SHEET_DATA:
            self.in_sheet_data = True
        elif self.in_sheet_data:
            self.cell_parts += 1
            if self.cell_parts > self.cells * _MAX_PARTS_PER_CELL + self.rows:
                raise SpreadsheetRefused(_TOO_COMPLEX)
        else:
            self.other += 1
            if self.other > _MAX_OTHER_ELEMENTS:
                raise SpreadsheetRefused(_TOO_COMPLEX)

    def end(self, tag: str) -> None:
        if tag == _SHEET_DATA:
            self.in_sheet_data = False


def _refuse_declarations(*_args) -> None:
    # A workbook part never has a DTD; entity declarations are how XML bombs start.
    raise SpreadsheetRefused(_NOT_XLSX)


def _scan_sheet(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Stream one worksheet's XML through expat, counting elements, before openpyxl reads it.

    openpyxl materialises a whole row, and every merged cell or hyperlink, before it yields
    anything; a single row of millions of cells fits in a few megabytes of zip. The scan builds
    no tree and keeps no text, and refuses as soon as a budget is passed.
    """
    scan = _SheetScan(limits)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, ValueError, zipfile.BadZipFile, EOFError, OSError) as error:
        if isinstance(error, SpreadsheetRefused):
            raise
        raise SpreadsheetRefused(_NOT_XLSX) from None


def iter_xlsx_rows(uploaded, limits: Limits = DEFAULT_LIMITS, *, sheet_index: int = 0, sheet_name: str = "",
                   skip_sheets: tuple[str, ...] = ()) -> Iterator[tuple[int, list]]:
    """Yield ``(row_number, values)`` of one sheet, values as openpyxl reads them (None for blank).

    The sheet is ``sheet_name`` when the file has it, else the ``sheet_index``-th of those not in
    ``skip_sheets`` (a template's examples and notes, say).
    """
    check_xlsx_archive(uploaded, limits)
    try:
        workbook = load_workbook(uploaded, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, SyntaxError):
        raise SpreadsheetRefused(_NOT_XLSX) from None
    try:
        if sheet_name and sheet_name in workbook.sheetnames:
            sheet = workbook[sheet_name]
        else:
            candidates = [sheet for sheet in workbook.worksheets if sheet.title not in skip_sheets]
            if sheet_index >= len(candidates):
                raise SpreadsheetRefused(f"文件中没有“{sheet_name}”工作表。" if sheet_name else "文件中没有工作表。")
            sheet = candidates[sheet_index]
        # One column more than allowed, to notice a row that is too wide.
        rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                break
            except (ValueError, KeyError, TypeError, SyntaxError, zipfile.BadZipFile, EOFError):
                raise SpreadsheetRefused(_NOT_XLSX) from None
            number += 1
            if number > limits.max_rows:
                raise SpreadsheetRefused(_too_many_rows(limits), row=number)
            yield number, _checked_row(number, list(values), limits)
    finally:
        workbook.close()


# --- reading .csv --------------------------------------------------------------------------------

CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def detect_csv_encoding(uploaded, *, chunk_size: int = 64 * 1024) -> str:
    """The first of UTF-8 (with or without BOM) and GB18030 that decodes the whole file, read in chunks."""
    uploaded.seek(0)
    if uploaded.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        # GB18030 would "decode" UTF-16 into nonsense; Excel's "Unicode text" is UTF-16.
        raise SpreadsheetRefused("文件是 UTF-16（“Unicode 文本”）编码。请在 Excel 或 WPS 中另存为“CSV UTF-8”后重试。")
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        uploaded.seek(0)
        try:
            while chunk := uploaded.read(chunk_size):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        uploaded.seek(0)
        return encoding
    raise SpreadsheetRefused("无法识别文件的文字编码。请在 Excel 或 WPS 中另存为“CSV UTF-8”后重试。")


def iter_csv_rows(uploaded, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, values)`` of a CSV file in UTF-8 or GB18030, rows and cells bounded."""
    size = _size_of(uploaded)
    if size > limits.max_file_bytes:
        raise SpreadsheetRefused(f"文件过大（{size / MB:.1f} MB），上限为 {limits.max_file_bytes // MB} MB。")
    encoding = detect_csv_encoding(uploaded)
    raw = uploaded.file if hasattr(uploaded, "file") else uploaded
    text = io.TextIOWrapper(_Unclosable(raw), encoding=encoding, newline="")
    reader = csv.reader(text)
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # Includes NUL bytes and a field longer than csv.field_size_limit().
            raise SpreadsheetRefused(f"第 {number + 1} 行无法读取（含有非法字符或内容过长），请检查后重试。",
                                     row=number + 1) from None
        number += 1
        if number > limits.max_rows:
            raise SpreadsheetRefused(_too_many_rows(limits), row=number)
        yield number, _checked_row(number, values, limits)


class _Unclosable(io.RawIOBase):
    """Lets a TextIOWrapper read an uploaded file without closing it when the wrapper goes away."""

    def __init__(self, raw) -> None:
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# --- shared checks -------------------------------------------------------------------------------

_TOO_COMPLEX = "工作表中的格式、合并单元格、链接或文字片段过多，不能导入。请只复制有内容的区域到新表格后重试。"
_NOT_XLSX = "无法读取该文件：不是有效的 Excel（.xlsx）文件。请用 Excel 或 WPS 另存为 .xlsx 后重试。"


def _too_many_rows(limits: Limits) -> str:
    return (f"表格超过 {limits.max_rows} 行（空行也计算在内）。请删除末尾多余的空行，"
            "或拆分成几个文件后重试。")


def _size_of(uploaded) -> int:
    size = getattr(uploaded, "size", None)
    if size is None:
        position = uploaded.tell()
        size = uploaded.seek(0, io.SEEK_END)
        uploaded.seek(position)
    return size


def _checked_row(number: int, values: list, limits: Limits) -> list:
    if values.count(None) + values.count("") == len(values):  # blank row, the common padding case
        return []
    while values[-1] is None or values[-1] == "":
        values.pop()
    if len(values) > limits.max_columns:
        raise SpreadsheetRefused(f"第 {number} 行超过 {limits.max_columns} 列，请删除多余的列后重试。", row=number)
    for column, value in enumerate(values, start=1):
        if not isinstance(value, str):
            continue
        place = f"第 {number} 行 {get_column_letter(column)} 列"
        if "\x00" in value:
            raise SpreadsheetRefused(f"{place}含有控制字符（NUL），请删除后重试。", row=number)
        if len(value) > limits.max_cell_chars:
            raise SpreadsheetRefused(f"{place}的内容过长（{len(value)} 字，上限 {limits.max_cell_chars} 字）。",
                                     row=number)
    return values


# --- writing -------------------------------------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A value for a CSV export: text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeSheet:
    def __init__(self, workbook: SafeWorkbook, sheet) -> None:
        self._workbook = workbook
        self._sheet = sheet

    @property
    def column_dimensions(self):
        return self._sheet.column_dimensions

    def header(self, titles: Sequence[str]) -> None:
        """A bold first row."""
        self.append(titles, bold=True)

    def append(self, values: Iterable, *, bold: bool = False) -> None:
        self._sheet.append([self._cell(value, bold) for value in values])

    def _cell(self, value, bold: bool):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith(FORMULA_TRIGGERS):
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
                if bold:
                    cell.font = self._workbook.bold
                return cell
        if bold:
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.font = self._workbook.bold
            return cell
        return value


class SafeWorkbook:
    """A write-only workbook whose text cells are never formulas."""

    _INVALID_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)
        self.bold = Font(bold=True)

    def sheet(self, title: str) -> SafeSheet:
        clean = ILLEGAL_CHARACTERS_RE.sub("", title).translate(self._INVALID_TITLE).strip("'")[:31] or "Sheet"
        return SafeSheet(self, self._workbook.create_sheet(clean))

    def save(self, handle) -> None:
        self._workbook.save(handle)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


def workbook_response(workbook: SafeWorkbook, filename: str, *, ascii_name: str = "export.xlsx") -> FileResponse:
    """Stream the saved workbook from a temporary file (deleted when sent), as an attachment."""
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    size = handle.tell()
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition(filename, fallback=ascii_name)
    return response


def table_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "数据",
                   ascii_name: str = "export.xlsx") -> FileResponse:
    """One sheet with a bold header row, formula-safe, streamed as an attachment."""
    workbook = SafeWorkbook()
    sheet = workbook.sheet(sheet_title)
    sheet.header(headers)
    for row in rows:
        sheet.append(row)
    return workbook_response(workbook, filename, ascii_name=ascii_name)
