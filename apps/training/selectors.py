"""Reads of the training app, scoped to the person asking, and the indicators for the report workbench."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.models import Enterprise, Organization
from apps.core.scoping import is_staff_member, org_scope_q

from .grading import is_correct
from .models import (
    Attempt,
    Campaign,
    Course,
    Enrollment,
    Entry,
    LessonProgress,
    Question,
    QuestionBank,
    Quiz,
    QuizResult,
    Studio,
    WrongAnswer,
)


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- public reads -----------------------------------------------------------------------------

def published_courses() -> QuerySet[Course]:
    return (Course.objects.filter(is_published=True).select_related("organization", "studio")
            .annotate(lesson_count=Count("lessons", distinct=True)).order_by("-created_at", "-id"))


def get_course_for_user(user, pk: int) -> Course:
    """Published courses for everyone; unpublished ones only for staff of the owning subtree."""
    visible = Q(is_published=True) | org_scope_q(user, "organization")
    return _get(Course.objects.filter(visible).select_related("organization", "studio"), pk)


def get_course_for_staff(user, pk: int) -> Course:
    return _get(Course.objects.filter(org_scope_q(user, "organization")).select_related("organization"), pk)


def courses_for_staff(user) -> QuerySet[Course]:
    return (Course.objects.filter(org_scope_q(user, "organization")).select_related("organization")
            .annotate(lesson_count=Count("lessons", distinct=True),
                      enrolled=Count("enrollments", distinct=True)).order_by("-created_at", "-id"))


def enrollment_for(user, course: Course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def completed_lesson_ids(enrollment: Enrollment | None) -> set[int]:
    if enrollment is None:
        return set()
    return set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))


def lesson_progress_count(lesson) -> int:
    return LessonProgress.objects.filter(lesson=lesson).count()


def my_enrollments(user) -> QuerySet[Enrollment]:
    return (Enrollment.objects.filter(user=user).select_related("course")
            .annotate(done=Count("progress", distinct=True), total=Count("course__lessons", distinct=True)))


def certificate_by_number(number: str) -> Enrollment | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    return (Enrollment.objects.filter(certificate_no=number, completed_at__isnull=False)
            .select_related("user", "course", "course__organization").first())


def published_quizzes() -> QuerySet[Quiz]:
    return Quiz.objects.filter(is_published=True).select_related("organization").order_by("-opens_at", "-id")


def get_quiz_for_user(user, pk: int) -> Quiz:
    visible = Q(is_published=True) | org_scope_q(user, "organization")
    return _get(Quiz.objects.filter(visible).select_related("organization"), pk)


def get_attempt_for_user(user, pk: int) -> Attempt:
    """A worker's own attempt; nobody else's."""
    if not user.is_authenticated:
        raise Http404
    return _get(Attempt.objects.filter(user=user).select_related("quiz", "organization"), pk)


def attempt_questions(attempt: Attempt) -> list[dict]:
    """The questions of an attempt in their fixed order, options in their fixed display order.

    A handed-in attempt is marked against the key stored at the hand-in (``Attempt.marking``), so the
    marks agree with the stored score even after staff correct a question.
    """
    questions = Question.objects.in_bulk(attempt.question_ids)
    marking = attempt.marking or {}
    rows = []
    for position, item in enumerate(attempt.items, start=1):
        question = questions.get(item["q"])
        if question is None:
            continue
        given = attempt.answers.get(str(question.pk))
        given_list = given if isinstance(given, list) else ([given] if given not in (None, "") else [])
        mark = marking.get(str(question.pk))
        key = list(mark["key"]) if mark else list(question.answer)
        correct = bool(mark["ok"]) if mark else is_correct(question, given)
        options = []
        for n, index in enumerate(item["o"]):
            state = "right" if index in key else ("wrong" if index in given_list else "")
            options.append((index, "ABCDEFGH"[n], question.options[index], state))
        rows.append({
            "position": position,
            "question": question,
            "options": options,
            "given": given,
            "given_list": given_list,
            "letters": correct_letters(question, item["o"], key=key),
            "correct": correct,
        })
    return rows


def correct_letters(question: Question, order: list[int], *, key: list | None = None) -> str:
    """The correct answer as the person saw it (display letters, or the accepted texts)."""
    key = list(question.answer) if key is None else key
    if question.kind == Question.Kind.FILL:
        return " / ".join(str(text) for text in key)
    shown = {index: "ABCDEFGH"[n] for n, index in enumerate(order)}
    return "".join(sorted(shown[i] for i in key if i in shown))


def running_attempt(user, quiz: Quiz) -> Attempt | None:
    if not user.is_authenticated:
        return None
    return Attempt.objects.filter(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS).first()


def my_attempts(user, quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user, quiz=quiz).order_by("-number")


def leaderboard_visible(quiz: Quiz, user) -> bool:
    if quiz.leaderboard_publication == Quiz.Publication.LIVE or timezone.now() >= quiz.closes_at:
        return True
    return is_staff_member(user) and Quiz.objects.filter(org_scope_q(user, "organization"), pk=quiz.pk).exists()


def person_leaderboard(quiz: Quiz) -> QuerySet[QuizResult]:
    return (QuizResult.objects.filter(quiz=quiz).select_related("user", "organization")
            .order_by("-score", "duration_seconds", "submitted_at", "pk"))


def person_rank(result: QuizResult) -> int:
    ahead = QuizResult.objects.filter(quiz_id=result.quiz_id).filter(
        Q(score__gt=result.score)
        | Q(score=result.score, duration_seconds__lt=result.duration_seconds)
        | Q(score=result.score, duration_seconds=result.duration_seconds, submitted_at__lt=result.submitted_at)
    ).count()
    return ahead + 1


def organization_leaderboard(quiz: Quiz) -> list[dict]:
    """Counties and industry unions: participants, average score and participation rate (two queries)."""
    rows = list(QuizResult.objects.filter(quiz=quiz, county__isnull=False).values("county_id", "county__name",
                                                                                     "county__path")
                .annotate(participants=Count("pk"), average=Avg("score"), total_seconds=Sum("duration_seconds")))
    if not rows:
        return []
    aggregates = {}
    for row in rows:
        in_subtree = Q(district__path__startswith=row["county__path"]) | Q(union__path__startswith=row["county__path"])
        aggregates[f"o{row['county_id']}"] = Sum("employee_count", filter=in_subtree)
    employees = Enterprise.objects.verified().aggregate(**aggregates)
    for row in rows:
        headcount = employees.get(f"o{row['county_id']}") or 0
        row["employees"] = headcount
        row["rate"] = round(100 * row["participants"] / headcount, 1) if headcount else None
        row["average"] = round(row["average"] or 0, 1)
    rows.sort(key=lambda r: (-r["average"], r["total_seconds"] / r["participants"]))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
    return rows


def my_result(user, quiz: Quiz) -> QuizResult | None:
    if not user.is_authenticated:
        return None
    return QuizResult.objects.filter(quiz=quiz, user=user).first()


def wrong_answers(user) -> QuerySet[WrongAnswer]:
    return (WrongAnswer.objects.filter(user=user, mastered_at__isnull=True).select_related("question")
            .order_by("-last_wrong_at"))


# --- staff reads ------------------------------------------------------------------------------

def banks_for_user(user) -> QuerySet[QuestionBank]:
    return (QuestionBank.objects.filter(org_scope_q(user, "organization")).select_related("organization")
            .annotate(question_count=Count("questions")).order_by("name"))


def get_bank_for_user(user, pk: int) -> QuestionBank:
    return _get(QuestionBank.objects.filter(org_scope_q(user, "organization")).select_related("organization"), pk)


def get_question_for_staff(user, pk: int) -> Question:
    return _get(Question.objects.filter(org_scope_q(user, "bank__organization")).select_related(
        "bank__organization"), pk)


def quizzes_for_staff(user) -> QuerySet[Quiz]:
    return (Quiz.objects.filter(org_scope_q(user, "organization")).select_related("organization")
            .annotate(participants=Count("results", distinct=True)).order_by("-opens_at", "-id"))


def get_quiz_for_staff(user, pk: int) -> Quiz:
    return _get(Quiz.objects.filter(org_scope_q(user, "organization")).select_related("organization"), pk)


def enrollment_stats(user, course: Course | None = None) -> list[dict]:
    """Enrolments and completions per participant organisation in the user's subtree (one query)."""
    rows = Enrollment.objects.filter(org_scope_q(user, "organization"))
    if course is not None:
        rows = rows.filter(course=course)
    return list(rows.values("organization__name", "organization__path").annotate(
        enrolled=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
        .order_by("organization__path"))


def campaigns_public() -> QuerySet[Campaign]:
    return (Campaign.objects.exclude(status=Campaign.Status.DRAFT).select_related("organization")
            .annotate(entry_count=Count("entries")).order_by("-created_at", "-id"))


def get_campaign_for_user(user, pk: int) -> Campaign:
    visible = ~Q(status=Campaign.Status.DRAFT) | org_scope_q(user, "organization")
    return _get(Campaign.objects.filter(visible).select_related("organization"), pk)


def campaigns_for_staff(user) -> QuerySet[Campaign]:
    return (Campaign.objects.filter(org_scope_q(user, "organization") | Q(judges=user)
                                    | ~Q(status=Campaign.Status.DRAFT))
            .distinct().select_related("organization").annotate(entry_count=Count("entries", distinct=True))
            .order_by("-created_at", "-id"))


def get_campaign_for_staff(user, pk: int) -> Campaign:
    """Organisers, judges, and (for open campaigns) any union staff who may register entries."""
    return _get(campaigns_for_staff(user), pk)


def entries_for_staff(user, campaign: Campaign) -> QuerySet[Entry]:
    """Organisers and judges see every entry; other union staff their own subtree's."""
    entries = campaign.entries.select_related("organization").prefetch_related("achievements")
    organiser = Campaign.objects.filter(org_scope_q(user, "organization"), pk=campaign.pk).exists()
    if organiser or campaign.judges.filter(pk=user.pk).exists():
        return entries
    # Reviewers of 工人先锋号 see the applications of their own subtree.
    return entries.filter(org_scope_q(user, "organization"))


def get_entry_for_staff(user, pk: int) -> Entry:
    entry = _get(Entry.objects.select_related("campaign", "organization", "campaign__organization"), pk)
    if not entries_for_staff(user, entry.campaign).filter(pk=entry.pk).exists():
        raise Http404
    return entry


def pioneer_queue(user) -> QuerySet[Entry]:
    """工人先锋号 applications waiting for this reviewer's level."""
    if not user.has_perm("training.review_pioneer"):
        return Entry.objects.none()
    entries = Entry.objects.filter(campaign__kind=Campaign.Kind.PIONEER).select_related("organization", "campaign")
    org = user.organization
    if user.is_superuser and org is None:
        return entries.filter(review_status__in=[Entry.Review.SUBMITTED, Entry.Review.COUNTY_APPROVED])
    if org is None:
        return Entry.objects.none()
    if org.org_type == Organization.Type.CITY:
        return entries.filter(review_status=Entry.Review.COUNTY_APPROVED)
    if org.org_type in (Organization.Type.COUNTY, Organization.Type.INDUSTRY):
        return entries.filter(org_scope_q(user, "organization"), review_status=Entry.Review.SUBMITTED)
    return Entry.objects.none()


def studios_public() -> QuerySet[Studio]:
    return (Studio.objects.filter(is_published=True).select_related("enterprise", "organization")
            .annotate(course_count=Count("courses", filter=Q(courses__is_published=True))).order_by("name"))


def studios_for_staff(user) -> QuerySet[Studio]:
    return (Studio.objects.filter(org_scope_q(user, "organization")).select_related("organization", "enterprise")
            .annotate(course_count=Count("courses")).order_by("name"))


def get_studio_for_staff(user, pk: int) -> Studio:
    return _get(Studio.objects.filter(org_scope_q(user, "organization")), pk)


def get_studio(pk: int) -> Studio:
    return _get(Studio.objects.filter(is_published=True).select_related("enterprise", "organization"), pk)


# --- indicators -------------------------------------------------------------------------------

def _enrollments(organizations: Sequence[Organization], start: date, end: date):
    since, until = period_bounds(start, end)
    return subtree_totals(Enrollment.objects.filter(enrolled_at__gte=since, enrolled_at__lt=until),
                          org_field="organization", organizations=organizations)


def _completions(organizations, start, end):
    since, until = period_bounds(start, end)
    return subtree_totals(Enrollment.objects.filter(completed_at__gte=since, completed_at__lt=until),
                          org_field="organization", organizations=organizations)


def _submitted(start, end):
    since, until = period_bounds(start, end)
    return Attempt.objects.filter(submitted_at__gte=since, submitted_at__lt=until).exclude(
        status=Attempt.Status.IN_PROGRESS)


def _quiz_participants(organizations, start, end):
    return subtree_totals(_submitted(start, end), org_field="organization", organizations=organizations,
                          distinct="user")


def _quiz_average(organizations, start, end):
    """Mean of the attempts' percentages: a subtree's sum over its count, both from subtree_totals."""
    scored = _submitted(start, end).filter(max_score__gt=0).annotate(
        percent=Cast(F("score"), FloatField()) * 100.0 / Cast(F("max_score"), FloatField()))
    sums = subtree_totals(scored, org_field="organization", organizations=organizations, value="percent")
    counts = subtree_totals(scored, org_field="organization", organizations=organizations)
    return {pk: round(sums[pk] / counts[pk], 1) if counts.get(pk) else 0 for pk in sums}


def _entries(organizations, start, end):
    since, until = period_bounds(start, end)
    return subtree_totals(Entry.objects.filter(registered_at__gte=since, registered_at__lt=until),
                          org_field="organization", organizations=organizations)


def _stats_link(org, start, end) -> str:
    return reverse("training:stats") + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"


def _entries_link(org, start, end) -> str:
    return reverse("training:console_campaigns")


INDICATORS = [
    Indicator(key="training.enrollments", label="在线培训报名人次", unit="人次", compute=_enrollments,
              link=_stats_link),
    Indicator(key="training.completions", label="完成课程学习人次", unit="人次", compute=_completions,
              link=_stats_link),
    Indicator(key="training.quiz_participants", label="网络答题参与人数", unit="人", compute=_quiz_participants,
              link=_stats_link),
    Indicator(key="training.quiz_average_score", label="网络答题平均得分率", unit="%", compute=_quiz_average,
              link=_stats_link, description="交卷答题的得分占满分百分比的平均值"),
    Indicator(key="training.competition_entries", label="劳动和技能竞赛报名数", unit="个", compute=_entries,
              link=_entries_link),
]
