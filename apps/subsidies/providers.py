"""What the subsidies app plugs into core: navigation, console menu, to-dos, /me/, private files."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import MySection, PrivacyNote, RecordRow, TodoItem

from .consents import TRANSPORT_SUBSIDY

GROUP = "补贴与缓缴"


def console_todos(user) -> list[TodoItem]:
    from . import selectors
    from .models import Application, DuesDeferral

    S = Application.Status
    items = []
    applications = selectors.applications_for_user(user)
    for perm, status, label in (("subsidies.confirm_return", S.SUBMITTED, "待确认返岗的补贴申请"),
                                ("subsidies.review_application", S.CONFIRMED, "待县级审核的补贴申请"),
                                ("subsidies.approve_application", S.REVIEWED, "待市级审批的补贴申请")):
        if user.has_perm(perm):
            items.append(TodoItem(label=label, count=applications.filter(status=status).exclude(applicant=user)
                                  .count(), url=reverse("subsidies:application_list") + f"?status={status}",
                                  group=GROUP))
    if user.has_perm("subsidies.pay_subsidy"):
        items.append(TodoItem(label="待编入发放批次的补贴", count=applications.filter(status=S.APPROVED).count(),
                              url=reverse("subsidies:application_list") + "?status=approved", group=GROUP))
    if user.has_perm("subsidies.approve_deferral"):
        items.append(TodoItem(label="待审批的经费缓缴",
                              count=selectors.deferrals_for_user(user).filter(
                                  status=DuesDeferral.Status.SUBMITTED).count(),
                              url=reverse("subsidies:deferral_list") + "?status=submitted", group=GROUP))
    return items


def my_subsidies(user) -> MySection | None:
    from .selectors import my_applications

    rows = [RecordRow(title=f"{a.programme.name} · {a.amount} 元", url=reverse("subsidies:my_application",
                                                                                args=[a.pk]),
                      status=a.get_status_display(), when=a.created_at, status_tone=a.status_tone)
            for a in my_applications(user).order_by("-created_at")[:5]]
    return MySection(title="补贴申请", rows=rows, more_url=reverse("subsidies:programme_list"),
                     empty_text="暂无补贴申请。", order=40)


def _receipt_files(user, obj, field_name: str) -> bool:
    from . import selectors

    if field_name != "file":
        return False
    if obj.application.applicant_id == getattr(user, "pk", None):
        return True
    return selectors.applications_for_user(user).filter(pk=obj.application_id).exists()


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="返岗交通补贴申请（身份证号码、银行卡号、返岗行程和票据）",
        when="申领返岗交通补贴",
        purpose="核实资格、防止重复申领、发放补贴",
        sensitive=True,
        keep="补贴发放记录按财务规定保存，与您的身份脱钩后保留。",
        order=50,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        consent_purposes,
        console_menu,
        my_data_exports,
        my_records,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import Receipt
    from .permissions import APPLICATION_PERMS, DEFERRAL_PERMS
    from .privacy import my_subsidy_data, subsidy_records_close

    nav_items.register(NavItem(label="返岗补贴", url_name="subsidies:programme_list", order=70, icon="geo-alt",
                               description="返岗职工交通补贴：网上申请，工会确认后发放到本人银行卡"))
    for order, (label, url_name, icon, perms) in enumerate([
        ("补贴审核", "subsidies:application_list", "clipboard-data", APPLICATION_PERMS),
        ("发放批次", "subsidies:batch_list", "table", ("subsidies.pay_subsidy",)),
        ("补贴项目", "subsidies:programme_manage", "gear", ("subsidies.manage_programme",)),
        ("经费缓缴", "subsidies:deferral_list", "calendar-plus", DEFERRAL_PERMS),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group=GROUP, icon=icon, order=500 + order,
                                          permissions=perms))
    todo_registry.register(console_todos)
    my_records.register(my_subsidies)
    private_files.register(Receipt, _receipt_files)
    my_data_exports.register(my_subsidy_data)
    account_closers.register(subsidy_records_close)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
    for purpose in (TRANSPORT_SUBSIDY,):
        consent_purposes.register(purpose)
