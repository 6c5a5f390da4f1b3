"""Keyword search: the same answers on every database; on PostgreSQL, from the bigram index."""
from __future__ import annotations

import pytest
from django.db import connection

from apps.core import pagecache
from apps.recruitment import search
from apps.recruitment.models import JobPost
from apps.recruitment.search import bigram_tsquery, build_document, split_terms, title_bigram_tsquery
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


def test_a_longer_term_asks_the_index_only_for_its_uncommon_bigrams():
    shares = {"企业": 0.99, "压测": 0.99, "测企": 0.99, "业0": 0.5, "00": 0.07, "07": 0.07, " 企业": 0.4}
    assert bigram_tsquery("压测企业0007", shares) == "'00' & '07'"
    assert bigram_tsquery("压测企业", shares) in {"'企业'", "'压测'", "'测企'"}  # all common: the rarest one
    assert bigram_tsquery("企业", shares) == "'企业'"  # two characters: no exact check follows, nothing dropped
    assert set(bigram_tsquery("压测企业0007").split(" & ")) == {"'00'", "'07'", "'业0'", "'企业'", "'压测'", "'测企'"}
    assert title_bigram_tsquery("企业家", shares) == "' 业家'"


@pytest.fixture
def forget_shares():
    pagecache.clear_local()
    yield
    pagecache.clear_local()


def test_postgres_common_bigrams_are_left_to_the_exact_check(xiuwu_enterprise, forget_shares):
    require_postgres()
    for index in range(40):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"普工{index}", description="焊接车间")
    target = JobPostFactory(enterprise=xiuwu_enterprise, title="质检员", description="焊接车间a7 工位")
    decoy = JobPostFactory(enterprise=xiuwu_enterprise, title="仓管员", description="空间a7 仓库")  # 间a, a7, 车间
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE recruitment_jobpost")
    before = set(search_posts({"q": "车间a7"}).values_list("pk", flat=True))
    from django.apps import apps

    from apps.recruitment import tasks

    assert "apps.recruitment.tasks.refresh_bigram_shares" in {
        t["task"] for t in apps.get_app_config("recruitment").periodic_tasks}
    assert tasks.refresh_bigram_shares.delay().get() > 0
    pagecache.clear_local()  # this process held "none yet" from the search above (a web worker: 2 s)
    assert search.bigram_shares()["车间"] > search.COMMON_BIGRAM_SHARE  # held by 41 of 42 posts
    query = search_posts({"q": "车间a7"})
    assert "'车间'" not in str(query.query) and "'a7'" in str(query.query)  # only the rare bigrams ask the index
    assert set(query.values_list("pk", flat=True)) == before == {target.pk}  # the decoy has them too: dropped
    assert decoy.pk not in before


# ---------------------------------------------------------------- relevance (相关度)
def _titles(client, url):
    return [card["title"] for card in client.get(url).context["cards"]]


@pytest.fixture
def ranked(xiuwu_enterprise):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    made = {}
    for age, title, description in [(1, "仓管员", "会电焊优先"), (2, "电焊工", "二保焊"), (3, "普工", "协助电焊工作"),
                                    (4, "氩弧焊工", "持电焊证"), (5, "电焊学徒", "包吃住")]:
        made[title] = JobPostFactory(enterprise=xiuwu_enterprise, title=title, description=description,
                                     published_at=now - timedelta(hours=age))
    JobPostFactory(enterprise=xiuwu_enterprise, title="厨师", description="中餐", published_at=now)
    return made


def test_keyword_ranks_title_matches_first_then_newest(client, ranked):
    assert _titles(client, "/jobs/?q=电焊") == ["电焊工", "电焊学徒", "仓管员", "普工", "氩弧焊工"]


def test_relevance_is_the_default_only_with_a_keyword(client, ranked):
    assert _titles(client, "/jobs/?q=电焊&sort=newest") == ["仓管员", "电焊工", "普工", "氩弧焊工", "电焊学徒"]
    assert _titles(client, "/jobs/")[:2] == ["厨师", "仓管员"]
    page = client.get("/jobs/?q=电焊").content.decode()
    assert '<option value="relevance" selected>相关度</option>' in page
    assert '<option value="newest" selected>最新发布</option>' in client.get("/jobs/").content.decode()


