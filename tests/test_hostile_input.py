"""No input makes the portal answer 500.

Every list and search page of the URL crawler's list (the URL patterns without arguments) is
requested as each persona with hostile query parameters; every form on the pages a persona can
open is posted with over-long fields. Every answer must be 2xx, 3xx or 4xx.

Staff personas share most pages and their parsers: the city office's account sends every hostile
value to each page it opens; the county and grassroots accounts send every value to the pages the
city's cannot open, and on the others only a few (FEW_VALUES, for what their narrower scope changes).
"""
from __future__ import annotations

import functools
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from apps.recruitment.models import FairParticipation, JobFair
from tests.recruitment.factories import JobPostFactory, make_application, make_employer, make_seeker_profile
from tests.test_url_crawler import POST_ONLY, _project_urls
from tests.training.factories import (
    BankFactory,
    CampaignFactory,
    CourseFactory,
    LessonFactory,
    QuestionFactory,
    QuizFactory,
    StudioFactory,
)

HUGE = str(10**30)
# One request per value on each list or search page: every parameter of the page gets it at once.
HOSTILE_VALUES = {
    "long": "9" * 10_000,
    "negative": "-1",
    "huge": HUGE,
    "page_huge": "999999999",
    "arabic_digits": "١٢",
    "superscript": "²",
    "year_1": "0001-01-01",
    "year_9999": "9999-12-31",
    "not_a_date": "2026-02-30",
}
# Pages that read no parameter (forms to fill in, the console's home) get only these.
FEW_VALUES = ("long", "superscript")
# Names most pages read; each page adds the names of its own GET forms.
COMMON_PARAMS = ["q", "no", "page", "status", "start", "end", "year", "month", "district", "category",
                 "indicator", "format", "kind", "mode", "group", "enterprise", "unread", "sort", "round",
                 "organization", "org", "a", "b", "q²", "q١", "²"]
SKIP = {"core:healthz"}  # its answer depends on Redis and the broker, not on parameters


def _body(response) -> str:
    """The page's text; a download (streamed file) has no forms or links to follow."""
    return "" if response.streaming else response.content.decode(errors="replace")


@functools.cache
def list_urls() -> tuple[str, ...]:
    """The crawler's URLs that take no argument: the list, search and dashboard pages."""
    return tuple(sorted(reverse(name) for name, pattern in _project_urls()
                        if not getattr(pattern.pattern, "converters", {}) and name not in POST_ONLY
                        and name not in SKIP))


_GET_FORM = re.compile(r"<form\b[^>]*method=[\"']get[\"'][^>]*>(.*?)</form>", re.S | re.I)
_POST_FORM = re.compile(r"<form\b([^>]*method=[\"']post[\"'][^>]*)>(.*?)</form>", re.S | re.I)
_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=[\"']([^\"']+)[\"']", re.I)
_ACTION = re.compile(r"\baction=[\"']([^\"']*)[\"']", re.I)


@pytest.fixture
def personas(org_tree, worker, grassroots_staff, xiuwu_staff, city_staff, xiuwu_enterprise):
    """The six personas, and one record of each kind so that detail pages and their forms exist."""
    employer = make_employer(xiuwu_enterprise, "employer_hengda")
    post = JobPostFactory(enterprise=xiuwu_enterprise)
    make_seeker_profile(worker, org_tree.xiuwu)
    make_application(post, worker)
    today = timezone.localdate()
    fair = JobFair.objects.create(title="春风行动", organizer=org_tree.xiuwu, starts_on=today,
                                  ends_on=today + timedelta(days=7))
    FairParticipation.objects.create(fair=fair, enterprise=xiuwu_enterprise, status="joined").posts.set([post])
    course = CourseFactory(organization=org_tree.city)
    LessonFactory(course=course, order=1)
    bank = BankFactory(organization=org_tree.city)
    for _ in range(5):
        QuestionFactory(bank=bank)
    QuizFactory(organization=org_tree.city, banks=[bank])
    CampaignFactory(organization=org_tree.city)
    StudioFactory(organization=org_tree.xiuwu_grassroots)
    _legal_aid_cases(worker, xiuwu_staff, org_tree)
    return {"anonymous": None, "worker": worker, "employer": employer, "grassroots": grassroots_staff,
            "county": xiuwu_staff, "city": city_staff}


