from django.apps import AppConfig

_FUND_VIEW = ["relief.view_fund_ledger", "relief.view_dashboard"]
_AID = ["relief.enter_aid", "relief.review_aid"]


class ReliefConfig(AppConfig):
    name = "apps.relief"
    verbose_name = "帮扶救助"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_FUND_VIEW, "relief.manage_fund", "relief.allocate_fund", "relief.pay_aid",
                        "relief.edit_tier_rules", "relief.reveal_id_number", *_AID, "relief.record_visit",
                        "relief.manage_registry"],
        "city_department": [*_FUND_VIEW, "relief.review_aid"],
        "county_staff": [*_FUND_VIEW, "relief.allocate_fund", "relief.pay_aid", "relief.reveal_id_number",
                         *_AID, "relief.record_visit", "relief.manage_registry"],
        "grassroots_staff": ["relief.view_fund_ledger", *_AID, "relief.record_visit", "relief.manage_registry"],
    }
    periodic_tasks = [
        {"name": "帮扶救助：困难职工档案年度复核提醒", "task": "apps.relief.tasks.remind_registry_reviews",
         "crontab": {"minute": "30", "hour": "8"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
