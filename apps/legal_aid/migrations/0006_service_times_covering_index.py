"""On PostgreSQL: a covering index for the staff overview's period scans.

The overview reads, for the consultations created in the period, their organisation, status,
lawyer, category and the two service times (counts by status; median and 90th percentile by lawyer
and by category). Over a year at 50,000 consultations the heap scan of those wide rows (the facts
text lives there) cost about 45 ms per query; with the columns carried in the index the same rows
come from an index-only scan in about 4 ms (bench/legal_aid.md). SQLite has no INCLUDE, so the
index exists only on PostgreSQL; elsewhere the queries are the same and just slower.
"""
from django.db import migrations

from apps.core.migration_ops import postgres_only_sql

FORWARD = """
CREATE INDEX IF NOT EXISTS legal_cons_stats ON legal_aid_consultation (created_at)
    INCLUDE (organization_id, status, lawyer_id, category_id, first_response_seconds, resolution_seconds);
"""
BACKWARD = "DROP INDEX IF EXISTS legal_cons_stats;"


class Migration(migrations.Migration):
    dependencies = [("legal_aid", "0005_disputes_negotiations")]

    operations = [postgres_only_sql(FORWARD, BACKWARD)]
