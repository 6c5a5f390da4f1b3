"""What legal aid plugs into core: navigation, console menu, to-dos, /me/, private files."""
from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from apps.core.registry import MySection, PrivacyNote, RecordRow, TodoItem

from .consents import CASE_APPLICATION

GROUP = "法律服务"
TONES = {"queued": "warning", "assigned": "info", "answered": "success", "closed": "secondary"}


def console_todos(user) -> list[TodoItem]:
    from . import selectors
    from .models import Consultation, PublishedAnswer
    from .permissions import is_legal_staff

    if not is_legal_staff(user):
        return []
    scoped = selectors.consultations_for_staff(user)
    overdue = scoped.filter(first_answered_at__isnull=True, due_at__lt=timezone.now(),
                            status__in=[Consultation.Status.QUEUED, Consultation.Status.ASSIGNED]).count()
    items = [
        TodoItem(label="待认领的法律咨询", count=scoped.filter(status=Consultation.Status.QUEUED).count(),
                 url=reverse("legal_aid:staff_list") + "?status=queued", group=GROUP),
        TodoItem(label="超时未答复的法律咨询", count=overdue, url=reverse("legal_aid:staff_list") + "?status=overdue",
                 group=GROUP),
        TodoItem(label="待编辑公开的问答", url=reverse("legal_aid:faq_list"), group=GROUP,
                 count=selectors.faq_for_staff(user).filter(status=PublishedAnswer.Status.DRAFT).count()),
    ]
    if user.has_perm("legal_aid.screen_risk"):
        recent = timezone.now() - timedelta(days=30)
        items.append(TodoItem(label="稳定风险红色预警（近 30 天）", group=GROUP,
                              url=reverse("legal_aid:screening_list") + "?level=red",
                              count=selectors.red_warnings(user).filter(warned_at__gte=recent).count()))
    return items


def dispute_todos(user) -> list[TodoItem]:
    """Open collective labour disputes of the subtree (one count)."""
    from . import selectors
    from .permissions import records_disputes

    if not records_disputes(user):
        return []
    return [TodoItem(label="未结的集体劳动争议", count=selectors.open_collective_disputes(user).count(),
                     url=reverse("legal_aid:dispute_list") + "?status=open&collective=1", group=GROUP)]


def my_consultations(user) -> MySection | None:
    from .models import Consultation

    rows = [RecordRow(title=f"法律咨询 · {c.category.name}",
                      url=reverse("legal_aid:consultation_detail", args=[c.pk]), status=c.get_status_display(),
                      when=c.created_at, status_tone=TONES.get(c.status, "secondary"))
            for c in Consultation.objects.filter(worker=user).select_related("category").order_by("-created_at")[:5]]
    return MySection(title="法律咨询", rows=rows, more_url=reverse("legal_aid:mine"),
                     empty_text="遇到劳动纠纷？可以在线向志愿律师咨询。", order=40)


def _consultation_files(user, obj, field_name: str) -> bool:
    from . import selectors

    if field_name != "attachment":
        return False
    try:
        selectors.get_consultation_for_user(user, obj.pk)
    except selectors.Http404:
        return False
    return True


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="法律咨询和法律援助申请（纠纷事实、对方当事人、请求金额、证据材料、联系电话、困难情况）",
        when="在线法律咨询、申请法律援助",
        purpose="志愿律师解答、受理和办理法律援助案件",
        sensitive=True,
        who=("法律咨询和法律援助只有您本人、承办律师和受理工会法律部门的工作人员能看到；工作人员每次查看都记入审计日志；"
             "经您同意公开的问答隐去个人信息后才公开。"),
        keep=("已受理的法律援助案件的案卷依照《中华人民共和国法律援助法》和档案管理规定保存，注销账号时删除其中的联系电话；"
              "未受理的申请和法律咨询的内容随注销删除。"),
        order=45,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        consent_purposes,
        console_menu,
        my_records,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import Consultation

    staff_perms = ("legal_aid.handle_consultation",)
    nav_items.register(NavItem(label="法律服务", url_name="legal_aid:home", order=70, icon="journal-text",
                               description="24小时无接触法律咨询、律师值班表、典型问答"))
    nav_items.register(NavItem(label="律师工作台", url_name="legal_aid:queue", order=71, icon="person-badge",
                               description="认领并解答职工的法律咨询",
                               permissions=("legal_aid.answer_consultation",)))
    for order, (label, url_name, icon, perms) in enumerate([
        ("法律咨询", "legal_aid:staff_list", "inbox", staff_perms),
        ("答复时效统计", "legal_aid:overview", "stopwatch", staff_perms),
        ("咨询类别与时限", "legal_aid:categories", "gear", staff_perms),
        ("公开问答", "legal_aid:faq_list", "info-circle", staff_perms),
        ("稳定风险排查", "legal_aid:screening_list", "exclamation-triangle", ("legal_aid.screen_risk",)),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group=GROUP, icon=icon, order=500 + order,
                                          permissions=perms))
    todo_registry.register(console_todos)
    my_records.register(my_consultations)
    private_files.register(Consultation, _consultation_files)
    _register_disputes()
    _register_cases()
    _register_privacy()
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
    consent_purposes.register(CASE_APPLICATION)


