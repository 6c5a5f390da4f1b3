from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "apps.recruitment"
    verbose_name = "招聘求职"
    default_auto_field = "django.db.models.BigAutoField"
