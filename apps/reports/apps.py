from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = "落实情况报告"
    default_auto_field = "django.db.models.BigAutoField"
