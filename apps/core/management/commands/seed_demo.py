"""Fill the database with demonstration data. Idempotent: run it as often as you like.

Each app that has demo data keeps it in ``apps/<app>/demo.py`` with a ``seed(stdout)``
function; they run in INSTALLED_APPS order, so an app's data can rely on the apps before it.
"""
from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "填充演示数据（可重复运行）"

    def handle(self, *args, **options) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("apps.") or find_spec(f"{config.name}.demo") is None:
                continue
            self.stdout.write(f"{config.verbose_name}：", ending="")
            with transaction.atomic():
                import_module(f"{config.name}.demo").seed(stdout=self.stdout)
        from apps.accounts.demo import DEMO_PASSWORD, LOGINS

        self.stdout.write(self.style.SUCCESS(f"\n演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username, label in LOGINS:
            self.stdout.write(f"  {username:<18} {label}")
