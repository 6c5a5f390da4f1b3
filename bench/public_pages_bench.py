"""Throughput of the public pages against a bare Django view, in one run (see bench/public_pages.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_speed REDIS_URL=redis://127.0.0.1:6379/6 \\
        ./.venv/bin/python bench/public_pages_bench.py [--seconds 10] [--port 8160]

Creates its own PostgreSQL database (``<name>_pages``) and drops it at the end, loads the demo data
(``seed_demo``), starts gunicorn with 2 workers on loopback with ``bench.bench_settings`` (the portal's
settings plus ``/bench/bare/`` = ``HttpResponse("ok")`` through the same middleware), and measures
each page with ``wrk -t1 -c8`` (Debian's ``wrk``; without it, a bounded Python loop with 8 threads).
Prints requests/s and the ratio to the bare view measured in the same run.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchenv  # noqa: E402

benchenv.prepare()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def _wrk(url: str, seconds: int, extra: list[str]) -> tuple[float, float]:
    output = subprocess.run(["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", *extra, url],
                            capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} 个非 2xx/3xx 响应\n{output}")
    return rate, float(p50.group(1)) * scale


def _python_loop(url: str, seconds: int, extra: list[str]) -> tuple[float, float]:
    """Fallback without wrk: 8 keep-alive connections for ``seconds``; GIL-bound, so ratios only."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    headers = dict(h.split(": ", 1) for h in extra[1::2]) if extra else {}
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        own = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{url}: HTTP {response.status}")
            own.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return len(latencies) / seconds, latencies[len(latencies) // 2]


def _start_gunicorn(port: int, database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.bench_settings"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen([gunicorn, "jiaozuo_union.wsgi:application", "--workers", "2",
                                "--bind", f"127.0.0.1:{port}", "--pythonpath", str(ROOT), "--log-level", "warning"],
                               cwd=ROOT, env=env)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn 未能启动")


def _probe(port: int, path: str) -> tuple[int, str]:
    """Ask twice; returns the second answer's status and X-Page-Cache."""
    for _ in range(2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", quote(path, safe="/?=&"))
        response = conn.getresponse()
        response.read()
    return response.status, response.getheader("X-Page-Cache", "")


def _pages() -> tuple[list[tuple[str, str]], str]:
    from django.test import Client

    from apps.accounts.models import User
    from apps.core.selectors import counties
    from apps.recruitment.models import JobPost
    from apps.training.models import Course

    post = JobPost.objects.filter(status="published").order_by("-published_at").first()
    course = Course.objects.filter(is_published=True).order_by("-created_at").first()
    district = counties().first().pk
    pages = [
        ("首页 /", "/"),
        ("岗位搜索 /jobs/", "/jobs/"),
        ("岗位搜索 关键词 焊工", "/jobs/?q=焊工"),
        ("岗位搜索 地区+按薪资", f"/jobs/?district={district}&sort=salary"),
        ("岗位详情", f"/jobs/{post.pk}/"),
        ("学习培训 /training/", "/training/"),
        ("课程详情", f"/training/courses/{course.pk}/"),
    ]
    client = Client()
    client.force_login(User.objects.get(username="13839100001"))
    return pages, client.cookies["sessionid"].value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="每一段测量的秒数")
    parser.add_argument("--slices", type=int, default=3, help="每个页面与空视图交替测量的段数")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--no-page-cache", action="store_true", help="关闭匿名页面缓存（对照：改动之前的做法）")
    args = parser.parse_args()
    if args.no_page_cache:
        os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    if connection.vendor != "postgresql":
        sys.exit("需要 PostgreSQL：请设置 DATABASE_URL。")
    measure = _wrk if shutil.which("wrk") else _python_loop
    tool = "wrk -t1 -c8" if measure is _wrk else "Python 循环（8 线程，未安装 wrk）"
    base_name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{base_name}_pages"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    server = None
    try:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        pages, session = _pages()
        cache.clear()
        database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
        connection.close()
        server = _start_gunicorn(args.port, database_url)
        origin = f"http://127.0.0.1:{args.port}"
        cache_kind = "Redis" if settings.REDIS_URL else "本地内存（每个进程各一份）"
        cache_kind = "关闭（--no-page-cache）" if args.no_page_cache else cache_kind
        print(f"gunicorn 2 个进程，{tool}，每页 {args.slices} 段 × {args.seconds} 秒（与空视图交替），"
              f"缓存：{cache_kind}")
        for _label, path in pages:  # the anonymous pages must come from the page cache
            status, hit = _probe(args.port, path)
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
            if not args.no_page_cache and hit != "hit":
                raise SystemExit(f"{path}: 第二次请求没有命中页面缓存（X-Page-Cache: {hit}）")
        signed_in = ["-H", f"Cookie: sessionid={session}"]
        cases = [*[(label, path, []) for label, path in pages],
                 ("岗位搜索 /jobs/（已登录）", "/jobs/", signed_in),
                 ("岗位搜索 焊工（已登录）", "/jobs/?q=焊工", signed_in)]
        bare_url = origin + "/bench/bare/"
        measure(bare_url, 2, [])
        print(f"{'页面':<28}{'请求/秒':>10}{'p50 ms':>9}{'空视图 请求/秒':>14}{'÷ 空视图':>10}")
        for label, path, extra in cases:
            # The machine is shared: each page is measured in slices alternating with the bare view,
            # so both see the same load and the ratio holds even when absolute figures drift.
            url = origin + quote(path, safe="/?=&")
            measure(url, 1, extra)  # warm-up: connections, caches, the first render
            page_rates, bare_rates, p50s = [], [], []
            for _ in range(args.slices):
                bare_rates.append(measure(bare_url, args.seconds, [])[0])
                rate, p50 = measure(url, args.seconds, extra)
                page_rates.append(rate)
                p50s.append(p50)
            page, bare = sum(page_rates) / len(page_rates), sum(bare_rates) / len(bare_rates)
            p50s.sort()
            print(f"{label:<28}{page:>10.0f}{p50s[len(p50s) // 2]:>9.1f}{bare:>14.0f}{page / bare:>10.2f}",
                  flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
