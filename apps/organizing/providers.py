"""What organizing plugs into core: to-dos, /me/ card, home section, file checker, membership link,
the member's data copy and account closing."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import HomeSection, MySection, PrivacyNote, RecordRow, TodoItem
from apps.core.scoping import can_act_for

from .models import MembershipApplication


def console_todos(user) -> list[TodoItem]:
    from .selectors import applications_for_staff

    todos = []
    if user.has_perm("organizing.review_membership"):
        count = applications_for_staff(user).filter(status=MembershipApplication.Status.SUBMITTED).count()
        if count:
            todos.append(TodoItem(label="待审核入会申请", count=count, url=reverse("organizing:application_list"),
                                  group="工会组建"))
    return todos


def my_membership(user) -> MySection | None:
    from .selectors import membership_of

    membership = membership_of(user)
    rows = []
    if membership is not None:
        rows.append(RecordRow(title=f"电子会员卡 · {membership.union}", url=reverse("organizing:card",
                                                                                   args=[membership.pk]),
                              status=membership.get_status_display(), when=membership.joined_at,
                              status_tone="success" if membership.is_active else "secondary"))
    else:
        application = (MembershipApplication.objects.filter(user=user).select_related("union")
                       .order_by("-created_at").first())
        if application is not None:
            rows.append(RecordRow(title=f"入会申请 · {application.union}", url=reverse("organizing:join"),
                                  status=application.get_status_display(), when=application.created_at,
                                  status_tone="warning" if application.status == "submitted" else "secondary"))
    return MySection(title="工会会员", rows=rows, more_url=reverse("organizing:join"),
                     empty_text="还不是工会会员，欢迎网上入会。", order=5)


def can_see_census_file(user, census_import, field_name: str) -> bool:
    return can_act_for(user, census_import.organization)


def home_join(request) -> HomeSection | None:
    """A fixed entry on the home page: no query."""
    return HomeSection(title="网上入会", more_url=reverse("organizing:join"), order=15, rows=[
        RecordRow(title="三步申请加入工会，领取电子会员卡", url=reverse("organizing:join"), status="职工"),
        RecordRow(title="快递员、外卖送餐员、网约车司机等新就业形态劳动者入会", url=reverse("organizing:join"),
                  status="新就业形态"),
    ])


CONSOLE_LINKS = [
    ("入会审核", "organizing:application_list", "person-check", ("organizing.review_membership",)),
    ("会员名册", "organizing:member_list", "people", ("organizing.review_membership",)),
    ("兜底工会", "organizing:catch_all_list", "house-heart", ("organizing.review_membership",)),
    ("经济普查导入", "organizing:census_list", "cloud-upload", ("organizing.screen_enterprises",)),
    ("未建会企业", "organizing:unorganized_list", "building-exclamation", ("organizing.screen_enterprises",)),
    ("建会预案", "organizing:plan_list", "clipboard-check", ("organizing.screen_enterprises",)),
    ("建会覆盖率", "organizing:coverage", "pie-chart", ("organizing.screen_enterprises",)),
    ("换届延期", "organizing:election_list", "calendar-event", ("organizing.review_membership",)),
    ("社会化工会工作者", "organizing:social_worker_list", "person-badge", ("organizing.manage_social_workers",)),
]


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="入会申请和会员信息（姓名、身份证号码、工作单位、联系电话）",
        when="申请加入工会",
        purpose="审核入会、发放会员证、统计会员",
        who="电子会员证的二维码只显示会员编号、所在工会和是否有效。",
        keep="工会会员名册按工会章程长期保存；注销账号不等于退会，会员信息与账号脱钩后留在名册中；未获批准的入会申请随注销删除。",
        order=5,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        console_menu,
        home_sections,
        membership,
        my_data_exports,
        my_records,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from . import selectors
    from .models import CensusImport
    from .privacy import membership_records_close, my_membership_data

    membership.register(union_of=selectors.union_of, unions_of=selectors.unions_of)
    nav_items.register(NavItem(label="网上入会", url_name="organizing:join", order=60, icon="people",
                               description="三步申请加入工会，领取电子会员卡"))
    for order, (label, url_name, icon, permissions) in enumerate(CONSOLE_LINKS):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group="工会组建", icon=icon,
                                          order=500 + order, permissions=permissions))
    todo_registry.register(console_todos)
    my_records.register(my_membership)
    home_sections.register(home_join)
    private_files.register(CensusImport, can_see_census_file)
    my_data_exports.register(my_membership_data)
    account_closers.register(membership_records_close)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
