"""Pages of the training app. Thin: load (which checks), validate a form, call one service, render."""
from __future__ import annotations

import re
from datetime import timedelta

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from apps.core.indicators import period_from_params
from apps.core.models import Organization
from apps.core.pagecache import public_page
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.registry import membership
from apps.core.scoping import can_act_for, is_staff_member, org_scope_q
from apps.core.spreadsheets import workbook_response

from . import excel, selectors, services
from .forms import (
    AchievementForm,
    BankForm,
    BankImportForm,
    CampaignForm,
    CourseForm,
    CriterionForm,
    EntryForm,
    JudgeForm,
    LessonForm,
    ParticipantOrgForm,
    QuestionForm,
    QuizForm,
    ReviewForm,
    ScoreForm,
    StageForm,
    StudioForm,
)
from .models import Attempt, Campaign, Course, Entry, Lesson, Question, Quiz


def _int(value) -> int:
    return parse_id(value) or 0


def _error_text(error: ValidationError) -> str:
    return "；".join(error.messages)


def _participant_form(request):
    """The choose-your-union form, pre-filled with the remembered union."""
    current = services.participant_organization(request.user) if request.user.is_authenticated else None
    form = ParticipantOrgForm(request.POST or None, initial={"organization": current})
    # A union member's union comes from their membership and is not chosen here.
    form.member_union = membership.union_of(request.user)
    return form, current


# --- public: overview, courses ----------------------------------------------------------------

@login_not_required
@public_page("training")
def home(request):
    now = timezone.now()
    return render(request, "training/home.html", {
        "courses": selectors.published_courses()[:6],
        "quizzes": selectors.published_quizzes().filter(closes_at__gt=now).order_by("closes_at")[:6],
        "campaigns": selectors.campaigns_public()[:4],
        "studios": selectors.studios_public()[:3],
    })


@login_not_required
@public_page("training")
def course_list(request):
    courses = selectors.published_courses()
    category = request.GET.get("category", "")
    if category in Course.Category.values:
        courses = courses.filter(category=category)
    page = Paginator(courses, 12).get_page(request.GET.get("page"))
    return render(request, "training/course_list.html", {"page_obj": page, "category": category,
                                                         "categories": Course.Category.choices})


@login_not_required
@public_page("training")
def course_detail(request, pk: int):
    course = selectors.get_course_for_user(request.user, pk)
    enrollment = selectors.enrollment_for(request.user, course)
    done = selectors.completed_lesson_ids(enrollment)
    lessons = list(course.lessons.all())
    form, current = _participant_form(request)
    return render(request, "training/course_detail.html", {
        "course": course, "lessons": lessons, "enrollment": enrollment, "done": done, "org_form": form,
        "current_org": current, "progress": round(100 * len(done) / len(lessons)) if lessons else 0,
    })


@require_POST
def course_enrol(request, pk: int):
    course = selectors.get_course_for_user(request.user, pk)
    form, current = _participant_form(request)
    organization = form.cleaned_data["organization"] if form.is_valid() else None
    try:
        services.enrollment_create(user=request.user, course=course, organization=organization)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "报名成功，开始学习吧。")
    return redirect("training:course_detail", pk=course.pk)


def lesson_detail(request, pk: int):
    lesson = _lesson_for(request.user, pk)
    enrollment = selectors.enrollment_for(request.user, lesson.course)
    if enrollment is None:
        messages.info(request, "请先报名学习本课程。")
        return redirect("training:course_detail", pk=lesson.course_id)
    lessons = list(lesson.course.lessons.all())
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    return render(request, "training/lesson_detail.html", {
        "lesson": lesson, "course": lesson.course, "enrollment": enrollment,
        "done": lesson.pk in selectors.completed_lesson_ids(enrollment),
        "previous": lessons[index - 1] if index else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
    })


def _lesson_for(user, pk: int) -> Lesson:
    lesson = Lesson.objects.select_related("course").filter(pk=pk).first()
    if lesson is None:
        raise Http404
    selectors.get_course_for_user(user, lesson.course_id)
    return lesson


