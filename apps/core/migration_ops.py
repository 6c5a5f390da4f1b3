"""Operations for migrations that only make sense on PostgreSQL (indexes SQLite cannot hold, triggers)."""
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


def append_only(table: str) -> migrations.RunPython:
    """On PostgreSQL, a trigger that refuses UPDATE and DELETE on ``table``: a record that must never be
    rewritten (the audit trail, consents) is protected at the database itself, whatever the code does."""
    create = f"""
CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_refuse_change();
"""
    return postgres_only_sql(create, drop)
