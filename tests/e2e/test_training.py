"""Browser journeys for training: a worker's timed contest, staff importing a question bank."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from apps.accounts.roles import Role
from apps.core.models import Organization
from apps.training.excel import COLUMNS
from apps.training.models import Attempt, Question
from tests.factories import UserFactory, make_organization, make_staff
from tests.training.factories import BankFactory, QuestionFactory, QuizFactory

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tree():
    city = make_organization("焦作市总工会", Organization.Type.CITY, code="410800")
    xiuwu = make_organization("修武县总工会", Organization.Type.COUNTY, city, code="410821")
    union = make_organization("修武县恒达机械工会", parent=xiuwu, code="410821G01")
    return city, xiuwu, union


def test_worker_takes_a_timed_contest_and_sees_score_explanations_and_rank(page):
    city, _xiuwu, union = _tree()
    bank = BankFactory(organization=city)
    for n in range(4):
        QuestionFactory(bank=bank, stem=f"劳动合同应当以什么形式订立？（第{n}问）", options=["口头", "书面", "短信"],
                        answer=[1], explanation="《劳动合同法》第十条：应当订立书面劳动合同。")
    quiz = QuizFactory(organization=city, banks=[bank], title="复工知识网络答题", question_count=3,
                       shuffle_options=True, time_limit_minutes=5)
    UserFactory(username="13900000009", real_name="赵强")
    sign_in(page, "13900000009")
    page.goto(f"/training/quizzes/{quiz.pk}/")
    page.get_by_label("所在工会").select_option(label=union.name)
    page.get_by_role("button", name="开始答题").click()
    timer = page.get_by_test_id("timer")
    assert "分" in timer.inner_text()
    for question in page.get_by_test_id("question").all():
        question.get_by_label("书面").check()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    page.wait_for_url("**/result/")
    assert page.get_by_test_id("score").inner_text() == str(quiz.max_score)
    assert page.get_by_test_id("explanation").first.is_visible()
    assert "第十条" in page.get_by_test_id("explanation").first.inner_text()
    assert page.get_by_test_id("rank").inner_text() == "第 1 名"
    page.get_by_role("link", name="查看排行榜").click()
    assert "第 1 名" in page.get_by_test_id("my-rank").inner_text()
    assert Attempt.objects.get().status == Attempt.Status.SUBMITTED


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_staff_import_a_bank_and_see_the_row_errors_of_a_bad_file(desktop_page, tmp_path):
    page = desktop_page
    _city, xiuwu, _union = _tree()
    make_staff(xiuwu, Role.COUNTY_STAFF, username="xiuwu_staff")
    bank = BankFactory(organization=xiuwu, name="修武县安全生产题库")
    sign_in(page, "xiuwu_staff")
    page.goto("/training/console/banks/")
    page.get_by_role("link", name="修武县安全生产题库").click()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([
        ["单选", "劳动合同应当以什么形式订立？", "口头", "书面", "", "", "", "", "B", "", "易", "劳动法"],
        ["问答", "什么是工会？", "", "", "", "", "", "", "A", "", "易", ""],
        ["单选", "劳动争议仲裁时效？", "一年", "两年", "", "", "", "", "E", "", "易", ""],
    ]))
    page.get_by_label("Excel 文件").set_input_files(str(bad))
    page.get_by_role("button", name="导入").click()
    errors = page.get_by_test_id("import-errors")
    text = errors.inner_text()
    assert "第 3 行" in text and "无法识别" in text and "第 4 行" in text and "不在选项中" in text
    assert Question.objects.filter(bank=bank).count() == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(_xlsx([["判断", "发热职工可以带病上岗。", "", "", "", "", "", "", "错", "", "易", "疫情防控"]]))
    page.get_by_label("Excel 文件").set_input_files(str(good))
    page.get_by_role("button", name="导入").click()
    assert "已导入 1 道试题" in page.content()
    assert Question.objects.filter(bank=bank).count() == 1


def test_staff_fix_a_question_and_reorder_lessons_on_a_phone(page):
    from tests.training.factories import CourseFactory, LessonFactory

    _city, xiuwu, _union = _tree()
    make_staff(xiuwu, Role.COUNTY_STAFF, username="xiuwu_staff")
    question = QuestionFactory(bank=BankFactory(organization=xiuwu, name="修武县安全题库"))
    course = CourseFactory(organization=xiuwu, title="受限空间作业安全")
    for n in (1, 2):
        LessonFactory(course=course, order=n, title=f"第{n}课")
    sign_in(page, "xiuwu_staff")
    page.goto(f"/training/console/banks/{question.bank_id}/")
    page.get_by_role("link", name="编辑").first.click()
    page.get_by_label("正确答案").fill("E")
    page.get_by_role("button", name="保存").click()
    error = page.locator("#id_answer ~ .invalid-feedback, #error_1_id_answer")
    assert "不在选项中" in error.first.inner_text()
    page.get_by_label("正确答案").fill("C")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/training/console/banks/{question.bank_id}/")
    question.refresh_from_db()
    assert question.answer == [2]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"/training/console/courses/{course.pk}/")
    page.get_by_role("button", name="下移“第1课”").click()
    items = page.locator("[id^=lesson-]")
    assert "第2课" in items.nth(0).inner_text() and "第1课" in items.nth(1).inner_text()


def test_answers_survive_a_reload_and_are_handed_in(page):
    city, _xiuwu, union = _tree()
    bank = BankFactory(organization=city)
    for n in range(3):
        QuestionFactory(bank=bank, stem=f"劳动合同应当以什么形式订立？（第{n}问）", options=["口头", "书面", "短信"],
                        answer=[1])
    QuestionFactory(bank=bank, kind=Question.Kind.FILL, options=[], answer=["综合治理"],
                    stem="安全第一、预防为主、____。")
    quiz = QuizFactory(organization=city, banks=[bank], title="安全知识测验", mode="exam", question_count=4,
                       shuffle_options=False, time_limit_minutes=10)
    UserFactory(username="13900000010", real_name="钱敏")
    sign_in(page, "13900000010")
    page.goto(f"/training/quizzes/{quiz.pk}/")
    page.get_by_label("所在工会").select_option(label=union.name)
    page.get_by_role("button", name="开始答题").click()
    status = page.get_by_test_id("autosave-status")
    choice = page.get_by_test_id("question").filter(has_text="劳动合同").first
    choice.get_by_label("书面").check()
    expect(status).to_contain_text("已自动保存")
    fill = page.get_by_test_id("question").filter(has_text="预防为主")
    with page.expect_response(lambda response: "/save/" in response.url) as saved:
        fill.get_by_role("textbox").fill("综合治理")
    assert saved.value.ok
    expect(status).to_contain_text("已自动保存")
    page.reload()
    choice = page.get_by_test_id("question").filter(has_text="劳动合同").first
    assert choice.get_by_label("书面").is_checked()
    fill = page.get_by_test_id("question").filter(has_text="预防为主")
    assert fill.get_by_role("textbox").input_value() == "综合治理"
    assert "分" in page.get_by_test_id("timer").inner_text()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    page.wait_for_url("**/result/")
    attempt = Attempt.objects.get()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.correct_count == 2
    assert page.get_by_test_id("score").inner_text() == str(attempt.score)
