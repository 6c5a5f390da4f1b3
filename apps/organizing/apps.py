from django.apps import AppConfig

_COUNTY = ["organizing.review_membership", "organizing.screen_enterprises", "organizing.manage_social_workers",
           "organizing.view_membership", "organizing.view_foundingplan"]


class OrganizingConfig(AppConfig):
    name = "apps.organizing"
    verbose_name = "工会组建与会员"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_COUNTY, "organizing.manage_elections"],
        "city_department": _COUNTY,
        "county_staff": _COUNTY,
        "grassroots_staff": ["organizing.review_membership", "organizing.manage_social_workers"],
    }

    periodic_tasks = [
        {"name": "换届延期：提醒逾期未换届的工会", "task": "apps.organizing.tasks.remind_overdue_elections",
         "crontab": {"minute": "30", "hour": "8"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
