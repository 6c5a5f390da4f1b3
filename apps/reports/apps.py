from django.apps import AppConfig


def _check_file(user, obj, field_name: str) -> bool:
    from .models import ExportJob, SubmissionFile
    from .permissions import is_reviewer
    from .selectors import submissions_for_user

    if isinstance(obj, ExportJob):
        return obj.requested_by_id == user.pk and is_reviewer(user)
    if isinstance(obj, SubmissionFile):
        return submissions_for_user(user).filter(pk=obj.submission_id).exists()
    return False


def _console_todos(user):
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


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = "落实情况报告"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": ["reports.manage_tasks", "reports.review_submissions", "reports.view_overview"],
        "city_department": ["reports.view_overview"],
        "county_staff": ["reports.submit_reports"],
    }
    periodic_tasks = [
        {"name": "报告：开启周期任务的新一轮", "task": "apps.reports.tasks.create_due_rounds",
         "crontab": {"minute": "10", "hour": "0"}},
        {"name": "报告：催报提醒", "task": "apps.reports.tasks.send_reminders",
         "crontab": {"minute": "30", "hour": "8"}},
    ]

    def ready(self) -> None:
        from apps.core.registry import ConsoleLink, NavItem, console_menu, console_todos, nav_items
        from apps.core.uploads import private_files

        from .models import ExportJob, SubmissionFile

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
        console_todos.register(_console_todos)
        from apps.core.registry import account_closers, my_data_exports

        from .privacy import my_reports_data, reports_close

        my_data_exports.register(my_reports_data)
        account_closers.register(reports_close)
        private_files.register(SubmissionFile, _check_file)
        private_files.register(ExportJob, _check_file)
