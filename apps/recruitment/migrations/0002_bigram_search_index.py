"""On PostgreSQL: a GIN index over the character bigrams of each post's search document.

Most Chinese job searches are two characters (焊工, 电工), too short for pg_trgm; every
two-character piece of the text as a tsvector lexeme answers them from the index. Other
databases (SQLite in development) scan with icontains instead.
"""
from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION recruitment_bigrams(document text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 500 AS $$
    SELECT COALESCE(array_to_tsvector(array_agg(DISTINCT substr(d, i, 2))), ''::tsvector)
    FROM (SELECT lower(document) AS d) AS s,
         generate_series(1, char_length(d) - 1) AS i
    WHERE substr(d, i, 2) !~ '\s'
$$;
CREATE INDEX IF NOT EXISTS recruit_post_bigrams
    ON recruitment_jobpost USING gin (recruitment_bigrams(search_document));
"""

DROP = """
DROP INDEX IF EXISTS recruit_post_bigrams;
DROP FUNCTION IF EXISTS recruitment_bigrams(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
