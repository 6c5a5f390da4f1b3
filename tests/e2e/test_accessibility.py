"""axe-core over every page of the URL crawler's list, as each persona meets it (GB/T 37668, WCAG 2.1 AA).

The demo data gives every page something to show; each persona signs in once and walks the
pages it may open: the crawler's pages without arguments, then, for each page that takes an id,
the first link to it found on the pages already seen. axe-core comes from npm (``npm ci``,
node_modules/axe-core); without it the test skips, under CI=true it fails.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.conftest import require
from tests.e2e.conftest import sign_in
from tests.test_url_crawler import POST_ONLY, PUBLIC_URL_NAMES, _project_urls

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}
# Not pages: downloads, redirects to a download, health checks, actions.
SKIP = POST_ONLY | {"accounts:logout", "core:healthz", "core:private_file", "core:my_data_export"}
PERSONAS = [
    ("匿名访客", None),
    ("职工（求职者）", "13839300001"),
    ("企业招聘账号", "employer_hengda"),
    ("基层工会", "grassroots_staff"),
    ("县区工会", "xiuwu_staff"),
    ("市总工会", "city_office"),
]
MAX_PAGES_PER_PERSONA = 160
# Pages that must have been audited, whatever the demo data holds.
MUST_COVER = {
    "core:home", "core:me", "core:console", "core:privacy", "core:agreement", "core:enterprise_list",
    "core:audit_list", "accounts:login", "accounts:register", "accounts:close_account", "notifications:inbox",
    "recruitment:job_list", "recruitment:job_detail", "recruitment:employer_home", "recruitment:console_dashboard",
    "training:home", "training:course_detail", "training:quiz_detail", "training:leaderboard",
    "reports:overview", "reports:task_list", "reports:my_submissions", "reports:submission_detail",
}

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _walk(page, base_url: str, *, skip: set[str] = frozenset()) -> tuple[list[str], list[str]]:
    """Visit each crawler page this persona can open; return (visited urls, violation lines).

    ``skip``: public pages already audited signed in as another persona (the same markup).
    """
    names = {name: pattern for name, pattern in _project_urls() if name not in SKIP}
    plain = [name for name, pattern in names.items() if not getattr(pattern.pattern, "converters", {})]
    from django.urls import reverse

    queue = [reverse(name) for name in sorted(plain)]
    seen_names: set[str] = set()
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES_PER_PERSONA:
        url = queue.pop(0)
        name = _url_name(url)
        if name is None or name in seen_names or name not in names:
            continue
        seen_names.add(name)
        if name in skip:
            continue
        probe = page.request.get(base_url + url, max_redirects=0)
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue
        page.goto(url)
        if urlsplit(page.url).path != urlsplit(url).path:
            continue
        visited.append(url)
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(AXE_RUN, WCAG_TAGS):
            if violation["impact"] in BLOCKING:
                problems.append(f"{url} [{violation['impact']}] {violation['id']}: {violation['help']} "
                                f"→ {violation['targets']}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            if not href or not href.startswith("/") or href.startswith("//"):
                continue
            target = _url_name(href)
            if target and target in names and target not in seen_names:
                queue.append(href.split("#")[0])
    return visited, problems


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_no_serious_accessibility_violation_for_any_persona(browser, live_server):
    require(AXE.exists(), "需要 axe-core：在项目根目录运行 npm ci（需要 Node.js 和 npm）")
    from apps.accounts.demo import DEMO_PASSWORD

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process
    report: list[str] = []
    covered: set[str] = set()
    public_seen_signed_in: set[str] = set()
    for persona, username in PERSONAS:
        # One phone-sized context per persona (wide tables must scroll and stay reachable by keyboard).
        context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url,
                                      locale="zh-CN", bypass_csp=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            if username:
                sign_in(page, username, DEMO_PASSWORD)
            visited, problems = _walk(page, live_server.url, skip=public_seen_signed_in if username else set())
        finally:
            context.close()
        assert len(visited) >= 5, f"{persona} 只打开了 {visited}"
        covered.update(_url_name(url) for url in visited)
        if username:
            public_seen_signed_in.update(_url_name(url) for url in visited if _url_name(url) in PUBLIC_URL_NAMES)
        report.extend(f"{persona} {line}" for line in problems)
    # The 404 page, as anyone meets it.
    context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/no-such-page/")
    page.add_script_tag(path=str(AXE))
    report.extend(f"404 {v['id']}: {v['help']}" for v in page.evaluate(AXE_RUN, WCAG_TAGS) if v["impact"] in BLOCKING)
    context.close()
    assert not report, "无障碍检查发现严重问题：\n" + "\n".join(report)
    assert MUST_COVER <= covered, f"未检查到：{sorted(MUST_COVER - covered)}"
