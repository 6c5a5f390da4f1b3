"""What the volunteers app plugs into core: navigation, console menu, to-dos, /me/, private files, the
person's data copy and account closing."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import MySection, PrivacyNote, RecordRow, TodoItem

GROUP = "志愿服务"
_TONES = {"approved": "success", "pending": "warning", "rejected": "secondary", "confirmed": "success",
          "waiting": "warning", "published": "info", "claimed": "primary", "fulfilled": "warning", "draft": "secondary"}


def console_todos(user) -> list[TodoItem]:
    from . import selectors
    from .models import Volunteer, Wish

    items = []
    if user.has_perm("volunteers.approve_volunteer"):
        items.append(TodoItem(label="待审核的志愿者", url=reverse("volunteers:console_volunteers"), group=GROUP,
                              count=selectors.volunteers_for_user(user).filter(status=Volunteer.Status.PENDING).count()))
    if user.has_perm("volunteers.manage_wish"):
        counts = selectors.status_counts(selectors.wishes_for_user(user))
        items.append(TodoItem(label="待审核的微心愿", count=counts.get(Wish.Status.DRAFT, 0), group=GROUP,
                              url=reverse("volunteers:console_wishes") + "?status=draft"))
        items.append(TodoItem(label="待确认实现的微心愿", count=counts.get(Wish.Status.FULFILLED, 0), group=GROUP,
                              url=reverse("volunteers:console_wishes") + "?status=fulfilled"))
    return items


def my_volunteer_card(user) -> MySection | None:
    """The volunteer card: number, status, district, hours (two queries)."""
    from . import selectors

    volunteer = selectors.volunteer_of(user)
    if volunteer is None:
        return None
    hours = selectors.hours_of(volunteer)
    rows = [RecordRow(title=f"志愿者编号 {volunteer.number or '（审核后生成）'} · {volunteer.district.name}",
                      url=reverse("volunteers:my_hours"), status=volunteer.get_status_display(),
                      status_tone=_TONES.get(volunteer.status, "secondary"), when=volunteer.created_at),
            RecordRow(title=f"累计志愿服务 {hours} 小时 · 特长：{volunteer.skills}",
                      url=reverse("volunteers:certificate") if volunteer.status == "approved" else "")]
    return MySection(title="我的志愿者证", rows=rows, more_url=reverse("volunteers:my_hours"), order=40)


def my_wishes(user) -> MySection | None:
    from . import selectors

    wishes = list(selectors.my_wishes(user)[:10])
    if not wishes:
        return None
    rows = [RecordRow(title=f"微心愿：{w.what}", status=w.get_status_display(),
                      status_tone=_TONES.get(w.status, "secondary"), when=w.created_at) for w in wishes]
    return MySection(title="我的微心愿", rows=rows, order=41)


def _wish_files(user, obj, field_name: str) -> bool:
    from . import selectors

    if field_name != "photo":
        return False
    return (obj.donor_id == user.pk or obj.wisher_id == user.pk
            or selectors.wishes_for_user(user).filter(pk=obj.pk).exists())


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="志愿者登记（技能、可服务时间）、活动报名和签到、服务时长、微心愿",
        when="登记志愿者、报名活动、发布或认领微心愿",
        purpose="组织志愿服务、记录服务时长、发放证书",
        who="公开：志愿服务排行榜显示姓名和服务时长。",
        keep="服务时长和志愿者编号长期保留以供证明；技能、可服务时间和心愿说明随注销删除。",
        order=70,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        console_menu,
        my_data_exports,
        my_records,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import Wish
    from .privacy import my_volunteer_data, volunteer_records_close

    nav_items.register(NavItem(label="志愿服务", url_name="volunteers:landing", order=70, icon="award",
                               description="“和你在一起”志愿服务活动报名，点亮困难职工微心愿"))
    for order, (label, url_name, icon, perm) in enumerate([
        ("志愿者审核", "volunteers:console_volunteers", "people", "volunteers.approve_volunteer"),
        ("志愿服务活动", "volunteers:console_activities", "calendar-plus", "volunteers.manage_activity"),
        ("微心愿", "volunteers:console_wishes", "star", "volunteers.manage_wish"),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group=GROUP, icon=icon, order=500 + order,
                                          permissions=(perm,)))
    todo_registry.register(console_todos)
    my_records.register(my_volunteer_card)
    my_records.register(my_wishes)
    my_data_exports.register(my_volunteer_data)
    account_closers.register(volunteer_records_close)
    private_files.register(Wish, _wish_files)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
