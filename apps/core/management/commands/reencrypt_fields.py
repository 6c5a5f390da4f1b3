"""Re-encrypt every stored encrypted value with the current (first) FIELD_ENCRYPTION_KEY.

Encrypted columns are the model fields whose name ends in ``_cipher`` (the convention of
apps.core.crypto). Rows are rewritten in small locked batches, so the command can run while the
portal serves; running it twice is harmless. A value that no key opens is reported by table and
id and left as it is; the command then exits with an error so an operator does not drop the old key.
"""
from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from apps.core.crypto import DecryptionError, rotate

BATCH = 500


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    return [(model, field.name) for model in apps.get_models() for field in model._meta.concrete_fields
            if field.name.endswith("_cipher") and isinstance(field, models.TextField | models.CharField)]


class Command(BaseCommand):
    help = "用当前（第一个）FIELD_ENCRYPTION_KEY 重新加密所有加密字段，以便停用旧密钥。"

    def handle(self, *args, **options):
        failures: list[str] = []
        for model, field_name in encrypted_fields():
            rewritten = 0
            ids = list(model._default_manager.exclude(**{field_name: ""}).order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), BATCH):
                with transaction.atomic():
                    rows = model._default_manager.select_for_update().filter(pk__in=ids[start:start + BATCH])
                    changed = []
                    for row in rows.only("pk", field_name):
                        try:
                            setattr(row, field_name, rotate(getattr(row, field_name)))
                        except DecryptionError:
                            failures.append(f"{model._meta.label}.{field_name} id={row.pk}")
                            continue
                        changed.append(row)
                    model._default_manager.bulk_update(changed, [field_name])
                    rewritten += len(changed)
            self.stdout.write(f"{model._meta.label}.{field_name}：已重新加密 {rewritten} 条")
        if failures:
            raise CommandError("以下数据无法用任何已配置的密钥解密，未改动：" + "；".join(failures[:50]))
        self.stdout.write(self.style.SUCCESS("完成：所有加密数据已使用当前密钥。"))