@require_POST
def lesson_done(request, pk: int):
    lesson = _lesson_for(request.user, pk)
    try:
        enrollment = services.lesson_complete(user=request.user, lesson=lesson)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("training:course_detail", pk=lesson.course_id)
    if enrollment.certificate_no and request.POST.get("ajax") != "1":
        messages.success(request, "恭喜您完成全部课时，已获得结业证书。")
        return redirect("training:certificate", number=enrollment.certificate_no)
    if request.POST.get("ajax") == "1":
        return HttpResponse(status=204)
    next_lesson = lesson.course.lessons.filter(order__gt=lesson.order).first()
    return redirect("training:lesson_detail", pk=next_lesson.pk) if next_lesson else redirect(
        "training:course_detail", pk=lesson.course_id)


def certificate(request, number: str):
    enrollment = selectors.certificate_by_number(number)
    if enrollment is None or enrollment.user_id != request.user.pk:
        raise Http404
    verify_url = request.build_absolute_uri(reverse("training:certificate_verify") + f"?no={number}")
    qr_svg = mark_safe(segno.make(verify_url, error="m").svg_inline(scale=4, title="证书验证二维码"))
    return render(request, "training/certificate.html", {"enrollment": enrollment, "verify_url": verify_url,
                                                         "qr_svg": qr_svg})


@login_not_required
def certificate_verify(request):
    number = request.GET.get("no", "").strip()
    enrollment = selectors.certificate_by_number(number) if number else None
    return render(request, "training/certificate_verify.html", {"number": number, "enrollment": enrollment})


# --- quizzes ----------------------------------------------------------------------------------

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

@login_not_required
def campaign_list(request):
    page = Paginator(selectors.campaigns_public(), 12).get_page(request.GET.get("page"))
    return render(request, "training/campaign_list.html", {"page_obj": page})


