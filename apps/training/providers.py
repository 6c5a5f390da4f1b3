"""What the training app plugs into core: to-dos, /me/ records, a home section, file checkers."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import HomeSection, MySection, PrivacyNote, RecordRow, TodoItem
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


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="学习记录、答题作答和成绩、错题本、证书",
        when="参加线上培训、答题、竞赛",
        purpose="记录学习进度、评分排名、发放可查验的证书",
        who="公开：答题竞赛排行榜显示姓名和所在工会；证书可凭证书编号查验。",
        keep="学习和答题记录保存到您注销账号为止；已发出的证书保留以供查验。",
        order=20,
    ),
    PrivacyNote(
        info="所在工会",
        when="参加答题、竞赛",
        purpose="按工会统计参与情况",
        order=21,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        console_menu,
        home_sections,
        my_data_exports,
        my_records,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import Achievement, Lesson
    from .privacy import learner_records_close, my_training_data

    nav_items.register(NavItem(label="学习培训", url_name="training:home", order=20, icon="mortarboard",
                               description="微课堂、网络答题、网上练兵、劳动竞赛"))
    for order, (label, url_name, icon, permissions) in enumerate([
        ("课程管理", "training:console_courses", "play-btn", ("training.manage_courses",)),
        ("创新工作室", "training:console_studios", "award", ("training.manage_courses",)),
        ("题库", "training:bank_list", "collection", ("training.manage_quizzes",)),
        ("答题与竞赛", "training:console_quizzes", "ui-checks", ("training.manage_quizzes",)),
        ("劳动竞赛", "training:console_campaigns", "trophy", ()),
        ("工人先锋号审核", "training:pioneer_queue", "flag", ("training.review_pioneer",)),
        ("培训统计", "training:stats", "bar-chart", ("training.view_training_stats",)),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group="学习培训", icon=icon,
                                          order=200 + order, permissions=permissions))
    my_data_exports.register(my_training_data)
    account_closers.register(learner_records_close)
    todo_registry.register(console_todos)
    my_records.register(my_training)
    home_sections.register(home_courses)
    private_files.register(Course, can_see_course_file)
    private_files.register(Lesson, can_see_lesson_file)
    private_files.register(Achievement, can_see_achievement_file)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
