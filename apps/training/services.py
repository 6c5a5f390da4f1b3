"""Writes of the training app: courses, quizzes and attempts, campaigns. Keyword-only, atomic, audited."""
from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.registry import membership
from apps.core.scoping import can_act_for, is_staff_member

from .grading import is_correct
from .models import (
    Achievement,
    Attempt,
    Campaign,
    Course,
    Criterion,
    Enrollment,
    Entry,
    Lesson,
    LessonProgress,
    ParticipantProfile,
    Question,
    QuestionBank,
    Quiz,
    QuizResult,
    Score,
    Stage,
    Studio,
    WrongAnswer,
)

# A browser's auto-submit at zero arrives a moment late; this much network latency is forgiven.
SUBMIT_GRACE_SECONDS = 5
PARTICIPANT_ORG_TYPES = (Organization.Type.GRASSROOTS, Organization.Type.COUNTY, Organization.Type.INDUSTRY)

ARTICLE_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "a", "img"}


def _require_org(actor, organization: Organization) -> None:
    if not can_act_for(actor, organization):
        raise PermissionDenied("只能操作本组织及下级组织的事项。")


# --- participants -----------------------------------------------------------------------------

def participant_organization(user) -> Organization | None:
    """A member trains for their union (asked of the membership app through core); others for the
    union they chose, kept on their ParticipantProfile."""
    union = membership.union_of(user)
    if union is not None:
        return union
    profile = ParticipantProfile.objects.select_related("organization").filter(user=user).first()
    return profile.organization if profile else None


@transaction.atomic
def participant_set_organization(*, user, organization: Organization) -> ParticipantProfile:
    """Remember the union a worker trains and competes for."""
    if organization is None or organization.org_type not in PARTICIPANT_ORG_TYPES or not organization.is_active:
        raise ValidationError({"organization": "请选择所在的基层工会或县（市、区）总工会。"})
    profile, _ = ParticipantProfile.objects.update_or_create(user=user, defaults={"organization": organization})
    return profile


def _participant_org(user, organization: Organization | None) -> Organization:
    union = membership.union_of(user)
    if union is not None:
        # A member's union is known: the choice on the form does not apply to them.
        return union
    if organization is not None:
        participant_set_organization(user=user, organization=organization)
        return organization
    found = participant_organization(user)
    if found is None:
        raise ValidationError({"organization": "请先选择您所在的工会。"})
    return found


# --- courses ----------------------------------------------------------------------------------

def clean_article(html: str) -> str:
    return nh3.clean(html, tags=ARTICLE_TAGS)


@transaction.atomic
def course_save(*, actor, data: dict, course: Course | None = None) -> Course:
    """Create or change a course owned by an organisation in the actor's subtree."""
    _require_org(actor, data["organization"])
    creating = course is None
    if creating:
        course = Course(created_by=actor)
    else:
        course = Course.objects.select_for_update().get(pk=course.pk)
        _require_org(actor, course.organization)
    for key in ("title", "category", "audience", "description", "organization", "studio", "is_published"):
        if key in data:
            setattr(course, key, data[key])
    if data.get("cover"):
        course.cover = data["cover"]
    course.full_clean()
    course.save()
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.course.{'created' if creating else 'updated'}", target=course,
                 after={"title": course.title, "published": course.is_published})
    return course


@transaction.atomic
def lesson_save(*, actor, course: Course, data: dict, lesson: Lesson | None = None) -> Lesson:
    """Add or change a lesson; a video lesson needs a video, a document lesson a document."""
    _require_org(actor, course.organization)
    lesson = lesson or Lesson(course=course)
    for key in ("order", "title", "kind", "minutes"):
        if key in data:
            setattr(lesson, key, data[key])
    if "body" in data:
        lesson.body = clean_article(data["body"] or "")
    if data.get("video"):
        lesson.video = data["video"]
    if data.get("document"):
        lesson.document = data["document"]
    if lesson.kind == Lesson.Kind.VIDEO and not lesson.video:
        raise ValidationError({"video": "视频课时请上传视频文件。"})
    if lesson.kind == Lesson.Kind.DOCUMENT and not lesson.document:
        raise ValidationError({"document": "文档课时请上传文档。"})
    if lesson.kind == Lesson.Kind.ARTICLE and not lesson.body.strip():
        raise ValidationError({"body": "图文课时请填写正文。"})
    lesson.full_clean()
    lesson.save()
    # Keep orders 1..n: the saved lesson takes the place asked for, the others close up around it.
    siblings = list(Lesson.objects.select_for_update().filter(course=course))
    siblings.sort(key=lambda item: (item.order, item.pk != lesson.pk, item.pk))
    _renumber_lessons(siblings)
    lesson.order = next(item.order for item in siblings if item.pk == lesson.pk)
    pagecache.bump("training")
    audit_record(actor=actor, action="training.lesson.saved", target=lesson, after={"course": course.pk})
    return lesson