@login_not_required
def campaign_detail(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    results = []
    if campaign.status == Campaign.Status.PUBLISHED:
        # 工人先锋号: every application approved by the city is named, scored or not.
        named = Q(review_status=Entry.Review.APPROVED) if campaign.is_pioneer else Q(rank__isnull=False)
        results = (campaign.entries.filter(named).select_related("organization")
                   .order_by(F("rank").asc(nulls_last=True), "registered_at"))
    return render(request, "training/campaign_detail.html", {
        "campaign": campaign, "stages": campaign.stages.all(), "criteria": campaign.criteria.all(),
        "results": results, "entry_count": campaign.entries.count(),
    })


@login_not_required
def studio_list(request):
    studios = selectors.studios_public()
    page = Paginator(studios, 12).get_page(request.GET.get("page"))
    return render(request, "training/studio_list.html", {"page_obj": page})


@login_not_required
def studio_detail(request, pk: int):
    studio = selectors.get_studio(pk)
    return render(request, "training/studio_detail.html", {
        "studio": studio, "courses": selectors.published_courses().filter(studio=studio)})


# --- staff: courses and statistics ---------------------------------------------------------------

@staff_required(perm="training.manage_courses")
def console_courses(request):
    page = Paginator(selectors.courses_for_staff(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/courses.html", {"page_obj": page})


@staff_required(perm="training.manage_courses")
def course_edit(request, pk: int | None = None):
    course = selectors.get_course_for_staff(request.user, pk) if pk else None
    form = CourseForm(request.POST or None, request.FILES or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(actor=request.user, data=form.cleaned_data, course=course)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "课程已保存。")
            return redirect("training:console_course", pk=course.pk)
    return render(request, "training/console/form.html", {"form": form, "title": "编辑课程" if course else "新建课程",
                                                          "back": reverse("training:console_courses")})


@staff_required(perm="training.manage_courses")
def console_course(request, pk: int):
    course = selectors.get_course_for_staff(request.user, pk)
    return render(request, "training/console/course.html", {
        "course": course, "lessons": course.lessons.all(), "stats": selectors.enrollment_stats(request.user, course)})


@staff_required(perm="training.manage_courses")
def lesson_edit(request, course_pk: int, pk: int | None = None):
    course = selectors.get_course_for_staff(request.user, course_pk)
    lesson = course.lessons.filter(pk=pk).first() if pk else None
    if pk and lesson is None:
        raise Http404
    initial = {"order": course.lessons.count() + 1} if lesson is None else None
    form = LessonForm(request.POST or None, request.FILES or None, instance=lesson, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_save(actor=request.user, course=course, data=form.cleaned_data, lesson=lesson)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "课时已保存。")
            return redirect("training:console_course", pk=course.pk)
    return render(request, "training/console/form.html", {
        "form": form, "title": f"{course.title}：{'编辑课时' if lesson else '添加课时'}",
        "back": reverse("training:console_course", args=[course.pk])})


def _course_lesson(request, course_pk: int, pk: int) -> tuple[Course, Lesson]:
    course = selectors.get_course_for_staff(request.user, course_pk)
    lesson = course.lessons.filter(pk=pk).first()
    if lesson is None:
        raise Http404
    return course, lesson


@staff_required(perm="training.manage_courses")
def lesson_delete(request, course_pk: int, pk: int):
    course, lesson = _course_lesson(request, course_pk, pk)
    if request.method == "POST":
        completed = services.lesson_delete(actor=request.user, lesson=lesson)
        note = f"；{completed} 名学员因此学完全部课时，已发放结业证书" if completed else ""
        messages.success(request, f"课时“{lesson.title}”已删除{note}。")
        return redirect("training:console_course", pk=course.pk)
    return render(request, "training/console/lesson_delete.html", {
        "course": course, "lesson": lesson, "progress": selectors.lesson_progress_count(lesson)})


@staff_required(perm="training.manage_courses")
@require_POST
def lesson_move(request, course_pk: int, pk: int):
    course, lesson = _course_lesson(request, course_pk, pk)
    try:
        services.lesson_move(actor=request.user, lesson=lesson, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(reverse("training:console_course", args=[course.pk]) + f"#lesson-{lesson.pk}")



@staff_required(perm="training.view_training_stats")
def stats(request):
    start, end = period_from_params(request.GET)
    root_orgs = list(Organization.objects.filter(org_scope_q(request.user)).filter(
        Q(org_type__in=["city", "county", "industry"]) | Q(pk=getattr(request.user.organization, "pk", None)))
        .order_by("path")[:40])
    rows = []
    if root_orgs:
        values = {ind.key: ind.compute(root_orgs, start, end) for ind in selectors.INDICATORS}
        for org in root_orgs:
            rows.append({"org": org, **{key.split(".")[1]: value[org.pk] for key, value in values.items()}})
    return render(request, "training/console/stats.html", {
        "rows": rows, "start": start, "end": end, "by_org": selectors.enrollment_stats(request.user)})


# --- staff: question banks and quizzes -----------------------------------------------------------

@staff_required(perm="training.manage_quizzes")
def bank_list(request):
    page = Paginator(selectors.banks_for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/banks.html", {"page_obj": page})


@staff_required(perm="training.manage_quizzes")
def bank_create(request):
    form = BankForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.bank_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("training:bank_detail", pk=bank.pk)
    return render(request, "training/console/form.html", {"form": form, "title": "新建题库",
                                                          "back": reverse("training:bank_list")})


@staff_required(perm="training.manage_quizzes")
def bank_detail(request, pk: int):
    bank = selectors.get_bank_for_user(request.user, pk)
    form = BankImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            questions = excel.parse_workbook(form.cleaned_data["file"])
        except excel.ImportRefused as refused:
            errors = refused.errors
            messages.error(request, f"文件有 {len(errors)} 处错误，未导入任何试题。请修改后重新上传。")
        else:
            count = services.bank_import_rows(actor=request.user, bank=bank, questions=questions)
            messages.success(request, f"已导入 {count} 道试题。")
            return redirect("training:bank_detail", pk=bank.pk)
    questions = bank.questions.all()
    kind = request.GET.get("kind", "")
    if kind in Question.Kind.values:
        questions = questions.filter(kind=kind)
    page = Paginator(questions, 30).get_page(request.GET.get("page"))
    return render(request, "training/console/bank_detail.html", {
        "bank": bank, "form": form, "errors": errors, "page_obj": page, "kind": kind, "kinds": Question.Kind.choices,
        "status": 400 if errors else 200}, status=400 if errors else 200)


@staff_required(perm="training.manage_quizzes")
def question_edit(request, pk: int):
    question = selectors.get_question_for_staff(request.user, pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(excel.cells_for(question)))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, question=question, cells=form.cells())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "试题已保存。")
            return redirect("training:bank_detail", pk=question.bank_id)
    return render(request, "training/console/question_edit.html", {
        "form": form, "question": question, "bank": question.bank, "usage": services.question_usage(question)},
        status=400 if form.errors else 200)


@staff_required(perm="training.manage_quizzes")
@require_POST
def question_delete(request, pk: int):
    question = selectors.get_question_for_staff(request.user, pk)
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("training:question_edit", pk=question.pk)
    messages.success(request, "试题已删除。")
    return redirect("training:bank_detail", pk=question.bank_id)


@staff_required(perm="training.manage_quizzes")
@require_POST
def question_retire(request, pk: int):
    question = selectors.get_question_for_staff(request.user, pk)
    retired = request.POST.get("retired") == "1"
    services.question_set_retired(actor=request.user, question=question, retired=retired)
    messages.success(request, "试题已停用，今后不会再被抽到。" if retired else "试题已恢复使用。")
    return redirect("training:question_edit", pk=question.pk)


@staff_required(perm="training.manage_quizzes")
def bank_export(request, pk: int):
    bank = selectors.get_bank_for_user(request.user, pk)
    return workbook_response(excel.export_workbook(bank.questions.order_by("pk")), f"题库-{bank.name}.xlsx",
                             ascii_name=f"question-bank-{bank.pk}.xlsx")


@staff_required(perm="training.manage_quizzes")
def bank_template(request):
    return workbook_response(excel.template_workbook(), "题库导入模板.xlsx", ascii_name="question-bank-template.xlsx")


@staff_required(perm="training.manage_quizzes")
def console_quizzes(request):
    page = Paginator(selectors.quizzes_for_staff(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/quizzes.html", {"page_obj": page})


@staff_required(perm="training.manage_quizzes")
def quiz_edit(request, pk: int | None = None):
    quiz = selectors.get_quiz_for_staff(request.user, pk) if pk else None
    form = QuizForm(request.POST or None, instance=quiz, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        banks = data.pop("banks")
        try:
            quiz = services.quiz_save(actor=request.user, data=data, banks=banks, quiz=quiz)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "答题已保存。")
            return redirect("training:console_quizzes")
    return render(request, "training/console/form.html", {"form": form, "title": "编辑答题" if quiz else "新建答题",
                                                          "back": reverse("training:console_quizzes")})


# --- staff: campaigns ---------------------------------------------------------------------------

@staff_required
def console_campaigns(request):
    page = Paginator(selectors.campaigns_for_staff(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/campaigns.html", {
        "page_obj": page, "pioneer_count": selectors.pioneer_queue(request.user).count()})


@staff_required(perm="training.manage_campaigns")
def campaign_create(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "活动已创建，请添加阶段、评分标准并指派评委。")
            return redirect("training:console_campaign", pk=campaign.pk)
    return render(request, "training/console/form.html", {"form": form, "title": "新建竞赛活动",
                                                          "back": reverse("training:console_campaigns")})


@staff_required
def console_campaign(request, pk: int):
    campaign = selectors.get_campaign_for_staff(request.user, pk)
    organiser = can_act_for(request.user, campaign.organization) and request.user.has_perm(
        "training.manage_campaigns")
    stage_form = StageForm(prefix="stage", initial={"order": campaign.stages.count() + 1})
    criterion_form = CriterionForm(prefix="criterion", initial={"order": campaign.criteria.count() + 1})
    judge_form = JudgeForm(prefix="judge")
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied
        stage_form, criterion_form, judge_form = _campaign_post(request, campaign)
        if not any(f.errors for f in (stage_form, criterion_form, judge_form)):
            return redirect("training:console_campaign", pk=campaign.pk)
    entries = selectors.entries_for_staff(request.user, campaign).annotate(
        judged=Count("scores__judge", distinct=True))
    return render(request, "training/console/campaign.html", {
        "campaign": campaign, "organiser": organiser, "entries": entries, "stages": campaign.stages.all(),
        "criteria": campaign.criteria.all(), "judges": campaign.judges.all(),
        "is_judge": campaign.judges.filter(pk=request.user.pk).exists(),
        "removable": campaign.status in (Campaign.Status.DRAFT, Campaign.Status.OPEN),
        "can_register": request.user.has_perm("training.register_entries") and campaign.status == Campaign.Status.OPEN,
        "stage_form": stage_form, "criterion_form": criterion_form, "judge_form": judge_form,
        "next_status": [(s, Campaign.Status(s).label) for s in services.CAMPAIGN_TRANSITIONS[campaign.status]],
    })


def _campaign_post(request, campaign: Campaign):
    action = request.POST.get("action")
    stage_form = StageForm(request.POST if action == "stage" else None, prefix="stage")
    criterion_form = CriterionForm(request.POST if action == "criterion" else None, prefix="criterion")
    judge_form = JudgeForm(request.POST if action == "judge" else None, prefix="judge")
    parts = {"stage": stage_form, "criterion": criterion_form}
    if action in parts and parts[action].is_valid():
        form = parts[action]
        try:
            services.campaign_add_part(actor=request.user, campaign=campaign, part=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
    elif action == "judge" and judge_form.is_valid():
        judge = get_user_model().objects.filter(username=judge_form.cleaned_data["username"]).first()
        try:
            if judge is None:
                raise ValidationError("没有这个账号。")
            services.judge_assign(actor=request.user, campaign=campaign, judge=judge)
        except ValidationError as error:
            judge_form.add_error("username", error.messages)
    elif action == "remove":
        try:
            services.campaign_remove_part(actor=request.user, campaign=campaign, kind=request.POST.get("kind", ""),
                                          part_id=_int(request.POST.get("id")))
            messages.success(request, "已删除。")
        except ValidationError as error:
            messages.error(request, _error_text(error))
    elif action == "status":
        try:
            services.campaign_transition(actor=request.user, campaign=campaign, to=request.POST.get("to", ""))
            messages.success(request, "活动状态已更新。")
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return stage_form, criterion_form, judge_form


@staff_required(perm="training.register_entries")
def entry_create(request, pk: int):
    campaign = selectors.get_campaign_for_staff(request.user, pk)
    form = EntryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_register(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "报名成功。")
            return redirect("training:entry_detail", pk=entry.pk)
    return render(request, "training/console/form.html", {"form": form, "title": f"报名参加：{campaign.title}",
                                                          "back": reverse("training:console_campaign",
                                                                          args=[campaign.pk])})


REVIEW_DECISIONS = ("county_approve", "county_return", "city_approve", "city_reject", "resubmit")


@staff_required
def entry_detail(request, pk: int):
    entry = selectors.get_entry_for_staff(request.user, pk)
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        handler = {"achievement": _post_achievement, "score": _post_score}.get(action)
        if action in REVIEW_DECISIONS:
            handler = _post_review
        if handler is None:
            raise PermissionDenied
        outcome = handler(request, entry, action)
        if not isinstance(outcome, dict):
            return outcome
        forms = outcome
    return _entry_page(request, entry, **forms)


def _entry_roles(request, entry: Entry) -> tuple[bool, bool]:
    campaign = entry.campaign
    is_judge = campaign.status == Campaign.Status.JUDGING and campaign.judges.filter(pk=request.user.pk).exists()
    can_submit = campaign.status in (Campaign.Status.OPEN, Campaign.Status.JUDGING) and can_act_for(
        request.user, entry.organization)
    return is_judge, can_submit


def _entry_page(request, entry: Entry, achievement_form=None, score_form=None):
    campaign = entry.campaign
    is_judge, can_submit = _entry_roles(request, entry)
    if score_form is None:
        mine = {s.criterion_id: s for s in entry.scores.filter(judge=request.user)}
        initial = {f"c{k}": v.value for k, v in mine.items()}
        if mine:
            initial["comment"] = next(iter(mine.values())).comment
        score_form = ScoreForm(criteria=campaign.criteria.all(), initial=initial, prefix="s")
    return render(request, "training/console/entry.html", {
        "entry": entry, "campaign": campaign, "achievements": entry.achievements.select_related("stage"),
        "is_judge": is_judge, "can_submit": can_submit, "review_form": ReviewForm(),
        "achievement_form": achievement_form or AchievementForm(campaign=campaign, prefix="a"),
        "score_form": score_form, "review_actions": _review_actions(request.user, entry),
    })


def _post_achievement(request, entry: Entry, action: str):
    if not _entry_roles(request, entry)[1]:
        raise PermissionDenied
    form = AchievementForm(request.POST, request.FILES, campaign=entry.campaign, prefix="a")
    if form.is_valid():
        try:
            services.achievement_submit(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "成果已提交。")
            return redirect("training:entry_detail", pk=entry.pk)
    return {"achievement_form": form}


def _post_score(request, entry: Entry, action: str):
    if not _entry_roles(request, entry)[0]:
        raise PermissionDenied
    form = ScoreForm(request.POST, criteria=entry.campaign.criteria.all(), prefix="s")
    if form.is_valid():
        try:
            services.scores_record(judge=request.user, entry=entry, values=form.values(),
                                   comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "评分已保存。")
            return redirect("training:console_campaign", pk=entry.campaign_id)
    return {"score_form": form}


def _post_review(request, entry: Entry, action: str):
    review = ReviewForm(request.POST)
    review.is_valid()
    try:
        services.pioneer_review(actor=request.user, entry=entry, decision=action,
                                note=review.cleaned_data.get("note", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "审核意见已提交。")
    return redirect("training:entry_detail", pk=entry.pk)


def _review_actions(user, entry: Entry) -> list[tuple[str, str]]:
    labels = {"county_approve": "县级审核通过", "county_return": "退回修改", "city_approve": "市总审核通过",
              "city_reject": "不予通过", "resubmit": "重新提交"}
    actions = []
    for (status, decision), (_target, level) in services.PIONEER_TRANSITIONS.items():
        if status == entry.review_status and services.pioneer_step_allowed(user, entry, level):
            actions.append((decision, labels[decision]))
    return actions


@staff_required(perm="training.review_pioneer")
def pioneer_queue(request):
    page = Paginator(selectors.pioneer_queue(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/pioneer_queue.html", {"page_obj": page})


@staff_required(perm="training.manage_quizzes")
def quiz_results(request, pk: int):
    quiz = selectors.get_quiz_for_staff(request.user, pk)
    page = Paginator(selectors.person_leaderboard(quiz), 50).get_page(request.GET.get("page"))
    return render(request, "training/leaderboard.html", {
        "quiz": quiz, "visible": True, "page_obj": page, "org_rows": selectors.organization_leaderboard(quiz),
        "mine": None, "my_rank": None, "offset": page.start_index() - 1, "staff_view": True,
        "is_staff": is_staff_member(request.user)})


@staff_required(perm="training.manage_courses")
def console_studios(request):
    page = Paginator(selectors.studios_for_staff(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "training/console/studios.html", {"page_obj": page})


@staff_required(perm="training.manage_courses")
def studio_edit(request, pk: int | None = None):
    studio = selectors.get_studio_for_staff(request.user, pk) if pk else None
    form = StudioForm(request.POST or None, instance=studio, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.studio_save(actor=request.user, data=form.cleaned_data, studio=studio)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "工作室信息已保存。")
            return redirect("training:console_studios")
    return render(request, "training/console/form.html", {
        "form": form, "title": "编辑创新工作室" if studio else "登记创新工作室",
        "back": reverse("training:console_studios")})
