from django.apps import AppConfig

_DEPARTMENT = [
    "women_workers.view_women_affairs", "women_workers.negotiate_arrangement", "women_workers.manage_counselling",
    "women_workers.manage_care", "women_workers.recommend_commendation",
]


class WomenWorkersConfig(AppConfig):
    name = "apps.women_workers"
    verbose_name = "女职工关爱"
    default_auto_field = "django.db.models.BigAutoField"
    # The women workers' department of a union is its staff holding these permissions.
    role_permissions = {
        "city_office": _DEPARTMENT,
        "city_department": _DEPARTMENT,
        "county_staff": _DEPARTMENT,
        "grassroots_staff": ["women_workers.negotiate_arrangement", "women_workers.manage_care",
                             "women_workers.recommend_commendation"],
    }
    periodic_tasks = [
        {"name": "女职工：心理咨询预约提醒", "task": "apps.women_workers.tasks.send_booking_reminders",
         "crontab": {"minute": "*/15", "hour": "*"}},
        {"name": "女职工：删除已注销账号危机预警保留期满的联系电话",
         "task": "apps.women_workers.tasks.purge_crisis_contacts", "crontab": {"minute": "40", "hour": "3"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
