from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    # post_migrate is sent once per app; the groups are synced once, after the last app's
    # permissions exist.
    from django.apps import apps

    if sender is [config for config in apps.get_app_configs() if config.models_module][-1]:
        from .roles import sync_roles

        sync_roles()


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
        from apps.core.registry import my_data_exports

        from .privacy import my_account_data

        my_data_exports.register(my_account_data)
        # Role groups follow the permissions every installed app declares; kept in step after migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")

