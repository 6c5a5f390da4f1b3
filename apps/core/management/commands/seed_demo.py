"""Fill the database with demonstration data. Idempotent: run it as often as you like.

Each app that has demo data keeps it in ``apps/<app>/demo.py`` with a ``seed(stdout)``
function; they run in INSTALLED_APPS order, so an app's data can rely on the apps before it.
A demo module may also have ``summary() -> list[str]``: lines printed at the end (the accounts app
lists the demonstration sign-ins there), so core never imports another app.
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
        seeded = []
        for config in apps.get_app_configs():
            if not config.name.startswith("apps.") or find_spec(f"{config.name}.demo") is None:
                continue
            self.stdout.write(f"{config.verbose_name}：", ending="")
            module = import_module(f"{config.name}.demo")
            with transaction.atomic():
                module.seed(stdout=self.stdout)
            seeded.append(module)
        self.stdout.write(self.style.SUCCESS("\n演示数据已就绪。"))
        for module in seeded:
            for line in getattr(module, "summary", list)():
                self.stdout.write(line)