def test_three_character_term_in_title_needs_the_exact_substring(client, ranked, xiuwu_enterprise):
    JobPostFactory(enterprise=xiuwu_enterprise, title="焊电工", description="氩弧焊工岗位")  # bigrams in another order
    titles = _titles(client, "/jobs/?q=氩弧焊")
    assert titles[0] == "氩弧焊工" and "焊电工" in titles


def test_relevance_pages_run_on_from_titles_to_the_rest(client, xiuwu_enterprise, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for n in range(25):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{n}", description="厂内作业",
                       published_at=now - timedelta(minutes=n))
    for n in range(10):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"装配{n}", description="需要焊工基础",
                       published_at=now + timedelta(minutes=n))
    first = _titles(client, "/jobs/?q=焊工")
    assert first == [f"焊工{n}" for n in range(20)]
    with django_assert_max_num_queries(8):
        second = client.get("/jobs/?q=焊工&page=2")
    titles = [card["title"] for card in second.context["cards"]]
    assert titles == [f"焊工{n}" for n in range(20, 25)] + [f"装配{n}" for n in reversed(range(10))]
    assert "共 35 个岗位" in second.content.decode()


def test_relevance_with_many_title_matches_fills_the_page(client, xiuwu_enterprise, monkeypatch):
    from apps.recruitment.search import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for n in range(5):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{n}")
    JobPostFactory(enterprise=xiuwu_enterprise, title="装配", description="焊工基础")
    titles = _titles(client, "/jobs/?q=焊工")
    assert len(titles) == 6 and titles[-1] == "装配"


@pytest.mark.parametrize("cap", [1000, 3], ids=["read-with-the-count", "walked-in-the-index"])
@pytest.mark.parametrize(("query", "expected"), [
    ("q=电焊", ["电焊工", "电焊学徒", "仓管员", "普工", "氩弧焊工"]),
    ("q=电焊&sort=newest", ["仓管员", "电焊工", "普工", "氩弧焊工", "电焊学徒"]),
    ("q=电焊&sort=salary", ["电焊学徒", "氩弧焊工", "普工", "电焊工", "仓管员"]),
])
def test_a_page_is_in_the_same_order_whether_its_matches_are_few_or_many(client, ranked, monkeypatch, cap, query,
                                                                          expected):
    # At most the cap, the page is cut in Python from the matches the count read; over it, each group is
    # walked in the database's index. Both must give the order the database would.
    from apps.recruitment.search import CappedPaginator

    for salary, title in enumerate(["仓管员", "电焊工", "普工", "氩弧焊工", "电焊学徒"]):
        JobPost.objects.filter(pk=ranked[title].pk).update(salary_min=1000, salary_max=5000 + 100 * salary)
    monkeypatch.setattr(CappedPaginator, "cap", cap)
    response = client.get(f"/jobs/?{query}")
    assert response.context["result"]["is_capped"] == (cap == 3)
    assert [card["title"] for card in response.context["cards"]] == expected


def test_a_rare_term_costs_one_query_for_count_page_and_title_group(client, ranked, worker,
                                                                    django_assert_max_num_queries):
    client.force_login(worker)
    client.get("/jobs/")  # the layout's and the person's cached values
    # The matches with their sort keys, title flag and the page's columns (the count): the page is cut
    # from them, with no query of its own.
    with django_assert_max_num_queries(2) as captured:  # and the user's row
        response = client.get("/jobs/?q=电焊&sort=newest")
    assert [card["title"] for card in response.context["cards"]][:2] == ["仓管员", "电焊工"]
    assert "共 5 个岗位" in response.content.decode()
    assert len([q for q in captured.captured_queries if "recruitment_jobpost" in q["sql"]]) == 1


def test_the_index_walks_planner_settings_end_with_its_query(posts):
    # fetch_in_index_order sends SET LOCAL with its SELECT; inside a transaction (as here) they are reset at once.
    require_postgres()
    from django.db import transaction

    from apps.recruitment.search import fetch_in_index_order

    with transaction.atomic():
        rows = fetch_in_index_order(search_posts({"q": "焊"}).values_list("pk", flat=True)[:20])
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone() == ("on",)
    assert posts["welder"].pk in rows


