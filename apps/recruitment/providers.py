"""What the recruitment app plugs into core: navigation, to-dos, /me/ sections, home, private files."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import HomeSection, MySection, NavItem, PrivacyNote, RecordRow, TodoItem
from apps.core.scoping import can_act_for, is_staff_member

TONES = {"submitted": "secondary", "viewed": "info", "interview": "primary", "offered": "warning",
         "hired": "success", "rejected": "dark", "withdrawn": "light"}


def console_todos(user) -> list[TodoItem]:
    from . import selectors

    items = []
    if user.has_perm("recruitment.review_post"):
        items.append(TodoItem(label="待审核招聘岗位", count=selectors.posts_awaiting_review(user).count(),
                              url=reverse("recruitment:console_posts") + "?status=pending", group="招聘求职"))
    if user.has_perm("recruitment.verify_employer"):
        items.append(TodoItem(label="待核实企业招聘账号",
                              count=selectors.employer_memberships_for_staff(user).filter(status="pending").count(),
                              url=reverse("recruitment:console_employers"), group="招聘求职"))
    return items


def my_applications(user) -> MySection | None:
    from .models import Application

    if is_staff_member(user):
        return None
    applications = list(Application.objects.filter(seeker=user).select_related("post").order_by("-created_at")[:5])
    return MySection(
        title="我的求职", order=10, more_url=reverse("recruitment:my_applications"), empty_text="还没有投递记录",
        rows=[RecordRow(title=a.post.title, url=reverse("recruitment:application_detail", args=[a.pk]),
                        status=a.get_status_display(), when=a.created_at, status_tone=TONES.get(a.status, "secondary"))
              for a in applications])


def my_employer_posts(user) -> MySection | None:
    from .models import EmployerMembership, JobPost

    if not EmployerMembership.objects.filter(user=user, status=EmployerMembership.Status.ACTIVE).exists():
        return None
    posts = list(JobPost.objects.filter(enterprise__employer_memberships__user=user,
                                        enterprise__employer_memberships__status="active").order_by("-updated_at")[:5])
    return MySection(
        title="我发布的岗位", order=11, more_url=reverse("recruitment:employer_home"),
        rows=[RecordRow(title=p.title, url=reverse("recruitment:employer_applicants", args=[p.pk]),
                        status=p.get_status_display(), when=p.updated_at) for p in posts])


def latest_jobs(request) -> HomeSection | None:
    from .selectors import published_posts

    posts = list(published_posts().select_related("enterprise").order_by("-published_at", "-id")[:6])
    return HomeSection(
        title="最新招聘岗位", order=10, more_url=reverse("recruitment:job_list"),
        rows=[RecordRow(title=f"{p.title} · {p.enterprise.name}", url=p.get_absolute_url(), status=p.salary_text,
                        when=p.published_at, status_tone="success") for p in posts])


def _resume_checker(user, profile, field_name: str) -> bool:
    from .models import Application, EmployerMembership, Recommendation

    if not user.is_authenticated:
        return False
    if profile.user_id == user.pk:
        return True
    if is_staff_member(user):
        return profile.allow_recommendation and can_act_for(user, profile.district)
    mine = EmployerMembership.objects.filter(user=user, status="active").values("enterprise_id")
    if Application.objects.filter(seeker_id=profile.user_id, post__enterprise_id__in=mine).exists():
        return True
    return profile.allow_recommendation and Recommendation.objects.filter(
        profile=profile, post__enterprise_id__in=mine).exists()


def _video_checker(user, post, field_name: str) -> bool:
    from .models import JobPost
    from .permissions import is_member, staff_can_manage

    if post.status == JobPost.Status.PUBLISHED:
        return True
    return user.is_authenticated and (is_member(user, post.enterprise) or staff_can_manage(user, post.enterprise))


def employer_landing(user) -> str | None:
    """A recruiter starts at their enterprise's recruitment home."""
    from .models import EmployerMembership

    if EmployerMembership.objects.filter(user=user).exclude(status=EmployerMembership.Status.REJECTED).exists():
        return reverse("recruitment:employer_home")
    return None


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="求职登记和简历（学历、工作经历、技能、期望岗位、简历文件）",
        when="求职登记、投递简历",
        purpose="向您投递的用人单位展示；经您同意，由工会向用人单位推荐",
        who="用人单位：只看到投递给它的岗位的求职者的求职登记和简历；工会推荐须您在求职登记里同意。",
        keep=("简历（简历文字和简历文件）{resume_idle_days} 天未更新、且没有正在进行的求职申请的，自动删除；"
              "求职登记的其他信息保留到您注销账号。"),
        order=10,
    ),
    PrivacyNote(
        info="求职申请、面试安排",
        when="投递、面试",
        purpose="让您和用人单位跟进招聘进度",
        keep="求职申请保存到您注销账号为止；用人单位已处理的申请与您的身份脱钩后保留。",
        order=11,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        console_menu,
        home_sections,
        my_records,
        nav_items,
        person_cache_keys,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import JobPost, SeekerProfile
    from .selectors import saved_keys

    person_cache_keys.register(saved_keys)

    nav_items.register(NavItem(label="招聘求职", url_name="recruitment:job_list", order=10, icon="briefcase",
                               description="线上春风行动：岗位搜索、网络招聘会、远程面试"))
    for order, (label, url_name, icon, perm) in enumerate([
        ("招聘岗位", "recruitment:console_posts", "briefcase", "recruitment.view_dashboard"),
        ("招聘企业", "recruitment:console_employers", "building-check", "recruitment.verify_employer"),
        ("求职登记", "recruitment:console_seekers", "people", "recruitment.broker_match"),
        ("点对点对接", "recruitment:console_matches", "arrow-left-right", "recruitment.broker_match"),
        ("网络招聘会", "recruitment:console_fairs", "shop", "recruitment.manage_fairs"),
        ("招聘统计", "recruitment:console_dashboard", "bar-chart", "recruitment.view_dashboard"),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group="招聘求职", icon=icon,
                                          order=100 + order, permissions=(perm,)))
    todo_registry.register(console_todos)
    my_records.register(my_applications)
    my_records.register(my_employer_posts)
    home_sections.register(latest_jobs)
    from apps.core.registry import account_closers, landing_pages, my_data_exports

    from .privacy import my_recruitment_data, seeker_records_close

    landing_pages.register(employer_landing)
    my_data_exports.register(my_recruitment_data)
    account_closers.register(seeker_records_close)
    private_files.register(SeekerProfile, _resume_checker)
    private_files.register(JobPost, _video_checker)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
