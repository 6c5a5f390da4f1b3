"""The deployment files agree with settings.py and the README (no services needed)."""
from __future__ import annotations

import re

from django.conf import settings

from .stack import ROOT, SITE

DEPLOY = ROOT / "deploy"


def _queues() -> set[str]:
    return {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}


def test_nginx_body_limit_covers_the_largest_upload_and_not_much_more():
    largest = max(kind["max_mb"] for kind in settings.UPLOAD_KINDS.values())
    [limit] = re.findall(r"client_max_body_size\s+(\d+)m;", SITE.read_text())
    assert largest < int(limit) <= largest + 5


def test_nginx_internal_location_matches_the_x_accel_prefix_of_the_environment_template():
    site = SITE.read_text()
    template = (DEPLOY / "jiaozuo.env.example").read_text()
    [prefix] = re.findall(r"^PRIVATE_FILES_X_ACCEL_PREFIX=(\S+)$", template, re.M)
    block = re.search(r"location " + re.escape(prefix) + r" \{(.*?)\}", site, re.S).group(1)
    assert "internal;" in block
    assert "alias /srv/jiaozuo/private_media/;" in block
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "error_page 413" in site and (DEPLOY / "errors" / "413.html").is_file()


def test_workers_consume_every_queue_the_settings_route_to():
    unit = (DEPLOY / "systemd" / "jiaozuo-worker.service").read_text()
    compose = (DEPLOY / "compose.yaml").read_text()
    [unit_queues] = re.findall(r"-Q ([a-z,]+)", unit)
    [compose_queues] = re.findall(r'"-Q", "([^"]+)"', compose)
    assert set(unit_queues.split(",")) == _queues()
    assert set(compose_queues.split(",")) == _queues()


def test_environment_template_lists_every_variable_of_the_readme():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration"):readme.index("## Architecture")]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    variables = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    template = (DEPLOY / "jiaozuo.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", template, re.M))
    assert variables - listed == set()
    assert "SECRET_KEY" in variables and "UPLOAD_VIDEO_MAX_MB" in variables


def test_the_413_page_is_the_portals_own_chinese_message():
    page = (DEPLOY / "errors" / "413.html").read_text()
    assert '<html lang="zh-CN">' in page and "上传的文件太大" in page
    assert "javascript:" not in page and "http://" not in page and "https://" not in page


def test_readme_production_section_links_the_deployment_guide():
    readme = (ROOT / "README.md").read_text()
    production = readme[readme.index("## Production"):readme.index("### Keys and their rotation")]
    assert "deploy/README.md" in production
