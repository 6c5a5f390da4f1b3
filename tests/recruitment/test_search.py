"""Keyword search: the same answers on every database; on PostgreSQL, from the bigram index."""
from __future__ import annotations

import pytest
from django.db import connection

from apps.recruitment.search import bigram_tsquery, build_document, split_terms
from apps.recruitment.selectors import search_posts
from tests.conftest import require_postgres

from .factories import JobPostFactory

pytestmark = pytest.mark.django_db


def test_bigram_query_text():
    assert bigram_tsquery("焊工") == "'焊工'"
    assert set(bigram_tsquery("电焊工").split(" & ")) == {"'电焊'", "'焊工'"}
    assert bigram_tsquery("焊") == "'焊':*"
    assert set(bigram_tsquery("o'k").split(" & ")) == {"'o'''", "'''k'"}
    assert split_terms("  焊工   修武 ") == ["焊工", "修武"]
    assert build_document("CNC  车工", "Welder") == "cnc 车工 welder"


@pytest.fixture
def posts(xiuwu_enterprise):
    return {
        "welder": JobPostFactory(enterprise=xiuwu_enterprise, title="电焊工", description="二氧化碳保护焊"),
        "electrician": JobPostFactory(enterprise=xiuwu_enterprise, title="维修电工", description="PLC 变频器"),
        "driver": JobPostFactory(enterprise=xiuwu_enterprise, title="叉车司机", description="持证上岗"),
    }


@pytest.mark.parametrize("query, expected", [
    ("焊工", {"welder"}),
    ("电工", {"electrician"}),
    ("电", {"welder", "electrician"}),
    ("保护焊", {"welder"}),
    ("护保焊", set()),  # the same bigrams in another order are not a match
    ("plc", {"electrician"}),
    ("叉车 司机", {"driver"}),
    ("恒达", {"welder", "electrician", "driver"}),
    ("不存在的岗位", set()),
])
def test_keyword_search(posts, query, expected):
    found = set(search_posts({"q": query}).values_list("pk", flat=True))
    assert found == {posts[name].pk for name in expected}


def test_postgres_keyword_search_uses_the_bigram_index(posts):
    require_postgres()
    from apps.recruitment.models import JobPost
    from apps.recruitment.services import refresh_search_document

    template = posts["driver"]
    filler = []
    for index in range(2000):
        post = JobPost(**{f.attname: getattr(template, f.attname) for f in JobPost._meta.concrete_fields
                          if f.name != "id"})
        post.title = f"普工{index}"
        refresh_search_document(post)
        filler.append(post)
    JobPost.objects.bulk_create(filler)
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('recruit_post_bigrams'::regclass)")
        cursor.execute("ANALYZE recruitment_jobpost")
        # A small test table is cheaper to scan; forbid that to see that the index serves the term.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search_posts({"q": "焊工"}).order_by().explain()
    assert "recruit_post_bigrams" in plan, plan
