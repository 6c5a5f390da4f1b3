from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    verbose_name = "通知"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import providers

        providers.register()
