"""Question banks to and from Excel. Import reads the whole file first and reports every bad row;
nothing is imported unless every row is good."""
from __future__ import annotations

from dataclasses import dataclass

from apps.core.spreadsheets import Limits, SafeWorkbook, SpreadsheetRefused, iter_xlsx_rows

from .models import Question
from .services import normalize_tags

COLUMNS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "正确答案", "解析", "难度", "标签"]
REQUIRED = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "难度", "标签"]
LETTERS = "ABCDEF"
KINDS = {"单选": Question.Kind.SINGLE, "单选题": Question.Kind.SINGLE, "多选": Question.Kind.MULTIPLE,
         "多选题": Question.Kind.MULTIPLE, "判断": Question.Kind.TRUE_FALSE, "判断题": Question.Kind.TRUE_FALSE,
         "填空": Question.Kind.FILL, "填空题": Question.Kind.FILL}
KIND_LABELS = {Question.Kind.SINGLE: "单选", Question.Kind.MULTIPLE: "多选", Question.Kind.TRUE_FALSE: "判断",
               Question.Kind.FILL: "填空"}
TRUE_WORDS = {"对", "正确", "是", "√", "T", "TRUE", "Y"}
FALSE_WORDS = {"错", "错误", "否", "×", "X", "F", "FALSE", "N"}
DIFFICULTY = {"易": 1, "简单": 1, "1": 1, "中": 2, "中等": 2, "2": 2, "难": 3, "困难": 3, "3": 3}
TRUE_FALSE_OPTIONS = ["正确", "错误"]
MAX_ROWS = 5000
# Rows are counted with the empty ones; room for blank lines between 5000 questions.
IMPORT_LIMITS = Limits(max_rows=4 * MAX_ROWS, max_columns=40)
QUESTION_SHEET = "试题"
EXAMPLE_SHEET = "示例"
NOTES_SHEET = "填写说明"
# The template's examples live on their own sheet; they are never read as questions.
EXAMPLE_ROWS = [
    ["单选", "劳动合同应当以什么形式订立？", "口头", "书面", "电子邮件", "短信", "", "", "B",
     "《劳动合同法》第十条：建立劳动关系，应当订立书面劳动合同。", "易", "劳动法"],
    ["多选", "进入受限空间作业前应当做到哪些？", "先通风", "再检测", "后作业", "单人进入即可", "", "",
     "ABC", "先通风、再检测、后作业，并设专人监护。", "中", "安全生产,受限空间"],
    ["判断", "发热职工可以带病上岗。", "", "", "", "", "", "", "错", "出现发热应及时报告并就医。", "易", "疫情防控"],
    ["填空", "我国安全生产方针是安全第一、预防为主、____。", "", "", "", "", "", "", "综合治理",
     "见《安全生产法》第三条。多个可接受答案用 | 分隔。", "中", "安全生产"],
]


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}" if self.row else self.message


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_workbook(uploaded) -> list[Question]:
    """Read questions (without a bank) from an .xlsx; raise ImportRefused listing every bad row."""
    questions, errors = [], []
    try:
        rows = iter_xlsx_rows(uploaded, IMPORT_LIMITS, sheet_name=QUESTION_SHEET,
                              skip_sheets=(EXAMPLE_SHEET, NOTES_SHEET))
        header = [_text(cell) for cell in next(rows, (0, []))[1]]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            rows.close()
            raise ImportRefused([RowError(1, f"缺少列：{'、'.join(missing)}。请使用下载的模板。")])
        where = {name: header.index(name) for name in COLUMNS if name in header}
        for number, values in rows:
            cells = {name: _text(values[index]) if index < len(values) else "" for name, index in where.items()}
            if not any(cells.values()):
                continue
            if len(questions) + len(errors) >= MAX_ROWS:
                errors.append(RowError(number, f"一次最多导入 {MAX_ROWS} 道题。"))
                rows.close()
                break
            if [cells.get(name, "") for name in COLUMNS] in EXAMPLE_ROWS:
                errors.append(RowError(number, "这是模板中的示例题，请删除这一行后再导入。"))
                continue
            try:
                questions.append(_question_from(cells))
            except ValueError as error:
                errors.append(RowError(number, str(error)))
    except SpreadsheetRefused as refused:
        raise ImportRefused([RowError(0, refused.message)]) from None
    if errors:
        raise ImportRefused(errors)
    if not questions:
        raise ImportRefused([RowError(0, "文件中没有试题。")])
    return questions


