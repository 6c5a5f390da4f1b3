"""Services: attempts."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Organization

from ..grading import is_correct
from ..models import (
    Attempt,
    Question,
    Quiz,
    QuizResult,
    WrongAnswer,
)
from .common import SUBMIT_GRACE_SECONDS
from .participants import _participant_org
from .questions import _question_pool


def clean_answer(question: Question, raw, position: int):
    """Turn posted values into a stored answer, or refuse them clearly."""
    values = raw if isinstance(raw, list) else [raw]
    values = [v for v in values if v not in (None, "")]
    if len(values) > 20 or any("\x00" in str(v) for v in values):
        raise ValidationError(f"第 {position} 题的答案无效。")
    if question.kind == Question.Kind.FILL:
        text = str(values[0]).strip() if values else ""
        if len(text) > 200:
            raise ValidationError(f"第 {position} 题的答案过长。")
        return text
    try:
        indices = sorted({int(v) for v in values})
    except (TypeError, ValueError):
        raise ValidationError(f"第 {position} 题的答案无效。") from None
    if any(i < 0 or i >= len(question.options) for i in indices):
        raise ValidationError(f"第 {position} 题的答案不在选项中。")
    if question.kind == Question.Kind.MULTIPLE:
        return indices
    if len(indices) > 1:
        raise ValidationError(f"第 {position} 题只能选一个答案。")
    return indices[0] if indices else ""


def _expire_running(*, quiz: Quiz, user, now) -> None:
    overdue = (Attempt.objects.select_for_update()
               .filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS,
                       deadline__lt=now - timedelta(seconds=SUBMIT_GRACE_SECONDS)))
    for attempt in overdue:
        _finish(attempt, answers=attempt.answers, status=Attempt.Status.EXPIRED, now=attempt.deadline)


@transaction.atomic
def attempt_start(*, user, quiz: Quiz, organization: Organization | None = None, now=None) -> Attempt:
    """Start an attempt: the questions and the option order are fixed now; the server keeps the clock."""
    now = now or timezone.now()
    if not quiz.is_published or not (quiz.opens_at <= now < quiz.closes_at):
        raise ValidationError("不在答题开放时间内。")
    org = _participant_org(user, organization)
    # Serialise this person's starts on this quiz (the unique constraint backs it up).
    _lock_participant(user)
    _expire_running(quiz=quiz, user=user, now=now)
    running = Attempt.objects.filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS).first()
    if running is not None:
        raise ValidationError("您已有一次正在进行的答题，请先完成它。")
    used = Attempt.objects.filter(quiz=quiz, user=user).count()
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise ValidationError(f"本次答题最多可答 {quiz.max_attempts} 次，您已用完。")
    if quiz.selection == Quiz.Selection.FIXED and quiz.fixed_question_ids:
        chosen = list(quiz.fixed_question_ids)
    else:
        pool = list(_question_pool(quiz).values_list("pk", flat=True))
        if len(pool) < quiz.question_count:
            raise ValidationError("题库题目不足，请联系主办单位。")
        chosen = random.sample(pool, quiz.question_count)
    shapes = {pk: (options, kind) for pk, options, kind in
              Question.objects.filter(pk__in=chosen).values_list("pk", "options", "kind")}
    items = []
    for pk in chosen:
        options, kind = shapes.get(pk, ([], ""))
        order = list(range(len(options or [])))
        # 正确 / 错误 keep their usual order; other options are shuffled when the quiz says so.
        if quiz.shuffle_options and kind != Question.Kind.TRUE_FALSE:
            random.shuffle(order)
        items.append({"q": pk, "o": order})
    limit = timedelta(minutes=quiz.time_limit_minutes)
    deadline = min(now + limit, quiz.closes_at) if not quiz.is_practice else now + limit
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz, user=user, organization=org, number=used + 1, started_at=now, deadline=deadline,
                items=items, max_score=len(items) * quiz.points_per_question,
            )
    except IntegrityError:
        raise ValidationError("您已有一次正在进行的答题，请先完成它。") from None
    return attempt


def _lock_participant(user) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _check_open(attempt: Attempt, now) -> None:
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ValidationError("本次答题已经结束，不能再提交答案。", code="closed")
    if now > attempt.deadline + timedelta(seconds=SUBMIT_GRACE_SECONDS):
        raise ValidationError("答题时间已到，超时提交的答案不被接受。", code="closed")


def _clean_answers(attempt: Attempt, answers: dict, questions: dict[int, Question]) -> dict[str, object]:
    positions = {item["q"]: index for index, item in enumerate(attempt.items, start=1)}
    cleaned: dict[str, object] = {}
    for raw_id, raw in answers.items():
        try:
            question_id = int(raw_id)
        except (TypeError, ValueError):
            raise ValidationError("提交了不在本次答题中的题目。") from None
        if question_id not in positions:
            raise ValidationError("提交了不在本次答题中的题目。")
        cleaned[str(question_id)] = clean_answer(questions[question_id], raw, positions[question_id])
    return cleaned


@dataclass
class Feedback:
    correct: bool | None  # None: saved, verdict withheld until the hand-in
    question: Question
    answer: object


@transaction.atomic
def attempt_answer(*, user, attempt: Attempt, question_id: int, answer, now=None) -> Feedback:
    """Save one answer while the attempt runs; practice mode answers at once whether it was right."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk, user=user)
    _check_open(attempt, now)
    if question_id not in attempt.question_ids:
        raise ValidationError("提交了不在本次答题中的题目。")
    question = Question.objects.get(pk=question_id)
    cleaned = _clean_answers(attempt, {question_id: answer}, {question_id: question})
    if attempt.quiz.is_practice and str(question_id) in attempt.answers:
        # Practice feedback is given once; a changed answer after seeing it would not count.
        stored = attempt.answers[str(question_id)]
        return Feedback(correct=is_correct(question, stored), question=question, answer=stored)
    attempt.answers = {**attempt.answers, **cleaned}
    attempt.save(update_fields=["answers"])
    value = cleaned[str(question_id)]
    if not attempt.quiz.is_practice:
        # Outside practice the verdict waits for the hand-in.
        return Feedback(correct=None, question=question, answer=value)
    correct = is_correct(question, value)
    _record_wrong(user, {question_id: (question, value)} if not correct else {}, now,
                  mastered=[question_id] if correct else [])
    return Feedback(correct=correct, question=question, answer=value)


