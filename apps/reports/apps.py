from django.apps import AppConfig


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
        from . import providers

        providers.register()
