from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = "账号与角色"
    default_auto_field = "django.db.models.BigAutoField"
    role_permissions = {
        "city_office": ["accounts.view_user", "accounts.change_user", "accounts.add_user"],
        "county_staff": ["accounts.view_user", "accounts.change_user", "accounts.add_user"],
    }

    periodic_tasks = [
        {"name": "个人信息：删除过期短信验证码", "task": "apps.accounts.tasks.purge_sms_codes",
         "crontab": {"minute": "15", "hour": "*"}},
        {"name": "个人信息：清理过期登录会话", "task": "apps.accounts.tasks.purge_expired_sessions",
         "crontab": {"minute": "20", "hour": "3"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