def test_the_search_form_follows_the_districts_and_still_reports_bad_input(monkeypatch):
    from apps.recruitment import forms, selectors

    monkeypatch.setattr(selectors, "district_choices", lambda: [(1, "修武县"), (2, "博爱县")])
    assert forms.JobSearchForm({"district": "2"}).params() == {"district": 2}
    monkeypatch.setattr(selectors, "district_choices", lambda: [(3, "温县")])
    form = forms.JobSearchForm({"district": "2", "salary": "-5"})
    assert form.params() == {}
    assert set(form.errors) == {"district", "salary"}
    assert "温县" in form.selects()["district"] and "博爱县" not in form.selects()["district"]
    assert forms.JobSearchForm({"district": "3"}).params() == {"district": 3}


# ---------------------------------------------------------------- the 下一页 link's cursor (keyset pagination)
def _link(response, label: str) -> str | None:
    import html
    import re

    found = re.search(rf'href="\?([^"]*)">{label}</a>', response.content.decode())
    return "/jobs/?" + html.unescape(found[1]) if found else None


def _next_link(response) -> str | None:
    return _link(response, "下一页")


def _pks(response) -> list[int]:
    return [card["pk"] for card in response.context["cards"]]


@pytest.fixture
def many(client, worker, xiuwu_enterprise, monkeypatch):
    """65 matches of 焊工 (45 in the title), over a cap of 41: three pages, each walked in an index.
    Pairs of posts share a publication time and posts share salaries, so ties are broken by the pk.
    The client is signed in (an anonymous repeat would be answered by the page cache, without context)."""
    client.force_login(worker)
    from datetime import timedelta

    from django.utils import timezone

    from apps.recruitment.search import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 41)
    now = timezone.now()
    for n in range(65):
        title, description = (f"焊工{n}", "厂内作业") if n < 45 else (f"装配{n}", "需要焊工基础")
        JobPostFactory(enterprise=xiuwu_enterprise, title=title, description=description,
                       published_at=now - timedelta(minutes=n // 2), salary_min=1000, salary_max=5000 + n % 7 * 100)


@pytest.mark.parametrize("query", ["q=焊工", "q=焊工&sort=newest", "q=焊工&sort=salary", "sort=salary", ""])
def test_following_the_next_links_gives_the_pages_their_numbers_give(client, many, query):
    url, by_cursor = f"/jobs/?{query}", []
    for _page in range(3):
        response = client.get(url)
        by_cursor.append([card["pk"] for card in response.context["cards"]])
        url = _next_link(response)
        assert (url is None) == (_page == 2)
        if url:
            assert "after=" in url and f"page={_page + 2}" in url
    by_number = [[card["pk"] for card in client.get(f"/jobs/?{query}&page={n}").context["cards"]] for n in (1, 2, 3)]
    assert by_cursor == by_number
    assert len({pk for page in by_cursor for pk in page}) == sum(len(page) for page in by_cursor) == 60


@pytest.mark.parametrize("query", ["q=焊工", "q=焊工&sort=salary", ""])
def test_following_the_previous_links_back_gives_the_pages_their_numbers_give(client, many, query):
    third = client.get(_next_link(client.get(_next_link(client.get(f"/jobs/?{query}")))))
    back = _link(third, "上一页")
    assert "before=" in back and "page=2" in back
    second = client.get(back)
    assert _pks(second) == _pks(client.get(f"/jobs/?{query}&page=2"))
    first = _link(second, "上一页")
    assert "before=" not in first and "page=1" in first  # page 1 is read from the start
    assert _pks(client.get(first)) == _pks(client.get(f"/jobs/?{query}"))


def test_relevance_cursor_goes_back_from_the_others_into_the_title_groups_end(client, worker, xiuwu_enterprise,
                                                                              monkeypatch):
    from apps.recruitment.search import CappedPaginator

    client.force_login(worker)
    monkeypatch.setattr(CappedPaginator, "cap", 41)
    for n in range(65):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{n}" if n < 25 else f"装配{n}", description="焊工")
    third = client.get("/jobs/?q=焊工&page=3")
    back = _link(third, "上一页")
    assert "before=o" in back  # page 3 starts among the others; 15 of them come before it
    second = _pks(client.get(back))
    assert second == _pks(client.get("/jobs/?q=焊工&page=2"))
    titles = [JobPost.objects.get(pk=pk).title for pk in second]
    assert sum(title.startswith("焊工") for title in titles) == 5 and titles[0].startswith("焊工")


def test_relevance_cursor_runs_on_from_the_title_group_into_the_others(client, many):
    second = client.get(_next_link(client.get("/jobs/?q=焊工")))
    third = client.get(_next_link(second))
    assert "after=t" in _next_link(client.get("/jobs/?q=焊工"))
    titles = [card["title"] for card in third.context["cards"]]
    assert sorted(titles[:5]) == ["焊工40", "焊工41", "焊工42", "焊工43", "焊工44"]
    assert len(titles) == 20 and all(title.startswith("装配") for title in titles[5:])


def test_relevance_cursor_among_the_others_goes_on_with_them(client, xiuwu_enterprise, monkeypatch):
    from apps.recruitment.search import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 41)
    for n in range(50):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{n}" if n < 10 else f"装配{n}", description="焊工")
    first = client.get("/jobs/?q=焊工")
    link = _next_link(first)
    assert "after=o" in link  # the page ended among the others
    by_cursor = [card["pk"] for card in client.get(link).context["cards"]]
    assert by_cursor == [card["pk"] for card in client.get("/jobs/?q=焊工&page=2").context["cards"]]
    assert len(by_cursor) == 20 and not {card["pk"] for card in first.context["cards"]} & set(by_cursor)


def test_a_post_published_meanwhile_does_not_show_a_seen_row_again(client, many, xiuwu_enterprise):
    first = client.get("/jobs/?q=焊工&sort=newest")
    seen = [card["pk"] for card in first.context["cards"]]
    link = _next_link(first)
    JobPostFactory(enterprise=xiuwu_enterprise, title="焊工（新）")  # the newest now
    pagecache.bump("jobs")
    by_cursor = [card["pk"] for card in client.get(link).context["cards"]]
    by_number = [card["pk"] for card in client.get("/jobs/?q=焊工&sort=newest&page=2").context["cards"]]
    assert not set(by_cursor) & set(seen)
    assert by_number[0] == seen[-1]  # skipping 20 rows shows the last one seen again


@pytest.mark.parametrize("name", ["after", "before"])
@pytest.mark.parametrize("after", [
    "abc", "t", ".", "t1.", "x1.2", "-1.2", "t1.-2", "1.2.3", "9" * 40, "o1." + "9" * 20,
    "t999999999999999999.1",  # 31,000 years after 1970
    "o" + "9" * 18 + ".5", "1e5.2", "１２.３", "t12 .3",
])
def test_a_hand_made_cursor_is_left_out(client, many, name, after):
    expected = [card["pk"] for card in client.get("/jobs/?q=焊工&page=2").context["cards"]]
    response = client.get("/jobs/", {"q": "焊工", "page": "2", name: after})
    assert response.status_code == 200
    assert [card["pk"] for card in response.context["cards"]] == expected


def test_a_salary_cursor_beyond_any_salary_or_of_another_order_is_left_out(client, many):
    expected = [card["pk"] for card in client.get("/jobs/?sort=salary&page=2").context["cards"]]
    for after in ["9999999999.1", "t5000.1", "o5000.1", "５０００.１"]:
        response = client.get("/jobs/", {"sort": "salary", "page": "2", "after": after})
        assert [card["pk"] for card in response.context["cards"]] == expected


@pytest.mark.parametrize(("page", "label", "condition"), [
    (2, "下一页", "published_at <="), (3, "上一页", "published_at >="),
])
def test_the_cursor_starts_the_walk_in_the_index(client, many, page, label, condition):
    # The page next to a cursor is not found by skipping rows: PostgreSQL starts the newest-first index
    # at it (backwards for the page before).
    require_postgres()
    from django.test.utils import CaptureQueriesContext

    link = _link(client.get(f"/jobs/?q=焊工&sort=newest&page={page}"), label)
    pagecache.bump("jobs")
    with CaptureQueriesContext(connection) as captured:
        client.get(link)
    (walk,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SET LOCAL")]
    assert "OFFSET" not in walk
    select = walk[walk.index("SELECT"):]
    with connection.cursor() as cursor:
        cursor.execute(search._INDEX_WALK + "EXPLAIN (FORMAT JSON) " + select)
        plan = cursor.fetchall()[-1][0][0]["Plan"]
    while plan.get("Node Type") == "Limit":
        plan = plan["Plans"][0]
    assert plan["Index Name"] == "recruit_post_newest" and condition in plan["Index Cond"]