def _renumber_lessons(lessons: list[Lesson]) -> None:
    for position, lesson in enumerate(lessons, start=1):
        lesson.order = position
    Lesson.objects.bulk_update(lessons, ["order"])


def _complete_if_done(enrollment: Enrollment, total: int, done: int, actor) -> bool:
    if enrollment.completed_at is not None or total == 0 or done < total:
        return False
    enrollment.completed_at = timezone.now()
    enrollment.certificate_no = _certificate_number()
    enrollment.save(update_fields=["completed_at", "certificate_no"])
    audit_record(actor=actor, action="training.enrollment.completed", target=enrollment,
                 after={"certificate_no": enrollment.certificate_no})
    return True


@transaction.atomic
def lesson_delete(*, actor, lesson: Lesson) -> int:
    """Remove a lesson; learners who had done every other lesson complete the course now. Returns how many."""
    course = Course.objects.select_for_update().select_related("organization").get(pk=lesson.course_id)
    _require_org(actor, course.organization)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk, course=course)
    progress = LessonProgress.objects.filter(lesson=lesson).count()
    pagecache.bump("training")
    audit_record(actor=actor, action="training.lesson.deleted", target=course,
                 before={"lesson": lesson.pk, "title": lesson.title, "order": lesson.order, "progress": progress},
                 organization=course.organization)
    lesson.delete()
    remaining = list(Lesson.objects.select_for_update().filter(course=course).order_by("order", "id"))
    _renumber_lessons(remaining)
    total = len(remaining)
    completed = 0
    if total:
        # Counted first, locked after: PostgreSQL refuses FOR UPDATE together with GROUP BY.
        finished_ids = list(Enrollment.objects.filter(course=course, completed_at__isnull=True)
                            .annotate(done=models.Count("progress")).filter(done__gte=total)
                            .values_list("pk", flat=True))
        for enrollment in Enrollment.objects.select_for_update().filter(pk__in=finished_ids):
            completed += _complete_if_done(enrollment, total, total, actor)
    return completed


@transaction.atomic
def lesson_move(*, actor, lesson: Lesson, direction: str) -> Lesson:
    """Move a lesson one place up or down; orders are renumbered 1..n on the way."""
    if direction not in ("up", "down"):
        raise ValidationError("移动方向无效。")
    course = Course.objects.select_for_update().select_related("organization").get(pk=lesson.course_id)
    _require_org(actor, course.organization)
    lessons = list(Lesson.objects.select_for_update().filter(course=course).order_by("order", "id"))
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
    if index is None:
        raise ValidationError("课时不属于本课程。")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(lessons):
        raise ValidationError("已经是第一课时。" if direction == "up" else "已经是最后一课时。")
    before = lessons[index].order
    lessons[index], lessons[other] = lessons[other], lessons[index]
    _renumber_lessons(lessons)
    moved = lessons[other]
    pagecache.bump("training")
    audit_record(actor=actor, action="training.lesson.moved", target=moved, before={"order": before},
                 after={"order": moved.order}, organization=course.organization)
    return moved


@transaction.atomic
def enrollment_create(*, user, course: Course, organization: Organization | None = None) -> Enrollment:
    """Enrol a worker in a published course; enrolling twice returns the first enrolment."""
    if not course.is_published:
        raise ValidationError("课程尚未发布。")
    org = _participant_org(user, organization)
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course, organization=org)
    except IntegrityError:
        return Enrollment.objects.get(user=user, course=course)


def _certificate_number() -> str:
    return f"JZGH{timezone.localdate():%Y}{secrets.token_hex(5).upper()}"


@transaction.atomic
def lesson_complete(*, user, lesson: Lesson) -> Enrollment:
    """Mark a lesson done; the last one completes the course and issues the certificate number."""
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course_id=lesson.course_id).first()
    if enrollment is None:
        raise ValidationError("请先报名学习本课程。")
    LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if enrollment.completed_at is None:
        total = Lesson.objects.filter(course_id=lesson.course_id).count()
        done = LessonProgress.objects.filter(enrollment=enrollment).count()
        _complete_if_done(enrollment, total, done, user)
    return enrollment


