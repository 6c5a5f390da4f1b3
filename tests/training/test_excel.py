from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.training import excel
from apps.training.models import Question

from .factories import BankFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(rows, header=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or excel.COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["单选", "劳动合同应当以什么形式订立？", "口头", "书面", "短信", "", "", "", "B", "第十条", "易", "劳动法"],
    ["多选", "有限空间作业前要做到？", "先通风", "再检测", "后作业", "单人进入", "", "", "ABC", "", "中",
     "安全生产,有限空间"],
    ["判断", "发热职工可以带病上岗。", "", "", "", "", "", "", "错", "", "易", "疫情防控"],
    ["填空", "安全第一、预防为主、____。", "", "", "", "", "", "", "综合治理|综合 治理", "", "难", "安全生产"],
]


def test_good_file_gives_every_question():
    questions = excel.parse_workbook(io.BytesIO(workbook_bytes(GOOD)))
    kinds = [q.kind for q in questions]
    assert kinds == ["single", "multiple", "true_false", "fill"]
    assert questions[0].answer == [1] and questions[0].options == ["口头", "书面", "短信"]
    assert questions[1].answer == [0, 1, 2] and questions[1].tags == ",安全生产,有限空间,"
    assert questions[2].answer == [1] and questions[2].options == ["正确", "错误"]
    assert questions[3].answer == ["综合治理", "综合 治理"] and questions[3].difficulty == 3


def test_every_bad_row_is_reported_with_its_number():
    rows = [
        GOOD[0],
        ["问答", "什么是工会？", "", "", "", "", "", "", "A", "", "易", ""],
        ["单选", "劳动争议仲裁时效？", "一年", "两年", "", "", "", "", "E", "", "易", ""],
        ["单选", "", "一年", "两年", "", "", "", "", "A", "", "特别难", ""],
        ["判断", "可以带病上岗。", "", "", "", "", "", "", "也许", "", "易", ""],
    ]
    with pytest.raises(excel.ImportRefused) as refused:
        excel.parse_workbook(io.BytesIO(workbook_bytes(rows)))
    messages = [str(error) for error in refused.value.errors]
    assert [error.row for error in refused.value.errors] == [3, 4, 5, 6]
    assert "题型“问答”无法识别" in messages[0]
    assert "正确答案 E 不在选项中" in messages[1]
    assert "题干为空" in messages[2] and "难度“特别难”无法识别" in messages[2]
    assert messages[3].startswith("第 6 行")


def test_missing_column_is_reported():
    header = [name for name in excel.COLUMNS if name != "正确答案"]
    with pytest.raises(excel.ImportRefused) as refused:
        excel.parse_workbook(io.BytesIO(workbook_bytes([], header=header)))
    assert "缺少列：正确答案" in str(refused.value.errors[0])


def test_single_choice_with_two_answers_is_refused():
    with pytest.raises(excel.ImportRefused, match="只能有一个"):
        excel.parse_workbook(io.BytesIO(workbook_bytes([
            ["单选", "题", "甲", "乙", "丙", "", "", "", "AB", "", "易", ""]])))


def test_not_an_excel_file_is_refused():
    with pytest.raises(excel.ImportRefused, match="无法读取"):
        excel.parse_workbook(io.BytesIO(b"PK\x03\x04 not really"))


def test_export_can_be_imported_again(org_tree):
    bank = BankFactory(organization=org_tree.city)
    for question in excel.parse_workbook(io.BytesIO(workbook_bytes(GOOD))):
        question.bank = bank
        question.save()
    exported = excel.export_workbook(bank.questions.order_by("pk")).to_bytes()
    again = excel.parse_workbook(io.BytesIO(exported))
    original = list(bank.questions.order_by("pk"))
    assert [(q.kind, q.stem, q.options, q.answer, q.tags, q.difficulty) for q in again] == [
        (q.kind, q.stem, q.options, q.answer, q.tags, q.difficulty) for q in original]


def test_template_examples_sit_on_their_own_sheet_and_are_never_imported():
    book = load_workbook(io.BytesIO(excel.template_workbook().to_bytes()))
    assert book.sheetnames == ["试题", "示例", "填写说明"]
    assert [[cell.value for cell in row] for row in book["试题"].iter_rows()] == [excel.COLUMNS]
    assert book["示例"].max_row >= 5
    with pytest.raises(excel.ImportRefused) as refused:
        excel.parse_workbook(io.BytesIO(excel.template_workbook().to_bytes()))
    assert "没有试题" in str(refused.value)


def test_the_examples_are_valid_questions():
    questions = [excel._question_from(dict(zip(excel.COLUMNS, row, strict=True))) for row in excel.EXAMPLE_ROWS]
    assert [q.kind for q in questions] == ["single", "multiple", "true_false", "fill"]


