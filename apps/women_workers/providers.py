"""What the women workers' app plugs into core: navigation, console, to-dos, /me/, honour recommendations,
her data copy and account closing."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from apps.core.registry import HonourRecommendation, MySection, PrivacyNote, RecordRow, TodoItem

from .consents import ARRANGEMENT, COUNSELLING

GROUP = "女职工关爱"
TONES = {"agreed": "success", "partly_agreed": "info", "refused": "danger", "withdrawn": "secondary",
         "submitted": "warning", "negotiating": "primary"}


def console_todos(user) -> list[TodoItem]:
    from . import selectors
    from .models import Arrangement

    items = []
    if user.has_perm("women_workers.negotiate_arrangement"):
        count = selectors.arrangements_for_staff(user).exclude(status__in=Arrangement.CLOSED).count()
        items.append(TodoItem(label="待协商的女职工特殊时期安排", count=count,
                              url=reverse("women_workers:arrangement_list") + "?status=open", group=GROUP))
    if user.has_perm("women_workers.manage_counselling"):
        since = timezone.now() - timezone.timedelta(days=7)
        items.append(TodoItem(label="近 7 天心理危机预警", count=selectors.crisis_bookings(user).filter(
            crisis_flagged_at__gte=since).count(), url=reverse("women_workers:crisis_list"), group=GROUP))
    return items


def my_women_records(user) -> MySection | None:
    """Her arrangements and counselling bookings (two queries)."""
    from . import selectors

    rows = [RecordRow(title=f"特殊时期安排 · {a.get_kind_display()}（{a.starts_on:%m-%d} 至 {a.ends_on:%m-%d}）",
                      url=reverse("women_workers:my_arrangement", args=[a.pk]), status=a.get_status_display(),
                      when=a.created_at, status_tone=TONES.get(a.status, "secondary"))
            for a in selectors.my_arrangements(user).order_by("-created_at")[:5]]
    rows += [RecordRow(title=f"心理咨询 · {b.get_mode_display()} {timezone.localtime(b.starts_at):%m-%d %H:%M}",
                       url=reverse("women_workers:booking_detail", args=[b.pk]), status=b.get_status_display(),
                       when=b.created_at, status_tone="primary" if b.status == "booked" else "secondary")
             for b in selectors.my_bookings(user).order_by("-starts_at")[:5]]
    if not rows:
        return None
    return MySection(title="女职工关爱", rows=rows, more_url=reverse("women_workers:counselling"), order=40)


def honour_recommendations_for(user) -> list[HonourRecommendation]:
    """The commendation recommendations the user may see (one query)."""
    from . import selectors

    return [HonourRecommendation(kind=c.get_kind_display(), name=c.name, organization_id=c.organization_id,
                                 summary=c.deeds[:200], front_line=c.front_line, source="women_workers",
                                 source_id=c.pk, url=reverse("women_workers:commendation_list") + f"#c{c.pk}")
            for c in selectors.commendations_for_user(user).order_by("-created_at")]


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="孕期、哺乳期等特殊时期情况，心理咨询预约（时间、联系电话、咨询主题）",
        when="申请特殊时期保护、预约心理咨询",
        purpose="与企业协商特殊时期安排、安排心理咨询",
        sensitive=True,
        who="女职工特殊时期情况和心理咨询只有所在工会的女职工工作人员和您预约的咨询师能看到；咨询师的记录不对外。",
        keep="注销账号时删除您填写的情况说明和咨询主题；正在处理的紧急情况保留一个联系电话，至多 7 天后自动删除。",
        order=40,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        consent_purposes,
        console_menu,
        honour_recommendations,
        my_data_exports,
        my_records,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry

    from .privacy import my_women_data, women_records_close

    nav_items.register(NavItem(label="女职工关爱", url_name="women_workers:counselling", order=70, icon="telephone",
                               description="心理援助热线、预约心理咨询、孕期哺乳期特殊工作安排"))
    for order, (label, url_name, icon, perms) in enumerate([
        ("特殊时期安排", "women_workers:arrangement_list", "calendar-plus", ("women_workers.negotiate_arrangement",)),
        ("安排统计", "women_workers:arrangement_summary", "bar-chart", ("women_workers.view_women_affairs",)),
        ("危机预警", "women_workers:crisis_list", "exclamation-triangle", ("women_workers.manage_counselling",)),
        ("结对帮扶", "women_workers:family_list", "people", ("women_workers.manage_care",)),
        ("表彰推荐", "women_workers:commendation_list", "award", ("women_workers.recommend_commendation",)),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group=GROUP, icon=icon, order=700 + order,
                                          permissions=perms))
    todo_registry.register(console_todos)
    my_records.register(my_women_records)
    honour_recommendations.register(honour_recommendations_for)
    my_data_exports.register(my_women_data)
    account_closers.register(women_records_close)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
    for purpose in (ARRANGEMENT, COUNSELLING,):
        consent_purposes.register(purpose)
