"""Views: public."""
from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from apps.core.pagecache import public_page

from .. import selectors, services
from ..models import Course, Lesson
from .common import _error_text, _participant_form


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