@transaction.atomic
def attempt_save(*, user, attempt: Attempt, answers: dict, now=None) -> Attempt:
    """Keep the answers given so far while an exam or contest runs, so a reload loses nothing; no verdict."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk, user=user)
    _check_open(attempt, now)
    if attempt.quiz.is_practice:
        raise ValidationError("练兵模式请逐题点“提交本题”。")
    cleaned = _clean_answers(attempt, answers, Question.objects.in_bulk(attempt.question_ids))
    if cleaned:
        attempt.answers = {**attempt.answers, **cleaned}
        attempt.save(update_fields=["answers"])
    return attempt


@transaction.atomic
def attempt_submit(*, user, attempt: Attempt, answers: dict, now=None) -> Attempt:
    """Hand in: late or foreign answers are refused and nothing is saved; otherwise grade and rank."""
    now = now or timezone.now()
    attempt = (Attempt.objects.select_for_update(of=("self",))
               .select_related("quiz", "user", "organization__parent").get(pk=attempt.pk, user=user))
    _check_open(attempt, now)
    return _finish(attempt, answers={**attempt.answers, **_clean_answers(
        attempt, answers, Question.objects.in_bulk(attempt.question_ids))}, status=Attempt.Status.SUBMITTED,
        now=now)


@transaction.atomic
def attempt_expire(*, attempt_id: int, now=None) -> Attempt | None:
    """Close an attempt whose time ran out, grading the answers saved before the limit."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("quiz").filter(pk=attempt_id).first()
    if attempt is None or attempt.status != Attempt.Status.IN_PROGRESS:
        return attempt
    if now <= attempt.deadline + timedelta(seconds=SUBMIT_GRACE_SECONDS):
        return attempt
    return _finish(attempt, answers=attempt.answers, status=Attempt.Status.EXPIRED, now=attempt.deadline)


def _finish(attempt: Attempt, *, answers: dict, status: str, now) -> Attempt:
    quiz = attempt.quiz
    questions = Question.objects.in_bulk(attempt.question_ids)
    wrong: dict[int, tuple[Question, object]] = {}
    correct_ids: list[int] = []
    marking: dict[str, dict] = {}
    for question_id in attempt.question_ids:
        question = questions.get(question_id)
        if question is None:
            continue
        given = answers.get(str(question_id))
        ok = is_correct(question, given)
        marking[str(question_id)] = {"key": list(question.answer), "ok": ok}
        if ok:
            correct_ids.append(question_id)
        elif given not in (None, "", []):
            wrong[question_id] = (question, given)
    attempt.answers = answers
    attempt.marking = marking
    attempt.status = status
    attempt.submitted_at = now
    attempt.correct_count = len(correct_ids)
    attempt.score = len(correct_ids) * quiz.points_per_question
    attempt.duration_seconds = max(int((now - attempt.started_at).total_seconds()), 0)
    attempt.save(update_fields=["answers", "marking", "status", "submitted_at", "correct_count", "score",
                                "duration_seconds"])
    if not quiz.is_practice:
        _record_wrong(attempt.user_id, wrong, now, mastered=[])
    _update_result(attempt)
    audit_record(actor=attempt.user if status == Attempt.Status.SUBMITTED else None,
                 action=f"training.attempt.{status}", target=attempt,
                 after={"score": attempt.score, "correct": attempt.correct_count}, organization=attempt.organization)
    return attempt


