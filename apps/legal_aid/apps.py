from django.apps import AppConfig

_LEGAL_DEPARTMENT = ["legal_aid.handle_consultation", "legal_aid.screen_risk"]
# Legal-aid cases (green channel): the legal department accepts and manages, lawyers work what they hold.
_CASES = ["legal_aid.handle_case"]
# The duty roster is kept in the admin by the city federation.
_ROSTER = ["legal_aid.view_dutyshift", "legal_aid.add_dutyshift", "legal_aid.change_dutyshift",
           "legal_aid.delete_dutyshift"]
# Labour disputes and collective negotiations: every level records its own enterprises'; the city alone
# sets what makes a dispute major.
_DISPUTES = ["legal_aid.record_dispute"]
_THRESHOLDS = ["legal_aid.view_disputethresholds", "legal_aid.change_disputethresholds"]


class LegalAidConfig(AppConfig):
    name = "apps.legal_aid"
    verbose_name = "法律援助"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_LEGAL_DEPARTMENT, *_ROSTER, *_CASES, *_DISPUTES, *_THRESHOLDS],
        "city_department": [*_LEGAL_DEPARTMENT, *_CASES, *_DISPUTES],
        "county_staff": [*_LEGAL_DEPARTMENT, *_CASES, *_DISPUTES],
        "grassroots_staff": ["legal_aid.screen_risk", *_DISPUTES],
        "volunteer_lawyer": ["legal_aid.answer_consultation", "legal_aid.work_case"],
    }
    periodic_tasks = [
        {"name": "法律援助：超时咨询督办", "task": "apps.legal_aid.tasks.escalate_overdue_consultations",
         "crontab": {"minute": "*/10", "hour": "*"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
