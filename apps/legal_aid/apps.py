from django.apps import AppConfig

_LEGAL_DEPARTMENT = ["legal_aid.handle_consultation", "legal_aid.screen_risk"]
# The duty roster is kept in the admin by the city federation.
_ROSTER = ["legal_aid.view_dutyshift", "legal_aid.add_dutyshift", "legal_aid.change_dutyshift",
           "legal_aid.delete_dutyshift"]


class LegalAidConfig(AppConfig):
    name = "apps.legal_aid"
    verbose_name = "法律援助"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_LEGAL_DEPARTMENT, *_ROSTER],
        "city_department": _LEGAL_DEPARTMENT,
        "county_staff": _LEGAL_DEPARTMENT,
        "grassroots_staff": ["legal_aid.screen_risk"],
        "volunteer_lawyer": ["legal_aid.answer_consultation"],
    }
    periodic_tasks = [
        {"name": "法律援助：超时咨询督办", "task": "apps.legal_aid.tasks.escalate_overdue_consultations",
         "crontab": {"minute": "*/10", "hour": "*"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