def _record_wrong(user, wrong: dict[int, tuple[Question, object]], now, *, mastered: list[int]) -> None:
    user_id = getattr(user, "pk", user)
    if mastered:
        WrongAnswer.objects.filter(user_id=user_id, question_id__in=mastered).update(mastered_at=now)
    if not wrong:
        return
    existing = {row.question_id: row for row in WrongAnswer.objects.filter(user_id=user_id, question_id__in=wrong)}
    new_rows, changed = [], []
    for question_id, (_question, given) in wrong.items():
        row = existing.get(question_id)
        if row is None:
            new_rows.append(WrongAnswer(user_id=user_id, question_id=question_id, last_wrong_at=now,
                                        last_answer=given))
        else:
            row.times_wrong += 1
            row.last_wrong_at, row.last_answer, row.mastered_at = now, given, None
            changed.append(row)
    if new_rows:
        WrongAnswer.objects.bulk_create(new_rows, ignore_conflicts=True)
    if changed:
        WrongAnswer.objects.bulk_update(changed, ["times_wrong", "last_wrong_at", "last_answer", "mastered_at"])


def _update_result(attempt: Attempt) -> None:
    quiz = attempt.quiz
    result = QuizResult.objects.select_for_update().filter(quiz=quiz, user_id=attempt.user_id).first()
    county = attempt.organization.county if attempt.organization_id else None
    if result is None:
        QuizResult.objects.create(quiz=quiz, user_id=attempt.user_id, organization_id=attempt.organization_id,
                                  county=county, attempt=attempt, score=attempt.score,
                                  duration_seconds=attempt.duration_seconds, submitted_at=attempt.submitted_at,
                                  attempts_used=attempt.number)
        return
    better = (attempt.score, -attempt.duration_seconds) > (result.score, -result.duration_seconds)
    if quiz.grading == Quiz.Grading.LAST or better:
        result.attempt = attempt
        result.score = attempt.score
        result.duration_seconds = attempt.duration_seconds
        result.submitted_at = attempt.submitted_at
        result.organization_id = attempt.organization_id
        result.county = county
    result.attempts_used = max(result.attempts_used, attempt.number)
    result.save()


@transaction.atomic
def wrong_answer_retry(*, user, question_id: int, answer) -> Feedback:
    """Practise a question from one's wrong-answer book; a right answer marks it mastered."""
    row = WrongAnswer.objects.select_for_update().select_related("question").filter(
        user=user, question_id=question_id).first()
    if row is None:
        raise ValidationError("错题本中没有这道题。")
    value = clean_answer(row.question, answer, 1)
    correct = is_correct(row.question, value)
    now = timezone.now()
    if correct:
        row.mastered_at = now
    else:
        row.times_wrong += 1
        row.last_wrong_at, row.last_answer = now, value
    row.save(update_fields=["mastered_at", "times_wrong", "last_wrong_at", "last_answer"])
    return Feedback(correct=correct, question=row.question, answer=value)


def expire_overdue(*, now=None) -> int:
    now = now or timezone.now()
    ids = list(Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS,
                                      deadline__lt=now - timedelta(seconds=SUBMIT_GRACE_SECONDS))
               .values_list("pk", flat=True)[:1000])
    for attempt_id in ids:
        attempt_expire(attempt_id=attempt_id, now=now)
    return len(ids)


@transaction.atomic
def leaderboard_announce(*, quiz_id: int, now=None) -> bool:
    """Tell everyone who took part in a closed contest that the final leaderboard is out, exactly once."""
    now = now or timezone.now()
    quiz = Quiz.objects.select_for_update().filter(pk=quiz_id).first()
    if (quiz is None or not quiz.is_contest or not quiz.is_published or quiz.leaderboard_announced_at
            or quiz.closes_at > now):
        return False
    quiz.leaderboard_announced_at = now
    quiz.save(update_fields=["leaderboard_announced_at"])
    participants = list(QuizResult.objects.filter(quiz=quiz).values_list("user_id", flat=True))
    if participants:
        from django.urls import reverse

        from apps.notifications.services import notify

        notify(recipients=participants, title=f"“{quiz.title}”排行榜已公布",
               body="答题竞赛已结束，个人和单位排行榜已公布，点击查看您的名次。",
               link=reverse("training:leaderboard", args=[quiz.pk]),
               key=uuid.uuid5(uuid.NAMESPACE_URL, f"training-leaderboard-{quiz.pk}"))
    pagecache.bump("training")
    audit_record(actor=None, action="training.quiz.leaderboard_announced", target=quiz,
                 after={"participants": len(participants)}, organization=quiz.organization)
    return True


def announce_closed_leaderboards(*, now=None) -> int:
    """The periodic sweep: announce every published contest that has closed and was not announced yet."""
    now = now or timezone.now()
    ids = list(Quiz.objects.filter(mode=Quiz.Mode.CONTEST, is_published=True, closes_at__lte=now,
                                   leaderboard_announced_at__isnull=True).values_list("pk", flat=True)[:200])
    return sum(leaderboard_announce(quiz_id=quiz_id, now=now) for quiz_id in ids)


# --- campaigns --------------------------------------------------------------------------------

