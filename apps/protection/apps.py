from django.apps import AppConfig

_REVIEWER = [
    "protection.review_plan", "protection.manage_templates", "protection.handle_hazard",
    "protection.record_visit", "protection.view_dashboard",
]


class ProtectionConfig(AppConfig):
    name = "apps.protection"
    verbose_name = "劳动保护"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_REVIEWER, "protection.judge_ankang"],
        "city_department": ["protection.view_dashboard"],
        "county_staff": [*_REVIEWER, "protection.rectify_hazard"],
        "grassroots_staff": [
            "protection.submit_plan", "protection.fill_inspection", "protection.rectify_hazard",
            "protection.report_health", "protection.register_ankang",
        ],
    }
    periodic_tasks = [
        {"name": "劳动保护：逾期隐患督办", "task": "apps.protection.tasks.escalate_overdue_hazards",
         "crontab": {"minute": "15", "hour": "*"}},
        {"name": "劳动保护：监督检查复查提醒", "task": "apps.protection.tasks.send_follow_up_reminders",
         "crontab": {"minute": "0", "hour": "8"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
