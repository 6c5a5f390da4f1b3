"""Services: questions."""
from __future__ import annotations

import random

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Organization

from ..models import (
    Attempt,
    Question,
    QuestionBank,
    Quiz,
    WrongAnswer,
)
from .common import _require_org


@transaction.atomic
def bank_create(*, actor, name: str, organization: Organization, description: str = "") -> QuestionBank:
    _require_org(actor, organization)
    bank = QuestionBank(name=name, organization=organization, description=description, created_by=actor)
    bank.full_clean()
    bank.save()
    audit_record(actor=actor, action="training.bank.created", target=bank)
    return bank


def normalize_tags(raw: str) -> str:
    for separator in "，、;；| ":
        raw = raw.replace(separator, ",")
    tags = [tag.strip() for tag in raw.split(",") if tag.strip()]
    unique = list(dict.fromkeys(tags))
    return f",{','.join(unique)}," if unique else ""


@transaction.atomic
def bank_import_rows(*, actor, bank: QuestionBank, questions: list[Question]) -> int:
    """Add parsed questions to a bank, all or nothing (the parser has already refused bad files)."""
    _require_org(actor, bank.organization)
    for question in questions:
        question.bank = bank
    Question.objects.bulk_create(questions, batch_size=500)
    audit_record(actor=actor, action="training.bank.imported", target=bank, after={"count": len(questions)})
    return len(questions)


def _question_snapshot(question: Question) -> dict:
    return {"kind": question.kind, "stem": question.stem, "options": question.options, "answer": question.answer,
            "explanation": question.explanation, "difficulty": question.difficulty, "tags": question.tags}


@transaction.atomic
def question_update(*, actor, question: Question, cells: dict[str, str]) -> Question:
    """Change one question; it is checked exactly like an imported row (the answer must be among the options...)."""
    from ..excel import QuestionProblems, _question_from

    question = Question.objects.select_for_update().select_related("bank__organization").get(pk=question.pk)
    _require_org(actor, question.bank.organization)
    try:
        parsed = _question_from(cells)
    except QuestionProblems as problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems.problems:
            errors.setdefault(field, []).append(f"{message}。")
        raise ValidationError(errors) from None
    reshaped = parsed.kind != question.kind or len(parsed.options) != len(question.options)
    if reshaped and question_usage(question):
        # Attempts keep the option order by index: a used question may change wording, not its shape.
        raise ValidationError({"kind" if parsed.kind != question.kind else "options": [
            "这道题已被答题使用，不能更改题型或选项个数（可修改文字、答案和解析）。如需大改，请停用此题后新建一道。"]})
    before = _question_snapshot(question)
    for key in ("kind", "stem", "options", "answer", "explanation", "difficulty", "tags"):
        setattr(question, key, getattr(parsed, key))
    question.full_clean(exclude=["bank"])
    question.save(update_fields=["kind", "stem", "options", "answer", "explanation", "difficulty", "tags"])
    audit_record(actor=actor, action="training.question.updated", target=question, before=before,
                 after=_question_snapshot(question), organization=question.bank.organization)
    return question


def question_usage(question: Question) -> int:
    """How many attempts drew this question, plus quizzes that fixed it as one of their questions."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    # ``items`` is [{"q": id, "o": [...]}, ...]; both backends print it as '"q": <id>' followed by ',' or '}'.
    pattern = rf'"q": ?{question.pk}[,}}]'
    attempts = (Attempt.objects.annotate(items_text=Cast("items", TextField()))
                .filter(items_text__regex=pattern).count())
    fixed = sum(1 for ids in Quiz.objects.exclude(fixed_question_ids=[]).values_list("fixed_question_ids", flat=True)
                if question.pk in (ids or []))
    return attempts + fixed


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    """Delete a question that no attempt or fixed quiz has used; a used one can only be retired."""
    question = Question.objects.select_for_update().select_related("bank__organization").get(pk=question.pk)
    _require_org(actor, question.bank.organization)
    if question_usage(question) or WrongAnswer.objects.filter(question=question).exists():
        raise ValidationError("这道题已被答题使用过，删除会影响历史成绩和错题本，不能删除。"
                              "可以改为“停用”：停用后不再被抽到，历史记录保持不变。")
    snapshot = _question_snapshot(question)
    audit_record(actor=actor, action="training.question.deleted", target=question.bank, before=snapshot,
                 organization=question.bank.organization)
    question.delete()


@transaction.atomic
def question_set_retired(*, actor, question: Question, retired: bool) -> Question:
    """Retire a question (no quiz draws it from now on) or bring it back."""
    question = Question.objects.select_for_update().select_related("bank__organization").get(pk=question.pk)
    _require_org(actor, question.bank.organization)
    if question.is_retired == retired:
        return question
    question.is_retired = retired
    question.save(update_fields=["is_retired"])
    audit_record(actor=actor, action=f"training.question.{'retired' if retired else 'restored'}", target=question,
                 before={"retired": not retired}, after={"retired": retired}, organization=question.bank.organization)
    return question


# --- quizzes ----------------------------------------------------------------------------------

def _question_pool(quiz: Quiz):
    pool = Question.objects.filter(bank__in=quiz.banks.all(), is_retired=False)
    if quiz.tag:
        pool = pool.filter(tags__contains=f",{quiz.tag},")
    if quiz.difficulty:
        pool = pool.filter(difficulty=quiz.difficulty)
    return pool


@transaction.atomic
def quiz_save(*, actor, data: dict, banks, quiz: Quiz | None = None) -> Quiz:
    """Create or change a quiz; the banks must hold enough matching questions."""
    _require_org(actor, data["organization"])
    creating = quiz is None
    quiz = quiz or Quiz(created_by=actor)
    fields = ("title", "description", "mode", "organization", "tag", "difficulty", "question_count", "selection",
              "shuffle_options", "points_per_question", "opens_at", "closes_at", "time_limit_minutes",
              "max_attempts", "grading", "show_answers", "leaderboard_publication", "is_published")
    for key in fields:
        if key in data:
            setattr(quiz, key, data[key])
    if quiz.closes_at <= quiz.opens_at:
        raise ValidationError({"closes_at": "结束时间必须晚于开始时间。"})
    if quiz.is_practice:
        quiz.max_attempts = 0
    elif quiz.max_attempts < 1:
        raise ValidationError({"max_attempts": "可答次数至少为 1 次。"})
    quiz.full_clean()
    quiz.save()
    quiz.banks.set(banks)
    pool = list(_question_pool(quiz).values_list("pk", flat=True))
    if len(pool) < quiz.question_count:
        raise ValidationError({"question_count": f"所选题库中符合条件的题目只有 {len(pool)} 道，少于抽题数量。"})
    keep = (len(quiz.fixed_question_ids) == quiz.question_count and set(quiz.fixed_question_ids) <= set(pool))
    if quiz.selection == Quiz.Selection.FIXED and not keep:
        # Drawn once; re-saving the quiz keeps the same questions while they still fit.
        quiz.fixed_question_ids = random.sample(pool, quiz.question_count)
        quiz.save(update_fields=["fixed_question_ids"])
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.quiz.{'created' if creating else 'updated'}", target=quiz,
                 after={"mode": quiz.mode, "questions": quiz.question_count})
    return quiz


