from __future__ import annotations

import pytest

from apps.training.models import Question

from .factories import BankFactory, CourseFactory, LessonFactory, QuestionFactory, QuizFactory


@pytest.fixture
def bank(org_tree):
    return BankFactory(organization=org_tree.city)


@pytest.fixture
def questions(bank):
    """Ten single-choice, two multiple, two true/false, two fill-in questions."""
    rows = [QuestionFactory(bank=bank) for _ in range(10)]
    rows += [QuestionFactory(bank=bank, kind=Question.Kind.MULTIPLE, options=["先通风", "再检测", "后作业", "单人进入"],
                             answer=[0, 1, 2], tags=",安全生产,") for _ in range(2)]
    rows += [QuestionFactory(bank=bank, kind=Question.Kind.TRUE_FALSE, options=["正确", "错误"], answer=[1],
                             stem="发热职工可以带病上岗。", tags=",疫情防控,") for _ in range(2)]
    rows += [QuestionFactory(bank=bank, kind=Question.Kind.FILL, options=[], answer=["综合治理"],
                             stem="安全第一、预防为主、____。", tags=",安全生产,", difficulty=2) for _ in range(2)]
    return rows


@pytest.fixture
def quiz(org_tree, bank, questions):
    return QuizFactory(organization=org_tree.city, banks=[bank])


@pytest.fixture
def course(org_tree):
    course = CourseFactory(organization=org_tree.city)
    LessonFactory(course=course, order=1)
    LessonFactory(course=course, order=2)
    return course


def right_answers(attempt) -> dict:
    """Every question of the attempt answered correctly, as a form would post them."""
    questions = Question.objects.in_bulk(attempt.question_ids)
    answers = {}
    for pk in attempt.question_ids:
        question = questions[pk]
        if question.kind == Question.Kind.FILL:
            answers[pk] = [question.answer[0]]
        else:
            answers[pk] = [str(i) for i in question.answer]
    return answers


def wrong_answers(attempt) -> dict:
    questions = Question.objects.in_bulk(attempt.question_ids)
    answers = {}
    for pk in attempt.question_ids:
        question = questions[pk]
        if question.kind == Question.Kind.FILL:
            answers[pk] = ["不知道"]
        elif question.kind == Question.Kind.MULTIPLE:
            answers[pk] = [str(question.answer[0])]
        else:
            answers[pk] = [str((question.answer[0] + 1) % len(question.options))]
    return answers
