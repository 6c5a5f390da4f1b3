"""Views: quizzes."""
from __future__ import annotations

import re
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..models import Attempt, Quiz
from .common import _error_text, _participant_form


@login_not_required
def quiz_list(request):
    quizzes = selectors.published_quizzes().annotate(participants=Count("results"))
    mode = request.GET.get("mode", "")
    if mode in Quiz.Mode.values:
        quizzes = quizzes.filter(mode=mode)
    page = Paginator(quizzes, 12).get_page(request.GET.get("page"))
    return render(request, "training/quiz_list.html", {"page_obj": page, "mode": mode, "modes": Quiz.Mode.choices,
                                                       "now": timezone.now()})


@login_not_required
def quiz_detail(request, pk: int):
    quiz = selectors.get_quiz_for_user(request.user, pk)
    form, current = _participant_form(request)
    attempts = list(selectors.my_attempts(request.user, quiz)) if request.user.is_authenticated else []
    now = timezone.now()
    return render(request, "training/quiz_detail.html", {
        "quiz": quiz, "org_form": form, "current_org": current, "attempts": attempts,
        "running": next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None),
        "is_open": quiz.is_published and quiz.opens_at <= now < quiz.closes_at,
        "attempts_left": (quiz.max_attempts - len(attempts)) if quiz.max_attempts else None,
        "result": selectors.my_result(request.user, quiz),
    })


@require_POST
def quiz_start(request, pk: int):
    quiz = selectors.get_quiz_for_user(request.user, pk)
    form, current = _participant_form(request)
    organization = form.cleaned_data["organization"] if form.is_valid() else None
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz, organization=organization)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("training:quiz_detail", pk=quiz.pk)
    return redirect("training:attempt_take", pk=attempt.pk)


def attempt_take(request, pk: int):
    attempt = selectors.get_attempt_for_user(request.user, pk)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("training:attempt_result", pk=attempt.pk)
    remaining = int((attempt.deadline - timezone.now()).total_seconds())
    if remaining < -services.SUBMIT_GRACE_SECONDS:
        services.attempt_expire(attempt_id=attempt.pk)
        messages.warning(request, "答题时间已到，系统已按时限前保存的答案收卷。")
        return redirect("training:attempt_result", pk=attempt.pk)
    return render(request, "training/attempt_take.html", {
        "attempt": attempt, "quiz": attempt.quiz, "rows": selectors.attempt_questions(attempt),
        "remaining": max(remaining, 0),
        "remaining_text": f"{max(remaining, 0) // 60} 分 {max(remaining, 0) % 60:02d} 秒",
    })


ANSWER_FIELD = re.compile(r"q([0-9]{1,10})")


def _posted_answers(request, attempt: Attempt) -> dict:
    """Answers posted as q<question id>; a field that only looks like one (q², q1x) is refused."""
    answers = {}
    for key in request.POST:
        if not key.startswith("q"):
            continue
        match = ANSWER_FIELD.fullmatch(key)
        if match is None:
            raise ValidationError("提交了不在本次答题中的题目。")
        answers[int(match.group(1))] = request.POST.getlist(key)
    return answers


def _seconds_left(attempt: Attempt) -> int:
    return max(int((attempt.deadline - timezone.now()).total_seconds()), 0)


@require_POST
def attempt_save(request, pk: int):
    """Autosave from the quiz page (static/js/training.js): the worker's own running attempt only."""
    attempt = selectors.get_attempt_for_user(request.user, pk)
    try:
        attempt = services.attempt_save(user=request.user, attempt=attempt,
                                        answers=_posted_answers(request, attempt))
    except ValidationError as error:
        status = 409 if getattr(error, "code", None) == "closed" else 400
        return JsonResponse({"saved": False, "error": _error_text(error)}, status=status)
    return JsonResponse({"saved": True, "remaining": _seconds_left(attempt),
                         "saved_at": timezone.localtime().strftime("%H:%M:%S")})