def _legal_aid_cases(worker, staff, org_tree) -> None:
    """A waiting application and a running case, so the case pages and all their forms are posted to."""
    from apps.accounts.roles import Role
    from apps.legal_aid import services as legal
    from apps.legal_aid.models import ConsultationCategory
    from tests.factories import UserFactory

    legal.categories_ensure()
    category = ConsultationCategory.objects.first()
    lawyer = UserFactory(username="lawyer_hostile", roles=[Role.VOLUNTEER_LAWYER])
    for party in ("甲公司", "乙公司"):
        case = legal.case_apply(sensitive_consent=True, worker=worker, category=category, opponent_name=party,
                                facts="公司拖欠工资三个月未发放。", contact_phone="13900000001",
                                amount_claimed="1000", district=org_tree.xiuwu)
    legal.case_accept(actor=staff, case=case, lawyer=lawyer)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _fail(failures, label, response):
    if response.status_code >= 500:
        failures.append(f"{label} → {response.status_code}")


PERSONAS = ["anonymous", "worker", "employer", "grassroots", "county", "city"]
# Staff personas whose pages the city office's account also opens get the full hostile set from it.
FULL_SET_FROM_CITY = {"grassroots", "county"}


def _reads_parameters(page: str) -> bool:
    """A list or search page: it has a search form, a period, or pages."""
    return bool(_GET_FORM.search(page)) or "page=" in page or 'name="start"' in page


def _post_forms(page: str, url: str) -> set[tuple[str, frozenset]]:
    found = set()
    for attrs, body in _POST_FORM.findall(page):
        action = _ACTION.search(attrs)
        target = action.group(1) if action and action.group(1) else url
        if "logout" not in target:
            found.add((target, frozenset(n for n in _NAME.findall(body) if n != "csrfmiddlewaretoken")))
    return found


_HREF = re.compile(r"""href=["'](/[^"'#?]*)""")


def _collect_details(page: str, details: dict[str, str]) -> None:
    for path in _HREF.findall(page):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if match.kwargs and name not in details and not path.startswith(("/admin/", "/files/", "/static/")) \
                and name not in POST_ONLY:
            details[name] = path


@pytest.mark.parametrize("persona", PERSONAS)
def test_hostile_input_never_gives_500(personas, persona):
    user = personas[persona]
    client = _client(user)
    city = _client(personas["city"]) if persona in FULL_SET_FROM_CITY else None
    failures: list[str] = []
    forms: set[tuple[str, frozenset]] = set()
    details: dict[str, str] = {}  # one page of each detail view linked from the lists
    for url in list_urls():
        plain = client.get(url)
        _fail(failures, url, plain)
        # NUL bytes are refused before any view (core.middleware): once per page is proof enough.
        assert client.get(url, {"q": "a\x00b", "no": "\x00"}).status_code == 400, url
        if plain.status_code != 200:
            continue  # not this persona's page: hostile values meet the same refusal
        page = _body(plain)
        forms |= _post_forms(page, url)
        _collect_details(page, details)
        names = set(COMMON_PARAMS)
        for form in _GET_FORM.findall(page):
            names.update(_NAME.findall(form))
        few = not _reads_parameters(page) or (city is not None and city.get(url).status_code == 200)
        values = {k: HOSTILE_VALUES[k] for k in FEW_VALUES} if few else HOSTILE_VALUES
        for label, value in values.items():
            _fail(failures, f"{url} [{label}]", client.get(url, {name: value for name in names}))
        if 'name="start"' in page:
            _fail(failures, f"{url} [full range]", client.get(url, {"start": "0001-01-01", "end": "9999-12-31"}))
    # The detail pages they link to, for their forms (and their own answer to odd parameters).
    for name, url in sorted(details.items()):
        response = client.get(url)
        _fail(failures, f"{url} ({name})", response)
        if response.status_code == 200:
            forms |= _post_forms(_body(response), url)
            _fail(failures, f"{url} [superscript]", client.get(url, {p: "²" for p in COMMON_PARAMS}))
    # Every form on those pages, posted with over-long fields and with huge numbers.
    for target, names in sorted(forms):
        for label, value in (("long", "长" * 10_000), ("huge", HUGE)):
            _fail(failures, f"POST {target} [{label}]", client.post(target, {name: value for name in names}))
            if user is not None:
                client.force_login(user)  # a form may have changed the session
    assert not failures, f"{persona}: " + "; ".join(failures)
