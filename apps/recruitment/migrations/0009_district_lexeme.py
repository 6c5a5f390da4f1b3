"""On PostgreSQL: a post's district joins its search column as the lexeme ``@d<id>``.

A keyword with a district was answered by two bitmap index scans (the bigrams' GIN and the
district's B-tree, ~18,000 rows each at 200,000 posts) and their intersection. With the district
in the same column, one GIN scan intersects the posting lists of the keyword and the district
(bench/recruitment.md). ``@`` never starts a bigram of the document (those are letters of the
text) — and a title bigram starts with a space — so the lexeme cannot be matched by a keyword.
"""
from django.db import migrations

FORWARD = r"""
DROP INDEX IF EXISTS recruit_post_bigrams;
ALTER TABLE recruitment_jobpost DROP COLUMN IF EXISTS search_bigrams;
ALTER TABLE recruitment_jobpost ADD COLUMN search_bigrams tsvector
    GENERATED ALWAYS AS (recruitment_bigrams(search_document) || recruitment_title_bigrams(title)
                         || array_to_tsvector(ARRAY['@d' || COALESCE(district_id, 0)::text])) STORED;
CREATE INDEX IF NOT EXISTS recruit_post_bigrams ON recruitment_jobpost USING gin (search_bigrams);
"""

BACKWARD = """
DROP INDEX IF EXISTS recruit_post_bigrams;
ALTER TABLE recruitment_jobpost DROP COLUMN IF EXISTS search_bigrams;
ALTER TABLE recruitment_jobpost ADD COLUMN search_bigrams tsvector
    GENERATED ALWAYS AS (recruitment_bigrams(search_document) || recruitment_title_bigrams(title)) STORED;
CREATE INDEX IF NOT EXISTS recruit_post_bigrams ON recruitment_jobpost USING gin (search_bigrams);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0008_code_list_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
