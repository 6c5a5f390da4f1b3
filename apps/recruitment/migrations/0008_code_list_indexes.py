"""On PostgreSQL: GIN indexes over the ``|a|b|`` code lists read as arrays.

A seeker's wanted trades and a post's welcome groups are found with ``@> ARRAY[code]``
(search.has_code) from these indexes instead of a ``LIKE '%|code|%'`` scan of every row.
"""
from django.db import migrations

FORWARD = """
CREATE INDEX IF NOT EXISTS recruit_seeker_categories ON recruitment_seekerprofile
    USING gin ((string_to_array(trim(both '|' from desired_categories), '|')));
CREATE INDEX IF NOT EXISTS recruit_post_groups ON recruitment_jobpost
    USING gin ((string_to_array(trim(both '|' from key_groups), '|')));
"""

BACKWARD = """
DROP INDEX IF EXISTS recruit_seeker_categories;
DROP INDEX IF EXISTS recruit_post_groups;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0007_title_bigrams")]

    operations = [migrations.RunPython(forwards, backwards)]
