"""Benchmark of the job search at 200,000 posts and 50,000 seekers (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_speed ./.venv/bin/python bench/recruitment_bench.py

Creates its own database (``<name>_recruit``; the database DATABASE_URL names is never written) and
drops it at the end; ``--keep`` leaves it for the next run, which then skips the fill. Reports, for
a signed-in seeker (anonymous pages are served from the page cache), the search page with and
without a keyword and the detail page: p50/p95 server time and the number of queries; and prints
EXPLAIN ANALYZE of the queries the page runs. See bench/recruitment.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchenv  # noqa: E402  (production settings: DEBUG off, no query log)

benchenv.prepare()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# Django loaded as a gunicorn worker loads it (jiaozuo_union/wsgi.py: setup, then gc.freeze).
import jiaozuo_union.wsgi  # noqa: E402,F401

POSTS = 200_000
SEEKERS = 50_000
BATCH = 5_000
TITLES = ["焊工", "电焊工", "氩弧焊工", "电工", "维修电工", "数控车工", "加工中心操作工", "普工", "装配工", "叉车司机",
          "货车司机", "快递员", "仓管员", "护工", "养老护理员", "育婴员", "保洁员", "厨师", "服务员", "销售代表",
          "客服专员",
          "小学教师", "培训讲师", "钢筋工", "瓦工", "软件测试员", "网络运维", "会计", "行政文员", "质检员", "机修工",
          "注塑工", "包装工", "保安", "司机", "水电工", "油漆工", "木工", "电商运营", "主播"]
PHRASES = ["吃苦耐劳", "服从安排", "适应倒班", "有相关经验优先", "持证上岗", "包吃住", "五险一金", "计件工资",
           "多劳多得",
           "年龄十八至五十岁", "身体健康", "能看懂图纸", "熟悉设备维护", "有驾照优先", "普通话标准", "会电脑操作",
           "长期稳定", "节日福利", "提供宿舍", "班车接送", "技能补贴", "带薪年假", "定期体检", "岗前培训"]
CATEGORIES = ["welding", "electrical", "machining", "assembly", "logistics", "warehouse", "care", "domestic",
              "catering", "sales", "education", "construction", "it", "office", "other"]
GROUPS = ["unemployed", "transferred", "needy_family", "migrant", "graduate"]


def fill(refill: bool) -> None:
    from apps.accounts.models import User
    from apps.core import demo as core_demo
    from apps.core.models import Enterprise, Organization
    from apps.recruitment.models import JobPost, JobPostKeyGroup, SeekerDesiredCategory, SeekerProfile
    from apps.recruitment.services import refresh_search_document

    if JobPost.objects.count() >= POSTS and not refill:
        print(f"已有 {JobPost.objects.count()} 个岗位，跳过填充（--refill 重新填充）")
        return
    rng = random.Random(2026)
    started = time.perf_counter()
    with transaction.atomic():
        core_demo.seed()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE recruitment_jobpost, recruitment_seekerprofile CASCADE")
            cursor.execute("DROP INDEX IF EXISTS recruit_post_bigrams")
        counties = list(Organization.objects.filter(org_type=Organization.Type.COUNTY).order_by("code"))
        existing = Enterprise.objects.filter(name__startswith="压测企业").count()
        Enterprise.objects.bulk_create([
            Enterprise(name=f"压测企业{i:04d}{rng.choice(['机械', '物流', '电子', '食品', '化工'])}有限公司",
                       credit_code=f"BENCH{i:013d}", district=counties[i % len(counties)], industry="制造业",
                       size="small") for i in range(existing, 2000)])
        enterprises = list(Enterprise.objects.select_related("district"))
    print(f"企业 {len(enterprises)} 家")
    now = timezone.now()
    today = timezone.localdate()
    for start in range(0, POSTS, BATCH):
        batch, welcomed = [], []
        for _ in range(BATCH):
            enterprise = rng.choice(enterprises)
            title = rng.choice(TITLES)
            low = rng.randrange(2500, 9000, 100)
            description = "，".join(rng.sample(PHRASES, 4)) + "。"
            benefits = "，".join(rng.sample(PHRASES, 2))
            district = enterprise.district
            post = JobPost(
                enterprise=enterprise, district=district, title=title, category=rng.choice(CATEGORIES),
                address=f"{district.name.replace('总工会', '')}工业路{rng.randint(1, 300)}号",
                salary_min=low, salary_max=low + rng.randrange(500, 4000, 100), headcount=rng.randint(1, 20),
                description=description, benefits=benefits,
                contact_name="人事部", contact_phone="03913560000",
                valid_until=today + timedelta(days=rng.randint(1, 90)), status="published",
                published_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)))
            refresh_search_document(post)  # the very document production indexes
            batch.append(post)
            welcomed.append(rng.sample(GROUPS, 2))
        JobPost.objects.bulk_create(batch)
        JobPostKeyGroup.objects.bulk_create([JobPostKeyGroup(post=post, code=code)
                                             for post, codes in zip(batch, welcomed, strict=True) for code in codes])
        print(f"  岗位 {start + BATCH}", end="\r", flush=True)
    print()
    password = make_password("bench-not-a-login")
    existing_users = set(User.objects.filter(username__startswith="bench").values_list("username", flat=True))
    User.objects.bulk_create([User(username=f"bench{i:06d}", password=password, real_name=f"求职者{i}")
                              for i in range(SEEKERS) if f"bench{i:06d}" not in existing_users], batch_size=BATCH)
    users = list(User.objects.filter(username__startswith="bench").values_list("pk", flat=True))
    profiles = SeekerProfile.objects.bulk_create([
        SeekerProfile(user_id=pk, real_name=f"求职者{i}", phone="13900000000", district=counties[i % len(counties)],
                      key_group=rng.choice(GROUPS), desired_salary=rng.randrange(3000, 8000, 500))
        for i, pk in enumerate(users)], batch_size=BATCH)
    SeekerDesiredCategory.objects.bulk_create([
        SeekerDesiredCategory(seeker=profile, code=code)
        for profile in profiles for code in rng.sample(CATEGORIES, 2)], batch_size=BATCH)
    WantedCounty = SeekerProfile.desired_districts.through
    WantedCounty.objects.bulk_create([
        WantedCounty(seekerprofile_id=profile.pk, organization_id=county.pk)
        for profile in profiles for county in {profile.district, rng.choice(counties)}], batch_size=BATCH)
    print(f"求职者 {len(users)} 人")
    print("建立二元组 GIN 索引……", flush=True)
    index_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("CREATE INDEX recruit_post_bigrams ON recruitment_jobpost USING gin (search_bigrams)")
        cursor.execute("VACUUM ANALYZE")
    print(f"索引 {time.perf_counter() - index_started:.0f} 秒；填充共 {time.perf_counter() - started:.0f} 秒")


def measure(client: Client, url: str, rounds: int, *, mode: str = "warm") -> tuple[float, float, int, int]:
    """p50, p95, most queries. ``mode``: "warm", the kept search results answer (a repeat while no
    post changed); "cold", every request misses them (a bump of "jobs" before each, as after any change
    of a post; each post's card and a common term's "over the cap" stay kept, as they do then);
    "empty", the whole cache is emptied before each request (as after a restart of Redis)."""
    from django.core.cache import cache

    from apps.core import pagecache

    times, queries = [], []
    client.get(url)  # warm-up
    for _ in range(rounds):
        if mode == "cold":
            pagecache.bump("jobs")
        elif mode == "empty":
            cache.clear()
            pagecache.clear_local()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed)
        queries.append(len(captured.captured_queries))
    if mode == "empty":  # the periodic task fills the statistics in again within ten minutes
        from apps.recruitment import search

        search.refresh_bigram_shares()
        pagecache.clear_local()  # a web worker would read them within PUBLIC_PAGE_LOCAL_SECONDS
    times.sort()
    p95 = times[max(0, int(round(len(times) * 0.95)) - 1)]
    return statistics.median(times), p95, max(queries), len(times)


def bare_view(client: Client, rounds: int) -> tuple[float, float, int, int]:
    """The same measure of ``HttpResponse("ok")`` through the same middleware, signed in: what any
    signed-in request costs on this machine before its view (the session, the user row, the second
    factor's check). Absolute figures differ between machines; this line says how fast this one is."""
    settings.ROOT_URLCONF = "bench.bench_urls"
    try:
        return measure(client, "/bench/bare/", rounds)
    finally:
        settings.ROOT_URLCONF = "jiaozuo_union.urls"


def followed_to_page(client, url: str, number: int) -> str:
    """The address of page ``number`` as a reader reaches it: by the 下一页 link of each page before."""
    import html
    import re

    for _page in range(number - 1):
        url = "/jobs/?" + html.unescape(re.search(r'href="\?([^"]*)">下一页</a>', client.get(url).content.decode())[1])
    return url


def report(rounds: int) -> None:
    from apps.accounts.models import User
    from apps.core.selectors import counties
    from apps.recruitment.models import JobPost

    # Not setup_test_environment(): its template instrumentation copies every context on every
    # render (a quarter of a list page's time), which production does not do.
    client = Client()
    client.force_login(User.objects.filter(username__startswith="bench").order_by("pk").first())
    district = counties().first().pk
    sample_pk = JobPost.objects.order_by("?").values_list("pk", flat=True).first()
    total = JobPost.objects.count()
    cases = [
        ("列表，无关键词（最新）", "/jobs/"),
        ("列表，无关键词，按薪资", "/jobs/?sort=salary"),
        ("列表，无关键词，地区+重点群体", f"/jobs/?district={district}&group=migrant"),
        ("关键词，两字常见词 焊工（相关度）", "/jobs/?q=焊工"),
        ("关键词，两字常见词 焊工，最新", "/jobs/?q=焊工&sort=newest"),
        ("关键词，两字常见词 司机，按薪资", "/jobs/?q=司机&sort=salary"),
        ("关键词，两字+地区 电工", f"/jobs/?q=电工&district={district}"),
        ("关键词，三字 氩弧焊", "/jobs/?q=氩弧焊"),
        ("关键词，企业名 压测企业0007", "/jobs/?q=压测企业0007"),
        ("关键词，无结果 不存在岗位", "/jobs/?q=不存在岗位"),
        ("关键词，第 10 页 普工（第 9 页的“下一页”）", followed_to_page(client, "/jobs/?q=普工", 10)),
        ("关键词，第 10 页 普工（手输 page=10）", "/jobs/?q=普工&page=10"),
        ("详情页", f"/jobs/{sample_pk}/"),
    ]
    print(f"\n岗位 {total} 个；每项 {rounds} 次（已登录的求职者，Django 测试客户端，含模板渲染，不含网络）")
    print(f"缓存：{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}；"
          "冷 = 每次请求前更新“jobs”版本（结果块未命中，如任一岗位刚变更），热 = 结果块已缓存，"
          "全空 = 每次请求前清空缓存（如 Redis 重启）")
    bare = bare_view(client, rounds)
    print(f"对照：空视图（HttpResponse，同一中间件，已登录）p50 {bare[0]:.1f} ms，p95 {bare[1]:.1f} ms，"
          f"{bare[2]} 次查询")
    print(f"{'场景':<30}{'冷 p50':>8}{'冷 p95':>8}{'查询':>5}{'热 p50':>8}{'热 p95':>8}{'查询':>5}"
          f"{'全空 p50':>9}{'全空 p95':>9}{'查询':>5}")
    for label, url in cases:
        cold = measure(client, url, rounds, mode="cold")
        warm = measure(client, url, rounds)
        empty = measure(client, url, max(10, rounds // 4), mode="empty")
        print(f"{label:<30}{cold[0]:>8.1f}{cold[1]:>8.1f}{cold[2]:>5}{warm[0]:>8.1f}{warm[1]:>8.1f}{warm[2]:>5}"
              f"{empty[0]:>9.1f}{empty[1]:>9.1f}{empty[2]:>5}")
    for term in ("焊工", "氩弧焊", "叉车司机"):
        explain_term(term)
    explain_term("电工", district=district)
    explain_relevance("焊工")
    explain_relevance("压测企业0007")
    explain_group("migrant", district)
    explain_walks(client, [(label, url) for label, url in cases if "第 10 页" in label])
    time_matching()


def explain_relevance(term: str) -> None:
    """EXPLAIN ANALYZE of the title-match count and first page of the 相关度 order."""
    from apps.recruitment.search import RelevancePaginator, title_match_q
    from apps.recruitment.selectors import search_posts

    queryset = search_posts({"q": term})
    title_q = title_match_q(queryset, term)
    paginator = RelevancePaginator(queryset, 20, title_q=title_q)
    print(f"\n—— 相关度“{term}”：标题命中 {paginator.title_count}（封顶 {paginator.cap + 1}），"
          f"共 {paginator.count_label}")
    print(queryset.filter(title_q).order_by().values("pk")[: paginator.cap + 1].explain(analyze=True))


def explain_group(group: str, district: int) -> None:
    """EXPLAIN ANALYZE of the welcomed-group filter (an EXISTS on the (code, post) index), with a district."""
    from apps.recruitment.search import CappedPaginator
    from apps.recruitment.selectors import search_posts

    queryset = search_posts({"group": group, "district": district})
    paginator = CappedPaginator(queryset, 20)
    print(f"\n—— 重点群体 {group} + 地区 {district}：封顶计数 {paginator.count_label}")
    print(queryset.order_by().values("pk")[: paginator.cap + 1].explain(analyze=True))
    print("—— 第一页 20 条（主键与更新时间；卡片按岗位与其更新时间缓存，未命中的由主键读出）")
    print(queryset.values_list("pk", "updated_at")[:20].explain(analyze=True))


def time_matching() -> None:
    """One post's and one seeker's recommendations over the whole pool (candidates from the code indexes)."""
    from apps.recruitment import services
    from apps.recruitment.models import JobPost, SeekerProfile

    post_ids = list(JobPost.objects.order_by("?").values_list("pk", flat=True)[:5])
    profile_ids = list(SeekerProfile.objects.order_by("?").values_list("pk", flat=True)[:5])
    for label, run, ids in (("岗位 → 求职者", services.recommendations_for_post, post_ids),
                            ("求职者 → 岗位", services.recommendations_for_profile, profile_ids)):
        times = []
        for pk in ids:
            started = time.perf_counter()
            run(**({"post_id": pk} if run is services.recommendations_for_post else {"profile_id": pk}))
            times.append((time.perf_counter() - started) * 1000)
        print(f"\n—— 匹配 {label}：{len(ids)} 次，中位数 {statistics.median(times):.1f} ms，最长 {max(times):.1f} ms")


def explain_term(term: str, district: int | None = None) -> None:
    """EXPLAIN ANALYZE of the two queries the search page runs for ``term``, as the view runs them."""
    from apps.recruitment.search import CappedPaginator
    from apps.recruitment.selectors import search_posts

    queryset = search_posts({"q": term, "sort": "newest", **({"district": district} if district else {})})
    paginator = CappedPaginator(queryset, 20)
    started = time.perf_counter()
    count = paginator.count
    elapsed = (time.perf_counter() - started) * 1000
    where = f"+地区 {district}" if district else ""
    print(f"\n—— 关键词“{term}”{where}：封顶计数 {paginator.count_label}（{count} 行，{elapsed:.1f} ms）")
    print(queryset.order_by().values("pk")[: paginator.cap + 1].explain(analyze=True))
    print(f"—— 关键词“{term}”：第一页 20 条{'（常见词：按发布时间索引顺序查找）' if paginator.is_capped else ''}")
    if paginator.is_capped:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; "
                           "SET LOCAL enable_sort = off; SET LOCAL max_parallel_workers_per_gather = 0")
            print(queryset[:20].explain(analyze=True))
    else:
        print(queryset[:20].explain(analyze=True))


def explain_walks(client, cases: list[tuple[str, str]]) -> None:
    """EXPLAIN ANALYZE of the index walk a page runs, as the view sends it (its SET LOCAL included),
    the result block dropped first: page 10 by its number (rows skipped) and by the 下一页 cursor."""
    from django.test.utils import CaptureQueriesContext

    from apps.core import pagecache

    for label, url in cases:
        pagecache.bump("jobs")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        walks = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SET LOCAL")]
        for sql in walks:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql.replace("SELECT", "EXPLAIN (ANALYZE, BUFFERS) SELECT", 1))
                print(f"\n—— {label}：页面查询（索引顺序查找）")
                print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--refill", action="store_true", help="清空并重新填充岗位与求职者")
    parser.add_argument("--keep", action="store_true", help="保留基准数据库（下次运行跳过填充）")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("需要 PostgreSQL：请设置 DATABASE_URL。")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = settings.DATABASES["default"]["NAME"] + "_recruit"
    # Its own database: the one DATABASE_URL names is never written (the fill truncates tables).
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False)
    print(f"基准数据库：{connection.settings_dict['NAME']}")
    try:
        fill(args.refill)
        from apps.recruitment import search

        # What the periodic task keeps every ten minutes in production (tasks.refresh_bigram_shares).
        print(f"二元组统计 {search.refresh_bigram_shares()} 项")
        report(args.rounds)
    finally:
        if not args.keep:
            connection.close()
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