# --- question banks ---------------------------------------------------------------------------

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
    from .excel import QuestionProblems, _question_from

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

CAMPAIGN_TRANSITIONS = {
    Campaign.Status.DRAFT: {Campaign.Status.OPEN},
    Campaign.Status.OPEN: {Campaign.Status.JUDGING},
    Campaign.Status.JUDGING: {Campaign.Status.PUBLISHED},
    Campaign.Status.PUBLISHED: set(),
}

# 工人先锋号: the district reviews first, then the city.
PIONEER_TRANSITIONS = {
    ("submitted", "county_approve"): ("county_approved", "county"),
    ("submitted", "county_return"): ("returned", "county"),
    ("returned", "resubmit"): ("submitted", "applicant"),
    ("county_approved", "city_approve"): ("approved", "city"),
    ("county_approved", "city_reject"): ("rejected", "city"),
}


@transaction.atomic
def campaign_transition(*, actor, campaign: Campaign, to: str) -> Campaign:
    """Move a campaign along draft → open → judging → published; publishing ranks the entries."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_org(actor, campaign.organization)
    if to not in CAMPAIGN_TRANSITIONS[campaign.status]:
        raise ValidationError(f"活动当前为“{campaign.get_status_display()}”，不能改为该状态。")
    before = campaign.status
    campaign.status = to
    fields = ["status"]
    if to == Campaign.Status.PUBLISHED:
        _rank_entries(campaign)
        campaign.results_published_at = timezone.now()
        fields.append("results_published_at")
    campaign.save(update_fields=fields)
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.campaign.{to}", target=campaign, before={"status": before},
                 after={"status": to})
    return campaign


@transaction.atomic
def campaign_create(*, actor, data: dict) -> Campaign:
    """A union in the actor's subtree organises a competition or campaign (it starts as a draft)."""
    _require_org(actor, data["organization"])
    campaign = Campaign(**data, status=Campaign.Status.DRAFT)
    campaign.full_clean()
    campaign.save()
    pagecache.bump("training")
    audit_record(actor=actor, action="training.campaign.created", target=campaign)
    return campaign


@transaction.atomic
def campaign_add_part(*, actor, campaign: Campaign, part) -> None:
    """Add a stage or a scoring criterion; criteria are fixed once judging starts."""
    _require_org(actor, campaign.organization)
    if campaign.status == Campaign.Status.PUBLISHED:
        raise ValidationError("结果已公布，不能再修改活动的阶段和评分标准。")
    if isinstance(part, Criterion) and campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.OPEN):
        raise ValidationError("评审开始后不能再修改评分标准。")
    part.campaign = campaign
    part.full_clean()
    part.save()
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.campaign.{part._meta.model_name}_added", target=campaign,
                 after={"name": part.name})


@transaction.atomic
def campaign_remove_part(*, actor, campaign: Campaign, kind: str, part_id: int) -> None:
    """Remove a stage, a criterion or a judge before judging starts; never once scores exist for it."""
    campaign = Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)
    _require_org(actor, campaign.organization)
    before_judging = campaign.status in (Campaign.Status.DRAFT, Campaign.Status.OPEN)
    if kind == "stage":
        part = Stage.objects.filter(campaign=campaign, pk=part_id).first()
        if part is None:
            raise ValidationError("该阶段不存在或已删除。")
        if not before_judging:
            raise ValidationError("评审开始后不能再删除阶段。")
        if Achievement.objects.filter(stage=part).exists():
            raise ValidationError(f"已有参赛成果归入“{part.name}”阶段，不能删除。")
        label = part.name
    elif kind == "criterion":
        part = Criterion.objects.filter(campaign=campaign, pk=part_id).first()
        if part is None:
            raise ValidationError("该评分项不存在或已删除。")
        if Score.objects.filter(criterion=part).exists():
            raise ValidationError(f"评委已按“{part.name}”打分，不能删除该评分项。")
        if not before_judging:
            raise ValidationError("评审开始后不能再修改评分标准。")
        label = part.name
    elif kind == "judge":
        part = campaign.judges.filter(pk=part_id).first()
        if part is None:
            raise ValidationError("该评委不在本活动中。")
        if Score.objects.filter(entry__campaign=campaign, judge=part).exists():
            raise ValidationError(f"评委 {part.get_full_name() or part.username} 已经打分，不能移除。")
        if campaign.status == Campaign.Status.PUBLISHED:
            raise ValidationError("结果已公布，不能再调整评委。")
        label = part.get_full_name() or part.username
    else:
        raise ValidationError("无法删除该项。")
    if kind == "judge":
        campaign.judges.remove(part)
    else:
        part.delete()
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.campaign.{kind}_removed", target=campaign,
                 before={"id": part_id, "name": label}, organization=campaign.organization)


