"""On PostgreSQL the audit trail refuses UPDATE and DELETE at the database itself."""
from django.db import migrations

from apps.core.migration_ops import append_only


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [append_only("core_auditlog")]
