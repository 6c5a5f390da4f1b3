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
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from . import providers

        providers.register()
        # Not business logic: every way of changing someone's groups (services, admin, either side
        # of the relation) must drop the cached "no group" at once, so a new role asks for the code.
        m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through,
                            dispatch_uid="accounts.two_factor.groups_changed")


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from .two_factor.services import forget_groups

    if not reverse:
        forget_groups([instance.pk])
    elif pk_set:
        forget_groups(pk_set)
