"""Core's own entries in its registries (navigation, console menu) and the periodic-task sync after migrate."""
from __future__ import annotations


def _sync_periodic_tasks(sender, **kwargs) -> None:
    # Once, after django_celery_beat's own tables exist.
    if sender.label == "django_celery_beat":
        from .schedules import sync_periodic_tasks

        sync_periodic_tasks()


def register() -> None:
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
