from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "apps.training"
    verbose_name = "培训与竞赛"
    default_auto_field = "django.db.models.BigAutoField"