def _template_with(rows, *, sheet="试题") -> bytes:
    book = load_workbook(io.BytesIO(excel.template_workbook().to_bytes()))
    for row in rows:
        book[sheet].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_filled_template_imports_only_the_question_sheet():
    questions = excel.parse_workbook(io.BytesIO(_template_with([GOOD[0]])))
    assert len(questions) == 1 and questions[0].stem == GOOD[0][1]


def test_questions_written_under_the_examples_are_not_imported():
    with pytest.raises(excel.ImportRefused) as refused:
        excel.parse_workbook(io.BytesIO(_template_with([GOOD[0]], sheet="示例")))
    assert "没有试题" in str(refused.value)


def test_an_example_copied_into_the_question_sheet_is_refused_by_row():
    with pytest.raises(excel.ImportRefused) as refused:
        excel.parse_workbook(io.BytesIO(_template_with([GOOD[0], excel.EXAMPLE_ROWS[2]])))
    assert [(e.row, "示例题" in e.message) for e in refused.value.errors] == [(3, True)]


def test_a_workbook_without_a_question_sheet_is_refused():
    book = Workbook()
    book.active.title = "示例"
    book.active.append(excel.COLUMNS)
    book.active.append(GOOD[0])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(excel.ImportRefused) as refused:
        excel.parse_workbook(io.BytesIO(buffer.getvalue()))
    assert "试题" in str(refused.value)


# --- through the page ---------------------------------------------------------------------------

def _upload(client, bank, data: bytes, name="bank.xlsx"):
    return client.post(reverse("training:bank_detail", args=[bank.pk]),
                       {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def test_staff_import_a_good_file(client, xiuwu_staff, org_tree):
    bank = BankFactory(organization=org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    response = _upload(client, bank, workbook_bytes(GOOD))
    assert response.status_code == 302
    assert bank.questions.count() == 4


def test_a_bad_row_imports_nothing_and_lists_the_rows(client, xiuwu_staff, org_tree):
    bank = BankFactory(organization=org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    response = _upload(client, bank, workbook_bytes([GOOD[0], ["问答", "x", "", "", "", "", "", "", "A", "", "", ""]]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 3 行" in body and "无法识别" in body and "未导入任何试题" in body
    assert bank.questions.count() == 0


def test_a_file_that_is_not_xlsx_is_refused_next_to_the_field(client, xiuwu_staff, org_tree):
    bank = BankFactory(organization=org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    response = _upload(client, bank, b"%PDF-1.4 fake", name="bank.xlsx")
    assert response.status_code == 200
    assert "文件类型不符" in response.content.decode()
    assert Question.objects.count() == 0


def test_export_and_template_download(client, xiuwu_staff, org_tree):
    bank = BankFactory(organization=org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    _upload(client, bank, workbook_bytes(GOOD))
    response = client.get(reverse("training:bank_export", args=[bank.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.max_row == 5
    assert client.get(reverse("training:bank_template")).status_code == 200


def test_stems_that_look_like_formulas_export_as_text_and_import_back(org_tree):
    bank = BankFactory(organization=org_tree.city)
    for stem, explanation in [("=HYPERLINK(\"http://evil.example\",\"点我\")", ""), ("-5 的绝对值是 5。", "@解析")]:
        Question.objects.create(bank=bank, kind=Question.Kind.TRUE_FALSE, stem=stem, options=["正确", "错误"],
                                answer=[0], explanation=explanation, difficulty=1, tags="")
    exported = excel.export_workbook(bank.questions.order_by("pk")).to_bytes()
    sheet = load_workbook(io.BytesIO(exported)).active
    assert [cell.data_type for cell in sheet[2]][1] == "s" and sheet["B2"].value.startswith("=HYPERLINK")
    again = excel.parse_workbook(io.BytesIO(exported))
    assert [q.stem for q in again] == [q.stem for q in bank.questions.order_by("pk")]
    assert again[1].explanation == "@解析"


def test_a_padded_file_is_refused_with_the_readers_message(tmp_path):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("试题")
    sheet.append(excel.COLUMNS)
    for _ in range(4 * excel.MAX_ROWS + 5):
        sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(excel.ImportRefused, match="空行也计算在内"):
        excel.parse_workbook(io.BytesIO(buffer.getvalue()))


def test_other_district_cannot_import_into_a_bank(client, boai_staff, org_tree):
    bank = BankFactory(organization=org_tree.xiuwu)
    client.force_login(boai_staff)
    assert _upload(client, bank, workbook_bytes(GOOD)).status_code == 404
    assert client.get(reverse("training:bank_export", args=[bank.pk])).status_code == 404
    assert bank.questions.count() == 0
