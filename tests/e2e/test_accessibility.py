"""axe-core over every page of the URL crawler's list, as each kind of persona meets it (GB/T 37668, WCAG 2.1 AA).

The demo data gives every page something to show; each persona signs in once and walks the
pages it may open: the crawler's pages without arguments, then, for each page that takes an id,
the first link to it found on the pages already seen. axe-core comes from npm (``npm ci``,
node_modules/axe-core); without it the test skips, under CI=true it fails.

Each distinct view is audited once per kind of persona: the anonymous visitor, the worker, the
employer, and union staff. Staff walk city office first (it opens the most pages); the county and
grassroots accounts then audit only the views the city's account did not open: the other views
render the same templates with a narrower slice of the same data, so a second audit finds nothing
new and cost minutes. They still fetch those pages (without a browser) to follow their links. Public
pages are audited once anonymously and once signed in (by the first signed-in persona that opens
them). The 404 page is audited too; every persona must open at least five pages, and MUST_COVER
must all have been audited.
"""
from __future__ import annotations

import html
import re
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
# (label, login, kind): a view is audited once per kind; staff personas share the kind "staff".
PERSONAS = [
    ("匿名访客", None, "anonymous"),
    ("职工（求职者）", "13839300001", "worker"),
    ("企业招聘账号", "employer_hengda", "employer"),
    ("市总工会", "city_office", "staff"),
    ("县区工会", "xiuwu_staff", "staff"),
    ("基层工会", "grassroots_staff", "staff"),
]
# A bound on the walk, above the number of URL names a persona can open (each name is opened once).
MAX_PAGES_PER_PERSONA = 400
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


_LINK = re.compile(r"""<a\b[^>]*?\bhref=["']([^"']+)["']""", re.I)


def _audit_key(name: str, kind: str) -> tuple[str, str]:
    """Public pages look the same to every signed-in persona; other views differ by kind of persona."""
    if kind != "anonymous" and name in PUBLIC_URL_NAMES:
        return name, "signed-in"
    return name, kind


def _walk(page, base_url: str, kind: str, audited: set[tuple[str, str]]) -> tuple[list[str], list[str], list[str]]:
    """Open each crawler page this persona can open; audit those not yet audited for its kind.

    Returns (opened urls, audited urls, violation lines); ``audited`` is updated.
    """
    names = {name: pattern for name, pattern in _project_urls() if name not in SKIP}
    plain = [name for name, pattern in names.items() if not getattr(pattern.pattern, "converters", {})]
    from django.urls import reverse

    queue = [reverse(name) for name in sorted(plain)]
    seen_names: set[str] = set()
    opened: list[str] = []
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(opened) < MAX_PAGES_PER_PERSONA:
        url = queue.pop(0)
        name = _url_name(url)
        if name is None or name in seen_names or name not in names:
            continue
        seen_names.add(name)
        probe = page.request.get(base_url + url, max_redirects=0)
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue
        opened.append(url)
        key = _audit_key(name, kind)
        if key in audited:
            # Audited already for this kind of persona: only its links matter (no browser needed).
            hrefs = [html.unescape(href) for href in _LINK.findall(probe.text())]
        else:
            page.goto(url)
            if urlsplit(page.url).path != urlsplit(url).path:
                continue
            audited.add(key)
            visited.append(url)
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate(AXE_RUN, WCAG_TAGS):
                if violation["impact"] in BLOCKING:
                    problems.append(f"{url} [{violation['impact']}] {violation['id']}: {violation['help']} "
                                    f"→ {violation['targets']}")
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            if not href or not href.startswith("/") or href.startswith("//"):
                continue
            target = _url_name(href)
            if target and target in names and target not in seen_names:
                queue.append(href.split("#")[0])
    return opened, visited, problems


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_no_serious_accessibility_violation_for_any_persona(browser, live_server):
    require(AXE.exists(), "需要 axe-core：在项目根目录运行 npm ci（需要 Node.js 和 npm）")
    from apps.accounts.demo import DEMO_PASSWORD

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process
    report: list[str] = []
    covered: set[str] = set()
    audited: set[tuple[str, str]] = set()
    for persona, username, kind in PERSONAS:
        # One phone-sized context per persona (wide tables must scroll and stay reachable by keyboard).
        context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url,
                                      locale="zh-CN", bypass_csp=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            if username:
                sign_in(page, username, DEMO_PASSWORD)
            opened, visited, problems = _walk(page, live_server.url, kind, audited)
        finally:
            context.close()
        assert len(opened) >= 5, f"{persona} 只打开了 {opened}"
        covered.update(_url_name(url) for url in visited)
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
