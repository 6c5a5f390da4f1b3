"""Core's own entries in its registries (navigation, console menu) and the periodic-task sync after migrate."""
from __future__ import annotations


def _sync_periodic_tasks(sender, **kwargs) -> None:
    # Once, after django_celery_beat's own tables exist.
    if sender.label == "django_celery_beat":
        from .schedules import sync_periodic_tasks

        sync_periodic_tasks()


def my_consents(user):
    """/me/: the separate consents to process sensitive information, newest first."""
    from django.urls import reverse

    from .registry import MySection, RecordRow
    from .selectors import consents_of

    tones = {"given": "success", "attested": "primary", "withdrawn": "secondary"}
    rows = [RecordRow(title=consent.service, status=consent.get_kind_display(), when=consent.created_at,
                      status_tone=tones.get(consent.kind, "secondary"))
            for consent in consents_of(user)[:10]]
    if not rows:
        return None
    return MySection(title="敏感个人信息单独同意", rows=rows, more_url=reverse("core:privacy") + "#consent",
                     order=95)


def consents_close(*, user):
    """Account closing: the consent records stay, as proof that the processing was lawful."""
    from .models import SensitiveConsent
    from .registry import ClosureNote

    if not SensitiveConsent.objects.filter(subject=user).exists():
        return None
    return ClosureNote(app="个人信息保护", kept=[
        "您对处理敏感个人信息的单独同意及撤回记录只增不改，作为依法处理的凭证保留，与您的身份脱钩。"])


def register() -> None:
    from django.db.models.signals import post_migrate

    from .context_processors import layout_keys
    from .registry import (
        ConsoleLink,
        NavItem,
        account_closers,
        console_menu,
        my_records,
        nav_items,
        person_cache_keys,
    )

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
    my_records.register(my_consents)
    account_closers.register(consents_close)
    person_cache_keys.register(layout_keys)
