"""What the protection app plugs into core: navigation, console menu, to-dos, private files, a reporter's
data copy and account closing."""
from __future__ import annotations

from django.urls import reverse

from apps.core.registry import PrivacyNote, TodoItem

GROUP = "劳动保护"


def console_todos(user) -> list[TodoItem]:
    from . import selectors
    from .models import Hazard, ResumptionPlan

    items = []
    if user.has_perm("protection.handle_hazard"):
        hazards = selectors.hazards_for_user(user)
        items.append(TodoItem(label="待交办的风险隐患", count=hazards.filter(status=Hazard.Status.REPORTED).count(),
                              url=reverse("protection:hazard_list") + "?status=reported", group=GROUP))
        items.append(TodoItem(label="待验收的隐患整改", count=hazards.filter(status=Hazard.Status.RECTIFIED).count(),
                              url=reverse("protection:hazard_list") + "?status=rectified", group=GROUP))
    if user.has_perm("protection.rectify_hazard") and not user.has_perm("protection.handle_hazard"):
        count = selectors.hazards_for_user(user).filter(
            status__in=[Hazard.Status.ASSIGNED, Hazard.Status.REOPENED]).count()
        items.append(TodoItem(label="待整改的风险隐患", count=count,
                              url=reverse("protection:hazard_list") + "?status=assigned", group=GROUP))
    if user.has_perm("protection.review_plan"):
        items.append(TodoItem(label="待审核的复工方案",
                              count=selectors.plans_for_user(user).filter(
                                  status=ResumptionPlan.Status.SUBMITTED).count(),
                              url=reverse("protection:plan_list") + "?status=submitted", group=GROUP))
    if user.has_perm("protection.submit_plan"):
        items.append(TodoItem(label="被退回的复工方案",
                              count=selectors.plans_for_user(user).filter(
                                  status=ResumptionPlan.Status.RETURNED).count(),
                              url=reverse("protection:plan_list") + "?status=returned", group=GROUP))
    return items


def _hazard_files(user, obj, field_name: str) -> bool:
    from . import selectors
    from .models import Hazard, HazardEvent

    if isinstance(obj, Hazard):
        return field_name == "photo" and selectors.hazards_for_user(user).filter(pk=obj.pk).exists()
    if isinstance(obj, HazardEvent):
        return field_name == "evidence" and selectors.hazards_for_user(user).filter(pk=obj.hazard_id).exists()
    return False


def _plan_files(user, obj, field_name: str) -> bool:
    from . import selectors
    from .models import PlanVersion, ResumptionPlan

    if field_name != "document":
        return False
    plan_id = obj.pk if isinstance(obj, ResumptionPlan) else obj.plan_id if isinstance(obj, PlanVersion) else None
    return plan_id is not None and selectors.plans_for_user(user).filter(pk=plan_id).exists()


# What this app collects about a person, for the privacy notice (/privacy/).
PRIVACY_NOTES = (
    PrivacyNote(
        info="隐患举报中留下的姓名和电话（选填，可匿名举报）",
        when="举报安全隐患",
        purpose="核实情况、向您反馈处理结果",
        keep="举报人的姓名和电话在您注销账号时删除，隐患记录本身保留。",
        order=30,
    ),
)


def register() -> None:
    from apps.core.registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        console_menu,
        my_data_exports,
        nav_items,
        privacy_notes,
    )
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import Hazard, HazardEvent, PlanVersion, ResumptionPlan
    from .permissions import ANY_PROTECTION_PERM
    from .privacy import hazard_reporter_close, my_hazard_data

    nav_items.register(NavItem(label="隐患举报", url_name="protection:report", order=60, icon="shield-exclamation",
                               description="发现安全或防疫隐患，可匿名举报并凭编号查询处理进度"))
    nav_items.register(NavItem(label="劳动保护", url_name="protection:hazard_list", order=61, icon="shield-check",
                               staff_only=True, description="复工方案、企业自查、风险隐患、监督检查、安康杯",
                               permissions=ANY_PROTECTION_PERM))
    for order, (label, url_name, icon, perms) in enumerate([
        ("风险隐患", "protection:hazard_list", "exclamation-triangle", ANY_PROTECTION_PERM),
        ("复工方案", "protection:plan_list", "file-earmark-check",
         ("protection.submit_plan", "protection.review_plan", "protection.view_dashboard")),
        ("自查清单", "protection:template_list", "list-check",
         ("protection.manage_templates", "protection.fill_inspection")),
        ("企业自查", "protection:inspection_list", "clipboard-check",
         ("protection.manage_templates", "protection.fill_inspection", "protection.view_dashboard")),
        ("监督检查", "protection:visit_list", "binoculars", ("protection.record_visit", "protection.view_dashboard")),
        ("健康监测", "protection:health_list", "heart-pulse",
         ("protection.report_health", "protection.view_dashboard")),
        ("安康杯", "protection:ankang_list", "trophy",
         ("protection.register_ankang", "protection.judge_ankang", "protection.view_dashboard")),
        ("劳动保护统计", "protection:dashboard", "bar-chart", ("protection.view_dashboard",)),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group=GROUP, icon=icon, order=400 + order,
                                          permissions=perms))
    todo_registry.register(console_todos)
    private_files.register(Hazard, _hazard_files)
    private_files.register(HazardEvent, _hazard_files)
    private_files.register(ResumptionPlan, _plan_files)
    private_files.register(PlanVersion, _plan_files)
    my_data_exports.register(my_hazard_data)
    account_closers.register(hazard_reporter_close)
    for note in PRIVACY_NOTES:
        privacy_notes.register(note)
