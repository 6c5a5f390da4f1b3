"""Settings of the public-pages benchmark only: the portal's settings plus a bare view (bench/bench_urls.py).

Never used by the portal itself; ``bench/public_pages_bench.py`` starts gunicorn with it.
"""
from jiaozuo_union.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
