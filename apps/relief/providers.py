"""What relief plugs into core: navigation, console menu, to-dos, /me/, private files, personal data."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import ClosureNote, DataSection, MySection, PrivacyNote, RecordRow, TodoItem

from .consents import AID_APPLICATION

GROUP = "帮扶救助"

# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="困难帮扶申请（家庭人口、家庭收入、致困原因、困难情况和证明材料）",
        when="申请困难职工帮扶",
        purpose="核实困难情况、核定帮扶档次和金额、发放帮扶资金",
        sensitive=True,
        keep=AID_APPLICATION.keep + "。",
        order=40,
    ),
)


def console_todos(user) -> list[TodoItem]:
    from . import selectors, services
    from .models import AidApplication, NeedyFile

    items = []
    level = services.level_of(user)
    if user.has_perm("relief.review_aid") and level:
        count = (selectors.aid_for_user(user).filter(status=level).exclude(entered_by=user)
                 .exclude(worker=user).count())
        items.append(TodoItem(label="待审核的帮扶申请", count=count, url=reverse("relief:aid_list") + "?mine=1",
                              group=GROUP))
    if user.has_perm("relief.pay_aid"):
        from django.db.models import Count, Q

        S = AidApplication.Status
        counts = selectors.aid_for_user(user).aggregate(approved=Count("pk", filter=Q(status=S.APPROVED)),
                                                        returned=Count("pk", filter=Q(status=S.PAYMENT_RETURNED)))
        items.append(TodoItem(label="已批准待发放的帮扶", count=counts["approved"],
                              url=reverse("relief:aid_list") + "?status=approved", group=GROUP))
        items.append(TodoItem(label="发放退回待重新支付的帮扶", count=counts["returned"],
                              url=reverse("relief:aid_list") + f"?status={S.PAYMENT_RETURNED}", group=GROUP))
    if user.has_perm("relief.manage_registry"):
        from datetime import timedelta

        from django.utils import timezone

        due = selectors.needy_files_for_user(user).filter(
            status=NeedyFile.Status.OPEN, next_review_on__lte=timezone.localdate() + timedelta(days=30)).count()
        items.append(TodoItem(label="30 天内到期的档案复核", count=due,
                              url=reverse("relief:registry_list") + "?status=open", group=GROUP))
    return items


def my_aid(user) -> MySection | None:
    from .models import AidApplication

    applications = AidApplication.objects.filter(worker=user).order_by("-submitted_at")[:5]
    tones = {"paid": "success", "approved": "primary", "returned": "warning", "pay_returned": "danger"}
    rows = [RecordRow(title=f"困难帮扶申请 · {a.get_cause_display()}", url=reverse("relief:aid_detail", args=[a.pk]),
                      status=a.get_status_display(), when=a.submitted_at, status_tone=tones.get(a.status, "secondary"))
            for a in applications]
    return MySection(title="困难帮扶", rows=rows, more_url=reverse("relief:aid_apply"),
                     empty_text="遇到重大困难，可以在线申请分类梯度帮扶。", order=40)


def my_aid_data(user) -> list[DataSection]:
    from .models import AidApplication, AidPaymentReturn

    applications = AidApplication.objects.filter(worker=user).select_related("organization")
    return [DataSection(
        title="困难帮扶申请",
        columns=["所属工会", "致困原因", "家庭人口", "家庭月收入", "状态", "核定金额", "提交时间"],
        rows=[[str(a.organization), a.get_cause_display(), a.household_size, a.household_income,
               a.get_status_display(), a.amount or "", a.submitted_at] for a in applications]),
        DataSection(
            title="帮扶资金退回",
            columns=["退回金额", "退回日期", "退回原因"],
            rows=[[item.amount, item.returned_on, item.reason] for item in
                  AidPaymentReturn.objects.filter(application__worker=user).order_by("returned_on", "id")])]


def aid_records_close(*, user) -> ClosureNote:
    from .models import AidApplication, AidPaymentReturn

    note = ClosureNote(app="帮扶救助")
    if AidApplication.objects.filter(worker=user).exists():
        note.kept.append("帮扶申请及资金发放记录属于财务凭证，按财务档案的保管期限保留。")
    if AidPaymentReturn.objects.filter(application__worker=user).exists():
        note.kept.append("被银行退回的帮扶款项的退回登记（金额、日期、原因、登记人）及资金台账中的冲销记录同属财务凭证，"
                         "按同一期限保留。")
    return note


def _aid_files(user, obj, field_name: str) -> bool:
    from . import selectors

    return field_name == "document" and selectors.aid_for_user(user).filter(pk=obj.pk).exists()


def _visit_files(user, obj, field_name: str) -> bool:
    from . import selectors

    return field_name == "acknowledgement" and selectors.visits_for_user(user).filter(pk=obj.pk).exists()


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

    from .models import AidApplication, Visit
    from .views.common import ANY_RELIEF_PERM

    nav_items.register(NavItem(label="困难帮扶", url_name="relief:aid_apply", order=70, icon="people",
                               description="遭遇疾病、意外等重大困难的职工，在线申请分类梯度帮扶并查看进度"))
    for order, (label, url_name, icon, perms) in enumerate([
        ("帮扶申请", "relief:aid_list", "people", ("relief.enter_aid", "relief.review_aid", "relief.pay_aid")),
        ("专项资金", "relief:fund_list", "table", ("relief.view_fund_ledger",)),
        ("慰问", "relief:visit_plan_list", "flag", ("relief.record_visit",)),
        ("困难职工档案", "relief:registry_list", "journal-text", ("relief.manage_registry",)),
        ("档次标准", "relief:tier_rules", "list-check", ANY_RELIEF_PERM),
        ("帮扶救助统计", "relief:dashboard", "bar-chart", ("relief.view_dashboard",)),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group=GROUP, icon=icon, order=500 + order,
                                          permissions=perms))
    todo_registry.register(console_todos)
    my_records.register(my_aid)
    my_data_exports.register(my_aid_data)
    account_closers.register(aid_records_close)
    private_files.register(AidApplication, _aid_files)
    private_files.register(Visit, _visit_files)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
    consent_purposes.register(AID_APPLICATION)
