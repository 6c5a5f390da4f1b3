"""Profile signed-in requests against the recruitment bench database (run the bench with --keep first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_jobs \
        ./.venv/bin/python bench/profile_request.py "/jobs/?q=焊工" 200

Prints per-request wall time (median), the queries of one request, and a cProfile of N requests
sorted by cumulative time (``--sort tottime`` for own time).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchenv  # noqa: E402

benchenv.prepare()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

# Django loaded as a gunicorn worker loads it (jiaozuo_union/wsgi.py: setup, then gc.freeze).
import jiaozuo_union.wsgi  # noqa: E402,F401


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("n", type=int, nargs="?", default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--cold", action="store_true", help="bump the \"jobs\" version before each request")
    parser.add_argument("--instrument", action="store_true", help="setup_test_environment (copies every context)")
    parser.add_argument("--bare-urls", action="store_true", help="serve bench/bench_urls.py (for /bench/bare/)")
    args = parser.parse_args()
    if args.bare_urls:
        settings.ROOT_URLCONF = "bench.bench_urls"
    connection.close()
    settings.DATABASES["default"]["NAME"] += "_recruit"
    from apps.accounts.models import User

    if args.instrument:
        setup_test_environment()
    client = Client()
    client.force_login(User.objects.filter(username__startswith="bench").order_by("pk").first())
    for _ in range(5):
        assert client.get(args.url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(args.url)
    queries = list(captured.captured_queries)
    for query in queries:
        print(f"  {query['time']}s {query['sql'][:160]}")
    times, cpu = [], []
    from apps.core import pagecache

    for _ in range(args.n):
        if args.cold:
            pagecache.bump("jobs")
        started, started_cpu = time.perf_counter(), time.thread_time()
        client.get(args.url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    times.sort()
    print(f"{args.url}: {len(queries)} queries, p50 {statistics.median(times):.2f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1]:.2f} ms, CPU of this process p50 {statistics.median(cpu):.2f} ms")
    if not args.no_profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            if args.cold:
                pagecache.bump("jobs")
            client.get(args.url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