def _negotiation_files(user, obj, field_name: str) -> bool:
    """A signed agreement: staff who may see the negotiation (its enterprise in their subtree)."""
    from . import selectors

    return field_name == "agreement_file" and selectors.negotiations_for_user(user).filter(pk=obj.pk).exists()


def _register_disputes() -> None:
    from apps.core.registry import ConsoleLink, console_menu
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import CollectiveNegotiation

    record = ("legal_aid.record_dispute",)
    for order, (label, url_name, icon, perms) in enumerate([
        ("劳动争议", "legal_aid:dispute_list", "building-exclamation", record),
        ("集体协商", "legal_aid:negotiation_list", "people", record),
        ("重大争议标准", "legal_aid:dispute_thresholds", "gear", ("legal_aid.change_disputethresholds",)),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group=GROUP, icon=icon, order=510 + order,
                                          permissions=perms))
    todo_registry.register(dispute_todos)
    private_files.register(CollectiveNegotiation, _negotiation_files)


# --- legal-aid cases (green channel) ---------------------------------------------------------------

CASE_TONES = {"submitted": "warning", "accepted": "primary", "closed": "success"}


def case_todos(user) -> list[TodoItem]:
    """New applications for the legal department, the green channel first (one query)."""
    from django.db.models import Count, Q

    from . import selectors
    from .models import LegalAidCase
    from .permissions import is_case_staff

    if not is_case_staff(user):
        return []
    waiting = selectors.cases_for_staff(user).filter(status=LegalAidCase.Status.SUBMITTED).order_by().aggregate(
        green=Count("pk", filter=Q(green_channel=True)), total=Count("pk"))
    url = reverse("legal_aid:case_list") + "?status=submitted"
    return [
        TodoItem(label="绿色通道待受理的法律援助申请", count=waiting["green"], url=url + "&green=1", group=GROUP),
        TodoItem(label="待受理的法律援助申请", count=waiting["total"], url=url, group=GROUP),
    ]


def my_legal_aid_cases(user) -> MySection | None:
    from .models import LegalAidCase

    cases = LegalAidCase.objects.filter(worker=user).select_related("category").order_by("-submitted_at", "-id")[:5]
    rows = [RecordRow(title=case.title, url=reverse("legal_aid:case_detail", args=[case.pk]),
                      status=case.progress_label, when=case.updated_at,
                      status_tone=CASE_TONES.get(case.status, "secondary"))
            for case in cases]
    return MySection(title="法律援助", rows=rows, more_url=reverse("legal_aid:case_mine"),
                     empty_text="遇到劳动争议，可以申请工会免费法律援助；农民工、困难职工和疫情引发的纠纷走绿色通道。",
                     order=41)


def _case_files(user, obj, field_name: str) -> bool:
    from django.core.exceptions import PermissionDenied

    from . import selectors

    if field_name != "attachment":
        return False
    try:
        selectors.get_case_for_user(user, obj.pk)
    except (selectors.Http404, PermissionDenied):
        return False
    return True


def _register_cases() -> None:
    from apps.core.registry import ConsoleLink, NavItem, console_menu, my_records, nav_items
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import LegalAidCase

    nav_items.register(NavItem(label="援助案件", url_name="legal_aid:case_assigned", order=72, icon="shield-check",
                               description="办理分派给我的法律援助案件", permissions=("legal_aid.work_case",)))
    console_menu.register(ConsoleLink(label="法律援助案件", url_name="legal_aid:case_list", group=GROUP,
                                      icon="shield-check", order=499, permissions=("legal_aid.handle_case",)))
    todo_registry.register(case_todos)
    my_records.register(my_legal_aid_cases)
    private_files.register(LegalAidCase, _case_files)


def _register_privacy() -> None:
    from apps.core.registry import account_closers, my_data_exports

    from .privacy import legal_records_close, my_legal_data

    my_data_exports.register(my_legal_data)
    account_closers.register(legal_records_close)
