"""Services: courses."""
from __future__ import annotations

import secrets

import nh3
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Organization

from ..models import (
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
)
from .common import ARTICLE_TAGS, _require_org
from .participants import _participant_org


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