class QuestionProblems(ValueError):
    """Every problem of one question, each tied to the field it is about (kind, stem, options, answer...)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("；".join(message for _field, message in problems))
        self.problems = problems


def _question_from(cells: dict[str, str]) -> Question:
    """One question from a row's cells (also used by the single-question edit form), or QuestionProblems."""
    problems: list[tuple[str, str]] = []
    kind = KINDS.get(cells["题型"])
    if kind is None:
        problems.append(("kind", f"题型“{cells['题型']}”无法识别（应为 单选、多选、判断、填空）"))
    stem = cells["题干"]
    if not stem:
        problems.append(("stem", "题干为空"))
    difficulty = DIFFICULTY.get(cells["难度"] or "中")
    if difficulty is None:
        problems.append(("difficulty", f"难度“{cells['难度']}”无法识别（应为 易、中、难）"))
    options = [cells.get(f"选项{letter}", "") for letter in LETTERS]
    while options and not options[-1]:
        options.pop()
    raw_answer = cells["正确答案"].upper().replace(" ", "").replace(",", "").replace("，", "").replace("、", "")
    answer: list = []
    if not cells["正确答案"]:
        problems.append(("answer", "正确答案为空"))
    elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(options) < 2 or "" in options:
            problems.append(("options", "选择题至少要有两个选项，且选项之间不能空缺"))
        letters = list(dict.fromkeys(raw_answer))
        outside = [letter for letter in letters if letter not in LETTERS[:len(options)]]
        if outside:
            problems.append(("answer", f"正确答案 {''.join(outside)} 不在选项中"))
        elif kind == Question.Kind.SINGLE and len(letters) != 1:
            problems.append(("answer", "单选题只能有一个正确答案"))
        elif kind == Question.Kind.MULTIPLE and len(letters) < 2:
            problems.append(("answer", "多选题至少要有两个正确答案"))
        answer = sorted(LETTERS.index(letter) for letter in letters if letter in LETTERS)
    elif kind == Question.Kind.TRUE_FALSE:
        options = list(TRUE_FALSE_OPTIONS)
        if raw_answer in TRUE_WORDS:
            answer = [0]
        elif raw_answer in FALSE_WORDS:
            answer = [1]
        else:
            problems.append(("answer", f"判断题的正确答案应为“对”或“错”，而不是“{cells['正确答案']}”"))
    elif kind == Question.Kind.FILL:
        options = []
        answer = [part.strip() for part in cells["正确答案"].replace("｜", "|").split("|") if part.strip()]
    if len(stem) > 2000:
        problems.append(("stem", "题干过长（最多 2000 字）"))
    tags = normalize_tags(cells["标签"])
    if len(tags) > Question._meta.get_field("tags").max_length:
        problems.append(("tags", "标签过长（合计最多 200 字）"))
    if problems:
        raise QuestionProblems(problems)
    return Question(kind=kind, stem=stem, options=options, answer=answer, explanation=cells["解析"],
                    difficulty=difficulty, tags=tags)


def cells_for(question: Question) -> dict[str, str]:
    """A stored question as the cells of an import row (what the edit form starts from)."""
    options = list(question.options) if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) else []
    cells = {"题型": KIND_LABELS[question.kind], "题干": question.stem, "正确答案": _answer_text(question),
             "解析": question.explanation, "难度": question.get_difficulty_display(),
             "标签": "，".join(question.tag_list)}
    for index, letter in enumerate(LETTERS):
        cells[f"选项{letter}"] = options[index] if index < len(options) else ""
    return cells


def _answer_text(question: Question) -> str:
    if question.kind == Question.Kind.FILL:
        return "|".join(question.answer)
    if question.kind == Question.Kind.TRUE_FALSE:
        return "对" if question.answer == [0] else "错"
    return "".join(LETTERS[i] for i in question.answer)


def template_workbook() -> SafeWorkbook:
    """试题 (headers only, to fill in), 示例 (never imported) and 填写说明."""
    workbook = SafeWorkbook()
    widths = [8, 40, 14, 14, 14, 14, 10, 10, 10, 40, 6, 16]
    sheet = workbook.sheet(QUESTION_SHEET)
    examples = workbook.sheet(EXAMPLE_SHEET)
    for target in (sheet, examples):
        for column, width in zip("ABCDEFGHIJKL", widths, strict=True):
            target.column_dimensions[column].width = width
    sheet.header(COLUMNS)
    examples.header(COLUMNS)
    for row in EXAMPLE_ROWS:
        examples.append(row)
    examples.append([])
    examples.append(["", "以上为示例，仅供参考，不会被导入。请把试题填在“试题”工作表中。"])
    notes = workbook.sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 110
    for line in [
        "题型：单选、多选、判断、填空。",
        "选项：选择题填写选项A起的连续选项，最多 6 个；判断题、填空题不填选项。",
        "正确答案：单选填一个字母（如 B），多选填多个字母（如 ACD），判断填“对”或“错”，",
        "　　　　　填空填答案文字，多个可接受答案用 | 分隔。",
        "难度：易、中、难。标签：多个标签用逗号分隔，答题时可按标签抽题。",
        "“示例”工作表中的题目只作参考，不会被导入；请把试题填在“试题”工作表中。",
        "任何一行有错，整份文件都不会导入；请按提示逐行修改后重新上传。",
    ]:
        notes.append([line])
    return workbook


def export_workbook(questions) -> SafeWorkbook:
    """A bank as .xlsx in the template's layout (write-only, formula-safe), ready to import elsewhere."""
    workbook = SafeWorkbook()
    sheet = workbook.sheet("试题")
    sheet.header(COLUMNS)
    for question in questions.iterator(chunk_size=1000):
        options = (list(question.options) if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
                   else [])
        options = (options + [""] * 6)[:6]
        sheet.append([KIND_LABELS[question.kind], question.stem, *options, _answer_text(question),
                      question.explanation, question.get_difficulty_display(), "，".join(question.tag_list)])
    return workbook
