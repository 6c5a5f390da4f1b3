"""What the reports app plugs into core: navigation, console menu, to-dos, data export, closers, file checkers."""
from __future__ import annotations


def can_see_file(user, obj, field_name: str) -> bool:
    from .models import ExportJob, SubmissionFile
    from .permissions import is_reviewer
    from .selectors import submissions_for_user

    if isinstance(obj, ExportJob):
        return obj.requested_by_id == user.pk and is_reviewer(user)
    if isinstance(obj, SubmissionFile):
        return submissions_for_user(user).filter(pk=obj.submission_id).exists()
    return False


def console_todos(user):
    from django.urls import reverse

    from apps.core.registry import TodoItem

    from .models import Submission
    from .permissions import is_reviewer
    from .selectors import open_submissions_for, submissions_for_user

    todos = []
    if user.has_perm("reports.submit_reports") and user.organization_id:
        todos.append(TodoItem(label="待填报的落实情况报告", count=open_submissions_for(user).count(),
                              url=reverse("reports:my_submissions"), group="落实情况报告"))
    if is_reviewer(user):
        todos.append(TodoItem(label="待审核的落实情况报告",
                              count=submissions_for_user(user).filter(status=Submission.Status.SUBMITTED).count(),
                              url=reverse("reports:review_queue"), group="落实情况报告"))
    return todos



def register() -> None:
    from apps.core.registry import ConsoleLink, NavItem, account_closers, console_menu, my_data_exports, nav_items
    from apps.core.registry import console_todos as todo_registry
    from apps.core.uploads import private_files

    from .models import ExportJob, SubmissionFile
    from .privacy import my_reports_data, reports_close

    nav_items.register(NavItem(label="落实情况报告", url_name="reports:home", order=800, icon="clipboard-data",
                               staff_only=True, description="报告任务、填报、审核与完成情况",
                               permissions=("reports.manage_tasks", "reports.review_submissions",
                                            "reports.view_overview", "reports.submit_reports")))
    for order, (label, url_name, icon, perm) in enumerate([
        ("报告任务", "reports:task_list", "clipboard-data", "reports.manage_tasks"),
        ("待审核报告", "reports:review_queue", "inbox", "reports.review_submissions"),
        ("本单位报告", "reports:my_submissions", "pencil-square", "reports.submit_reports"),
        ("全市总览", "reports:overview", "bar-chart-line", "reports.view_overview"),
    ]):
        console_menu.register(ConsoleLink(label=label, url_name=url_name, group="落实情况报告", icon=icon,
                                          order=300 + order, permissions=(perm,)))
    todo_registry.register(console_todos)
    my_data_exports.register(my_reports_data)
    account_closers.register(reports_close)
    private_files.register(SubmissionFile, can_see_file)
    private_files.register(ExportJob, can_see_file)