def _rank_entries(campaign: Campaign) -> None:
    entries = list(campaign.entries.select_for_update())
    if campaign.is_pioneer:
        entries = [e for e in entries if e.review_status == Entry.Review.APPROVED]
    totals: dict[int, dict[int, Decimal]] = {}
    for entry_id, judge_id, value in Score.objects.filter(entry__campaign=campaign).values_list(
            "entry_id", "judge_id", "value"):
        totals.setdefault(entry_id, {}).setdefault(judge_id, Decimal(0))
        totals[entry_id][judge_id] += value
    for entry in entries:
        by_judge = totals.get(entry.pk, {})
        entry.final_score = (sum(by_judge.values()) / len(by_judge)).quantize(Decimal("0.01")) if by_judge else None
    ranked = sorted((e for e in entries if e.final_score is not None), key=lambda e: (-e.final_score, e.registered_at))
    for position, entry in enumerate(ranked, start=1):
        entry.rank = position
    Entry.objects.bulk_update(entries, ["final_score", "rank"])


@transaction.atomic
def entry_register(*, actor, campaign: Campaign, organization: Organization, kind: str, name: str,
                   members: str = "") -> Entry:
    """A union registers a team or an individual for an open campaign."""
    if not actor.has_perm("training.register_entries"):
        raise PermissionDenied("没有组织报名的权限。")
    _require_org(actor, organization)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.OPEN or timezone.localdate() > campaign.registration_closes:
        raise ValidationError("活动不在报名期内。")
    if kind == Entry.Kind.TEAM and not campaign.allow_teams or kind == Entry.Kind.INDIVIDUAL and not \
            campaign.allow_individuals:
        raise ValidationError({"kind": "本活动不接受这种参赛形式。"})
    if Entry.objects.filter(campaign=campaign, organization=organization, name=name.strip()).exists():
        raise ValidationError({"name": "本单位已用这个名称报过名。"})
    entry = Entry(campaign=campaign, organization=organization, kind=kind, name=name.strip(), members=members,
                  registered_by=actor,
                  review_status=Entry.Review.SUBMITTED if campaign.is_pioneer else Entry.Review.NONE)
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="training.entry.registered", target=entry, organization=organization)
    return entry


@transaction.atomic
def achievement_submit(*, actor, entry: Entry, text: str, stage=None, photo=None, attachment=None) -> Achievement:
    _require_org(actor, entry.organization)
    entry.campaign = Campaign.objects.get(pk=entry.campaign_id)
    if entry.campaign.status not in (Campaign.Status.OPEN, Campaign.Status.JUDGING):
        raise ValidationError("活动已结束，不能再提交成果。")
    if stage is not None and stage.campaign_id != entry.campaign_id:
        raise ValidationError({"stage": "阶段不属于本活动。"})
    achievement = Achievement(entry=entry, text=text, stage=stage, submitted_by=actor)
    if photo:
        achievement.photo = photo
    if attachment:
        achievement.attachment = attachment
    achievement.full_clean()
    achievement.save()
    audit_record(actor=actor, action="training.achievement.submitted", target=entry, organization=entry.organization)
    return achievement


@transaction.atomic
def judge_assign(*, actor, campaign: Campaign, judge) -> None:
    _require_org(actor, campaign.organization)
    if not is_staff_member(judge):
        raise ValidationError("评委须为工会工作人员账号。")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.PUBLISHED:
        raise ValidationError("结果已公布，不能再指派评委。")
    if campaign.judges.filter(pk=judge.pk).exists():
        return
    campaign.judges.add(judge)
    audit_record(actor=actor, action="training.campaign.judge_assigned", target=campaign,
                 after={"judge": judge.pk}, organization=campaign.organization)
    from django.urls import reverse

    from apps.notifications.services import notify

    notify(recipients=[judge], title=f"您已被指派为“{campaign.title}”的评委",
           body=f"主办单位：{campaign.organization}。评审开始后请登录工作台为参赛报名打分。",
           link=reverse("training:console_campaign", args=[campaign.pk]),
           key=uuid.uuid5(uuid.NAMESPACE_URL, f"training-judge-{campaign.pk}-{judge.pk}"))


