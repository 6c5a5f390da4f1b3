"""Operations for migrations that only make sense on PostgreSQL (indexes SQLite cannot hold)."""
from __future__ import annotations

from django.db import migrations


def postgres_only_sql(forward: str, backward: str) -> migrations.RunPython:
    """Run ``forward`` (and ``backward`` when unapplied) on PostgreSQL; nothing elsewhere, where the
    queries stay the same and only lack the index."""

    def run(sql: str):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)
        return operation

    return migrations.RunPython(run(forward), run(backward))
