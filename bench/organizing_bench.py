"""Benchmark of the census import and the coverage page (see bench/organizing.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_membership ./.venv/bin/python bench/organizing_bench.py

Builds a throw-away database (``<name>_bench``) with the real county tree, writes a census extract
of 50,000 rows (.xlsx), imports it as the background task does (new enterprises), imports it again
(every row an update) and a 10,000-row file with tracemalloc on to compare peak memory, then
requests the coverage page as city staff, counting queries.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import benchenv  # noqa: E402

benchenv.prepare()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "50000"))


def _write_xlsx(path: Path, count: int, start: int = 0, employees_delta: int = 0) -> None:
    from openpyxl import Workbook

    from apps.organizing.services.census import COLUMNS
    from bench.census_rows import census_rows

    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(COLUMNS)
    for row in census_rows(count, start=start):
        sheet.append([*row[:-1], row[-1] + employees_delta])
    book.save(path)


def _import(path: Path, actor) -> tuple[float, float, dict]:
    """Run one import in a forked child (as a Celery worker process would) and report its time and the
    child's peak resident memory; the parent's own memory does not count."""
    import json
    import resource

    from django.core.files import File
    from django.db import connections

    from apps.organizing.models import CensusImport
    from apps.organizing.services.census import census_import_run

    census = CensusImport(original_name=path.name, organization=actor.organization, uploaded_by=actor)
    with path.open("rb") as handle:
        census.file.save(path.name, File(handle), save=False)
    census.save()
    connections.close_all()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        started = time.perf_counter()
        done = census_import_run(import_id=census.pk)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = {"elapsed": elapsed, "peak_mb": peak_mb, "created": done.created_count,
                  "updated": done.updated_count,
                  "unchanged": done.unchanged_count, "rejected": done.rejected_count, "status": done.status}
        os.write(write_end, json.dumps(result).encode())
        connections.close_all()
        os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    with os.fdopen(read_end) as reader:
        result = json.loads(reader.read())
    return result["elapsed"], result["peak_mb"], result


def run() -> None:
    from django.test import Client

    from apps.accounts.roles import Role
    from apps.core.demo import seed as seed_core
    from apps.core.models import Organization
    from tests.factories import make_staff

    seed_core()
    city = Organization.objects.get(code="410800")
    actor = make_staff(city, Role.CITY_OFFICE, username="bench_city", is_staff=True)
    folder = Path(tempfile.mkdtemp(prefix="organizing-bench-"))
    big, small = folder / "census_50k.xlsx", folder / "census_10k.xlsx"
    started = time.perf_counter()
    _write_xlsx(big, ROWS)
    _write_xlsx(small, ROWS // 5, start=ROWS)
    print(f"files written in {time.perf_counter() - started:.1f} s; {big.stat().st_size / 1e6:.1f} MB")

    changed = folder / "census_50k_changed.xlsx"
    _write_xlsx(changed, ROWS, employees_delta=1)
    for label, path, rows in [("new", small, ROWS // 5), ("new", big, ROWS), ("same file again", big, ROWS),
                              ("every row changed", changed, ROWS)]:
        elapsed, peak_mb, done = _import(path, actor)
        print(f"import {rows} rows ({label}): {elapsed:.1f} s ({rows / elapsed:.0f} rows/s), peak RSS of the "
              f"worker process {peak_mb:.0f} MB; created {done['created']}, updated {done['updated']}, "
              f"unchanged {done['unchanged']}, "
              f"rejected {done['rejected']}, {done['status']}")
    if os.environ.get("BENCH_CSV"):
        import csv

        from apps.organizing.services.census import COLUMNS
        from bench.census_rows import census_rows

        as_csv = folder / "census_50k.csv"
        with as_csv.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(census_rows(ROWS))
        elapsed, peak_mb, done = _import(as_csv, actor)
        print(f"import {ROWS} rows from CSV (update): {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB")

    client = Client()
    client.force_login(actor)
    samples, queries = [], 0
    for _ in range(20):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/join/console/coverage/")
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    samples.sort()
    print(f"coverage page over {Organization.objects.count()} organisations and "
          f"{ROWS + ROWS // 5 + 24} enterprises: median {statistics.median(samples):.1f} ms, "
          f"p95 {samples[int(len(samples) * 0.95) - 1]:.1f} ms, {queries} queries")
    with CaptureQueriesContext(connection) as captured:
        client.get("/join/console/coverage/")
    for query in captured.captured_queries:
        if "core_enterprise" in query["sql"]:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = settings.DATABASES["default"]["NAME"] + "_bench"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
