from django.apps import AppConfig

_EDITOR = ["publicity.write_article", "publicity.nominate"]
_REVIEWER = ["publicity.write_article", "publicity.review_article", "publicity.nominate"]


class PublicityConfig(AppConfig):
    name = "apps.publicity"
    verbose_name = "宣传与评选"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": [*_REVIEWER, "publicity.run_campaign", "publicity.judge_essay"],
        "county_staff": _REVIEWER,
        "grassroots_staff": _EDITOR,
    }

    def ready(self) -> None:
        from . import providers

        providers.register()
