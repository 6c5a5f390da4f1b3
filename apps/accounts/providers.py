"""What the accounts app plugs into core: its part of the data export, and role groups kept in step after migrate."""
from __future__ import annotations

from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    # post_migrate is sent once per app; the groups are synced once, after the last app's
    # permissions exist.
    from django.apps import apps

    if sender is [config for config in apps.get_app_configs() if config.models_module][-1]:
        from .roles import sync_roles

        sync_roles()


def register() -> None:
    from apps.core.registry import my_data_exports

    from .privacy import my_account_data

    my_data_exports.register(my_account_data)
    # Role groups follow the permissions every installed app declares; kept in step after migrate.
    post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
