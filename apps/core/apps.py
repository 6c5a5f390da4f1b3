from django.apps import AppConfig


def _sync_periodic_tasks(sender, **kwargs) -> None:
    # Once, after django_celery_beat's own tables exist.
    if sender.label == "django_celery_beat":
        from .schedules import sync_periodic_tasks

        sync_periodic_tasks()


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
        from django.db.models.signals import post_migrate

        from .registry import ConsoleLink, NavItem, console_menu, nav_items
        post_migrate.connect(_sync_periodic_tasks, dispatch_uid="core.sync_periodic_tasks")

        nav_items.register(NavItem(label="工作台", url_name="core:console", order=900, icon="speedometer2",
                                   staff_only=True))
        for order, (label, url_name, icon, permissions) in enumerate([
            ("组织机构", "core:organization_list", "diagram-3", ()),
            ("企业", "core:enterprise_list", "buildings", ()),
            ("审计日志", "core:audit_list", "shield-check", ("core.view_audit",)),
        ]):
            console_menu.register(ConsoleLink(label=label, url_name=url_name, group="基础数据", icon=icon,
                                              order=990 + order, permissions=permissions))
