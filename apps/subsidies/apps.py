from django.apps import AppConfig

_REVIEW = ["subsidies.view_signals"]


class SubsidiesConfig(AppConfig):
    name = "apps.subsidies"
    verbose_name = "补贴与缓缴"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_REVIEW, "subsidies.manage_programme", "subsidies.approve_application",
                        "subsidies.pay_subsidy", "subsidies.approve_deferral"],
        "city_department": [*_REVIEW],
        "county_staff": [*_REVIEW, "subsidies.confirm_return", "subsidies.review_application",
                         "subsidies.apply_deferral", "subsidies.approve_deferral"],
        "grassroots_staff": ["subsidies.confirm_return", "subsidies.apply_deferral"],
    }
    periodic_tasks = [
        {"name": "补贴与缓缴：缓缴到期提醒", "task": "apps.subsidies.tasks.send_deferral_reminders",
         "crontab": {"minute": "30", "hour": "8"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