@require_POST
def attempt_answer(request, pk: int):
    attempt = selectors.get_attempt_for_user(request.user, pk)
    try:
        answers = _posted_answers(request, attempt)
        if len(answers) != 1:
            raise ValidationError("请作答后再提交本题。")
        question_id, value = next(iter(answers.items()))
        feedback = services.attempt_answer(user=request.user, attempt=attempt, question_id=question_id,
                                           answer=value)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("training:attempt_take", pk=attempt.pk)
    if feedback.correct is None:
        messages.info(request, "答案已保存。")
    elif feedback.correct:
        messages.success(request, "回答正确！")
    else:
        messages.warning(request, "回答错误，已记入错题本。")
    return redirect(reverse("training:attempt_take", args=[attempt.pk]) + f"#q{feedback.question.pk}")


@require_POST
def attempt_submit(request, pk: int):
    attempt = selectors.get_attempt_for_user(request.user, pk)
    try:
        services.attempt_submit(user=request.user, attempt=attempt, answers=_posted_answers(request, attempt))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        if attempt.status == Attempt.Status.IN_PROGRESS and timezone.now() > attempt.deadline + timedelta(
                seconds=services.SUBMIT_GRACE_SECONDS):
            services.attempt_expire(attempt_id=attempt.pk)
            return redirect("training:attempt_result", pk=attempt.pk)
        return redirect("training:attempt_take", pk=attempt.pk)
    messages.success(request, "交卷成功。")
    return redirect("training:attempt_result", pk=attempt.pk)


def attempt_result(request, pk: int):
    attempt = selectors.get_attempt_for_user(request.user, pk)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect("training:attempt_take", pk=attempt.pk)
    quiz = attempt.quiz
    result = selectors.my_result(request.user, quiz)
    show_rank = quiz.is_contest and result is not None and selectors.leaderboard_visible(quiz, request.user)
    return render(request, "training/attempt_result.html", {
        "attempt": attempt, "quiz": quiz, "result": result,
        "rows": selectors.attempt_questions(attempt) if quiz.show_answers or quiz.is_practice else [],
        "rank": selectors.person_rank(result) if show_rank else None,
    })


@login_not_required
def leaderboard(request, pk: int):
    quiz = selectors.get_quiz_for_user(request.user, pk)
    if not quiz.is_contest:
        raise Http404
    visible = selectors.leaderboard_visible(quiz, request.user)
    page = Paginator(selectors.person_leaderboard(quiz), 50).get_page(request.GET.get("page")) if visible else None
    mine = selectors.my_result(request.user, quiz) if visible else None
    return render(request, "training/leaderboard.html", {
        "quiz": quiz, "visible": visible, "page_obj": page,
        "org_rows": selectors.organization_leaderboard(quiz) if visible else [],
        "mine": mine, "my_rank": selectors.person_rank(mine) if mine else None,
        "offset": (page.start_index() - 1) if page else 0,
    })


def wrong_answer_list(request):
    page = Paginator(selectors.wrong_answers(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "training/wrong_answers.html", {"page_obj": page, "feedback": None})


def wrong_answer_retry(request, question_id: int):
    row = selectors.wrong_answers(request.user).filter(question_id=question_id).first()
    if row is None:
        raise Http404
    feedback = None
    if request.method == "POST":
        try:
            feedback = services.wrong_answer_retry(user=request.user, question_id=question_id,
                                                   answer=request.POST.getlist("answer"))
        except ValidationError as error:
            messages.error(request, _error_text(error))
    question = row.question
    options = [(index, "ABCDEFGH"[index], text) for index, text in enumerate(question.options)]
    return render(request, "training/wrong_retry.html", {
        "row": row, "question": question, "options": options, "feedback": feedback,
        "correct": selectors.correct_letters(question, list(range(len(question.options))))})


def my_training(request):
    return render(request, "training/my_training.html", {
        "enrollments": selectors.my_enrollments(request.user),
        "attempts": Attempt.objects.filter(user=request.user).select_related("quiz")[:30],
        "wrong_count": selectors.wrong_answers(request.user).count(),
    })


# --- campaigns and studios (public) -------------------------------------------------------------