@transaction.atomic
def scores_record(*, judge, entry: Entry, values: dict[int, Decimal], comment: str = "") -> list[Score]:
    """A judge scores one entry on every criterion (re-scoring replaces the judge's own scores)."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    campaign = Campaign.objects.get(pk=entry.campaign_id)
    if not campaign.judges.filter(pk=judge.pk).exists():
        raise PermissionDenied("您不是本活动的评委。")
    if campaign.status != Campaign.Status.JUDGING:
        raise ValidationError("活动不在评审阶段。")
    if campaign.is_pioneer and entry.review_status != Entry.Review.APPROVED:
        raise ValidationError("该申报尚未通过审核。")
    criteria = {c.pk: c for c in campaign.criteria.all()}
    if set(values) != set(criteria):
        raise ValidationError("请为每一项评分标准打分。")
    saved = []
    for criterion_id, value in values.items():
        criterion = criteria[criterion_id]
        if value is None or value < 0 or value > criterion.max_score:
            raise ValidationError(f"“{criterion.name}”的分数应在 0 到 {criterion.max_score} 之间。")
        score, _ = Score.objects.update_or_create(entry=entry, judge=judge, criterion=criterion,
                                                  defaults={"value": value, "comment": comment})
        saved.append(score)
    audit_record(actor=judge, action="training.entry.scored", target=entry,
                 after={str(k): str(v) for k, v in values.items()})
    return saved


def pioneer_step_allowed(actor, entry: Entry, level: str) -> bool:
    if level == "applicant":
        return can_act_for(actor, entry.organization)
    if not actor.has_perm("training.review_pioneer"):
        return False
    if level == "county":
        county = entry.organization.county
        return county is not None and can_act_for(actor, county) and (
            actor.is_superuser or actor.organization.org_type in (Organization.Type.COUNTY, Organization.Type.INDUSTRY))
    return actor.is_superuser or (actor.organization is not None
                                  and actor.organization.org_type == Organization.Type.CITY)


@transaction.atomic
def pioneer_review(*, actor, entry: Entry, decision: str, note: str = "") -> Entry:
    """One step of the 工人先锋号 review: the district first, then the city."""
    entry = Entry.objects.select_for_update().select_related("organization", "campaign").get(pk=entry.pk)
    step = PIONEER_TRANSITIONS.get((entry.review_status, decision))
    if step is None:
        raise ValidationError(f"申报当前为“{entry.get_review_status_display()}”，不能执行该操作。")
    target, level = step
    if not pioneer_step_allowed(actor, entry, level):
        who = {"county": "县（市、区）总工会", "city": "市总工会", "applicant": "申报单位"}[level]
        raise PermissionDenied(f"这一步应由{who}办理。")
    if decision in ("county_return", "city_reject") and not note.strip():
        raise ValidationError({"note": "退回或不通过时请填写意见。"})
    before = entry.review_status
    entry.review_status = target
    entry.review_note = note.strip()
    entry.save(update_fields=["review_status", "review_note"])
    audit_record(actor=actor, action=f"training.pioneer.{decision}", target=entry, before={"status": before},
                 after={"status": target, "note": entry.review_note}, organization=entry.organization)
    recipients = [entry.registered_by_id] if entry.registered_by_id else []
    if recipients:
        from apps.notifications.services import notify

        notify(recipients=recipients, title=f"工人先锋号申报“{entry.name}”：{entry.get_review_status_display()}",
               body=entry.review_note,
               key=uuid.uuid5(uuid.NAMESPACE_URL, f"training-pioneer-{entry.pk}-{target}-{before}"))
    return entry



@transaction.atomic
def studio_save(*, actor, data: dict, studio: Studio | None = None) -> Studio:
    """Create or change an innovation studio listed by a union in the actor's subtree."""
    _require_org(actor, data["organization"])
    creating = studio is None
    if not creating:
        studio = Studio.objects.select_for_update().get(pk=studio.pk)
        _require_org(actor, studio.organization)
    studio = studio or Studio()
    for key, value in data.items():
        setattr(studio, key, value)
    studio.full_clean()
    studio.save()
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.studio.{'created' if creating else 'updated'}", target=studio)
    return studio
