"""What the training app plugs into core: to-dos, /me/ records, a home section, file checkers."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import HomeSection, MySection, RecordRow, TodoItem
from apps.core.scoping import can_act_for, is_staff_member, org_scope_q

from .models import Campaign, Course, Enrollment


def console_todos(user) -> list[TodoItem]:
    from .selectors import pioneer_queue

    todos = []
    if user.has_perm("training.review_pioneer"):
        count = pioneer_queue(user).count()
        if count:
            todos.append(TodoItem(label="待审核工人先锋号申报", count=count, url=reverse("training:pioneer_queue"),
                                  group="学习培训"))
    judging = Campaign.objects.filter(judges=user, status=Campaign.Status.JUDGING).count()
    if judging:
        todos.append(TodoItem(label="待评审的竞赛活动", count=judging, url=reverse("training:console_campaigns"),
                              group="学习培训"))
    return todos


def my_training(user) -> MySection | None:
    enrollments = list(Enrollment.objects.filter(user=user).select_related("course").order_by("-enrolled_at")[:5])
    rows = [RecordRow(title=e.course.title, url=reverse("training:course_detail", args=[e.course_id]),
                      status="已结业" if e.completed_at else "学习中",
                      status_tone="success" if e.completed_at else "primary", when=e.enrolled_at)
            for e in enrollments]
    return MySection(title="我的学习", rows=rows, more_url=reverse("training:my_training"),
                     empty_text="还没有报名课程。", order=30)


def home_courses(request) -> HomeSection | None:
    courses = list(Course.objects.filter(is_published=True).order_by("-created_at")[:5])
    if not courses:
        return None
    return HomeSection(title="微课堂", more_url=reverse("training:course_list"), order=20,
                       rows=[RecordRow(title=c.title, url=reverse("training:course_detail", args=[c.pk]),
                                       status=c.get_category_display()) for c in courses])


def can_see_course_file(user, course, field_name: str) -> bool:
    return course.is_published or can_act_for(user, course.organization)


def can_see_lesson_file(user, lesson, field_name: str) -> bool:
    """Lesson videos and documents: enrolled learners and the owning staff."""
    if not user.is_authenticated:
        return False
    course = lesson.course
    if can_act_for(user, course.organization):
        return True
    return course.is_published and Enrollment.objects.filter(user=user, course=course).exists()


def can_see_achievement_file(user, achievement, field_name: str) -> bool:
    if not is_staff_member(user):
        return False
    entry = achievement.entry
    campaign = entry.campaign
    return (can_act_for(user, entry.organization) or can_act_for(user, campaign.organization)
            or campaign.judges.filter(pk=user.pk).exists()
            or Campaign.objects.filter(org_scope_q(user, "organization"), pk=campaign.pk).exists())
