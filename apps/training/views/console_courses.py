"""Views: console_courses."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.indicators import period_from_params
from apps.core.models import Organization
from apps.core.permissions import staff_required
from apps.core.scoping import org_scope_q

from .. import selectors, services
from ..forms import (
    CourseForm,
    LessonForm,
)
from ..models import Course, Lesson
from .common import _error_text


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

