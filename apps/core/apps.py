from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "基础数据"
    default_auto_field = "django.db.models.BigAutoField"
    # Permissions each role holds in this app (see apps.accounts.roles).
    role_permissions = {
        "city_office": ["core.use_console", "core.manage_enterprises", "core.view_audit",
                        "core.view_organization", "core.view_enterprise", "core.change_enterprise",
                        "core.add_enterprise", "core.view_auditlog"],
        "city_department": ["core.use_console", "core.manage_enterprises", "core.view_organization",
                            "core.view_enterprise"],
        "county_staff": ["core.use_console", "core.manage_enterprises", "core.view_audit",
                         "core.view_organization", "core.view_enterprise", "core.change_enterprise",
                         "core.add_enterprise", "core.view_auditlog"],
        "grassroots_staff": ["core.use_console", "core.manage_enterprises", "core.view_enterprise"],
        "volunteer_lawyer": [],
        "counsellor": [],
    }

    periodic_tasks = [
        {"name": "基础：补发代理积压的后台任务", "task": "apps.core.tasks.sweep_outbox", "crontab": {"minute": "*"}},
    ]

    def ready(self) -> None:
        from . import providers

        providers.register()
