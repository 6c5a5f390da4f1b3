from django.apps import AppConfig

_STAFF = ["volunteers.approve_volunteer", "volunteers.manage_activity", "volunteers.manage_wish"]


class VolunteersConfig(AppConfig):
    name = "apps.volunteers"
    verbose_name = "志愿服务"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": _STAFF,
        "county_staff": _STAFF,
        "grassroots_staff": _STAFF,
    }
    periodic_tasks = [
        {"name": "志愿服务：释放逾期未实现的微心愿认领", "task": "apps.volunteers.tasks.release_overdue_claims",
         "crontab": {"minute": "20", "hour": "*"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
