"""On PostgreSQL the database itself refuses one person's overlapping live bookings (an exclusion
constraint over the person and the time range); on SQLite the service's check, under a lock, does it."""
from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE women_workers_booking ADD CONSTRAINT women_booking_no_overlap
    EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status <> 'cancelled');
"""
DROP = "ALTER TABLE women_workers_booking DROP CONSTRAINT IF EXISTS women_booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("women_workers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
