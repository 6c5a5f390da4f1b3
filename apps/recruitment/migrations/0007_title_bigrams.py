"""On PostgreSQL: the bigrams of a post's title join its search column, marked with a leading space.

Relevance ranking puts posts whose title holds the keyword first. A document bigram never holds
whitespace (recruitment_bigrams drops those pieces), so `` 焊工`` (space + bigram) can only come
from the title; the same GIN index then answers "matches anywhere" and "matches in the title".
"""
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION recruitment_title_bigrams(title text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 500 AS $$
    SELECT COALESCE(array_to_tsvector(array_agg(DISTINCT ' ' || substr(t, i, 2))), ''::tsvector)
    FROM (SELECT lower(title) AS t) AS s,
         generate_series(1, greatest(char_length(t) - 1, 1)) AS i
    WHERE substr(t, i, 2) !~ '\s' AND substr(t, i, 2) <> ''
$$;
DROP INDEX IF EXISTS recruit_post_bigrams;
ALTER TABLE recruitment_jobpost DROP COLUMN IF EXISTS search_bigrams;
ALTER TABLE recruitment_jobpost ADD COLUMN search_bigrams tsvector
    GENERATED ALWAYS AS (recruitment_bigrams(search_document) || recruitment_title_bigrams(title)) STORED;
CREATE INDEX IF NOT EXISTS recruit_post_bigrams ON recruitment_jobpost USING gin (search_bigrams);
"""

BACKWARD = """
DROP INDEX IF EXISTS recruit_post_bigrams;
ALTER TABLE recruitment_jobpost DROP COLUMN IF EXISTS search_bigrams;
ALTER TABLE recruitment_jobpost ADD COLUMN search_bigrams tsvector
    GENERATED ALWAYS AS (recruitment_bigrams(search_document)) STORED;
CREATE INDEX IF NOT EXISTS recruit_post_bigrams ON recruitment_jobpost USING gin (search_bigrams);
DROP FUNCTION IF EXISTS recruitment_title_bigrams(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0006_self_registered_enterprises_unverified")]

    operations = [migrations.RunPython(forwards, backwards)]
