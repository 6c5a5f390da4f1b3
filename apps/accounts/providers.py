"""What the accounts app plugs into core: its part of the data export, role groups kept in step after migrate,
and the second factor's remembered "no group" dropped whenever someone's groups change."""
from __future__ import annotations

from django.db.models.signals import m2m_changed, post_migrate


def _sync_roles(sender, **kwargs) -> None:
    # post_migrate is sent once per app; the groups are synced once, after the last app's
    # permissions exist.
    from django.apps import apps

    if sender is [config for config in apps.get_app_configs() if config.models_module][-1]:
        from .roles import sync_roles

        sync_roles()


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    # Every way of changing someone's groups (services, admin, either side of the relation) drops the
    # cached "no group" at once, so a new role asks for the code.
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from .two_factor.services import forget_groups

    if not reverse:
        forget_groups([instance.pk])
    elif pk_set:
        forget_groups(pk_set)


def register() -> None:
    from django.contrib.auth import get_user_model

    from apps.core.registry import my_data_exports, person_cache_keys

    from .privacy import my_account_data
    from .two_factor.services import no_groups_keys

    person_cache_keys.register(no_groups_keys)

    my_data_exports.register(my_account_data)
    # Role groups follow the permissions every installed app declares; kept in step after migrate.
    post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
    m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through,
                        dispatch_uid="accounts.two_factor.groups_changed")
