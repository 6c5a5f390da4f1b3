"""Places where other apps plug into core without core importing them.

The plug-in convention, the one every app follows (docs/architecture.md tells the whole story):

1. Declared on the app's ``AppConfig`` (apps.py), read by core and accounts:
   - ``role_permissions = {"<role code>": ["app.codename", ...]}``: what each role group holds
     (apps.accounts.roles syncs the groups after migrate);
   - ``periodic_tasks = [{"name": ..., "task": "apps.<app>.tasks.<fn>", "crontab": {...}}]``: synced
     into django-celery-beat after migrate (apps.core.schedules);
   - ``ready()`` does one thing: ``from . import providers; providers.register()``.

2. Registered in ``providers.register()`` (providers.py), into the registries of this module and of
   apps.core.uploads:

    nav_items.register(NavItem(label="招聘求职", url_name="recruitment:job_list", order=10))
    console_menu.register(ConsoleLink(label="招聘岗位", url_name="recruitment:console_posts", group="招聘求职"))
    console_todos.register(todos_for_console)     # fn(user) -> list[TodoItem]
    my_records.register(my_applications)          # fn(user) -> MySection | None      (/me/)
    home_sections.register(latest_jobs)           # fn(request) -> HomeSection | None (/)
    my_data_exports.register(my_applications_data)  # fn(user) -> list[DataSection]
    account_closers.register(close_seeker_records)  # fn(user) -> ClosureNote | None (inside the closing transaction)
    privacy_notes.register(PrivacyNote(info="简历", when="求职登记", purpose="向用人单位展示"))  # /privacy/
    consent_purposes.register(AID_APPLICATION)    # ConsentPurpose (apps.core.consent): asked separately, /privacy/
    landing_pages.register(employer_landing)      # fn(user) -> str | None (where a sign-in lands)
    membership.register(union_of=..., unions_of=...)  # the one membership app answers "whose union?"
    private_files.register(JobPost, can_see_video)  # fn(user, obj, field_name) -> bool (apps.core.uploads)
    guidance_articles.register(guidance)          # fn(topic, limit) -> list[GuidanceArticle] (published pages)
    person_cache_keys.register(unread_keys)       # fn(person_pk) -> list[str] (apps.core.personcache)

   Signal connections (post_migrate, user_registered) belong in register() too. The checks a
   provider makes come from the app's permissions.py, never from its services.

3. Found by module name, nothing to register:
   - ``apps.<app>.selectors.INDICATORS``: the app's indicators (apps.core.indicators);
   - ``apps.<app>.demo.seed(stdout)``: the app's demo data (``manage.py seed_demo``, idempotent), and
     an optional ``summary() -> list[str]`` printed at the end (accounts lists the demo sign-ins);
   - ``apps.<app>.tasks``: Celery autodiscovery; ``apps.<app>.urls``: included by the project.

A provider must run a fixed number of queries, whatever the number of rows.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    icon: str = "circle"
    staff_only: bool = False
    description: str = ""
    # Shown only to people holding at least one of these ("app.codename"); empty: no condition.
    permissions: tuple[str, ...] = ()

    def visible_to(self, user, *, staff: bool) -> bool:
        if self.staff_only and not staff:
            return False
        if not self.permissions:
            return True
        # Error pages raised before authentication (a bad Host header) render with no user at all.
        return user is not None and any(user.has_perm(perm) for perm in self.permissions)


@dataclass(frozen=True)
class ConsoleLink:
    """An entry of the staff console's side menu, grouped under the app's name."""

    label: str
    url_name: str
    group: str
    icon: str = "circle"
    order: int = 100
    # Shown only to people holding at least one of these ("app.codename"); empty: every staff member.
    permissions: tuple[str, ...] = ()

    def visible_to(self, user) -> bool:
        return not self.permissions or any(user.has_perm(perm) for perm in self.permissions)


@dataclass(frozen=True)
class TodoItem:
    """One line of the staff to-do list: e.g. 待审核岗位 12 → link."""

    label: str
    count: int
    url: str
    group: str = ""


@dataclass
class RecordRow:
    title: str
    url: str = ""
    status: str = ""
    when: Any = None
    status_tone: str = "secondary"


@dataclass
class MySection:
    """A block on /me/: the person's own records of one kind."""

    title: str
    rows: list[RecordRow] = field(default_factory=list)
    more_url: str = ""
    empty_text: str = "暂无记录"
    order: int = 100


@dataclass
class HomeSection:
    title: str
    rows: list[RecordRow] = field(default_factory=list)
    more_url: str = ""
    order: int = 100


@dataclass
class DataSection:
    """A person's own records of one kind, for the copy they download from /me/ (PIPL art. 45)."""

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class ClosureNote:
    """What an app did when an account closed: what it erased and what it must keep, and why."""

    app: str
    erased: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PrivacyNote:
    """One kind of personal information an app collects, for the privacy notice (PIPL art. 17)."""

    info: str  # 信息
    when: str  # 什么时候收集
    purpose: str  # 用途
    who: str = ""  # who else sees it, beyond the person and the staff of the organisation's subtree
    # How long it is kept; may name a key of settings.PRIVACY_RETENTION in braces: "{resume_idle_days}".
    keep: str = ""
    sensitive: bool = False  # sensitive personal information (PIPL art. 28): health, finances, legal matters
    order: int = 100


def landing_url_for(user) -> str:
    """Where a person lands after signing in: staff the console, others what an app says, else /me/."""
    from django.urls import reverse

    from .scoping import is_staff_member

    if is_staff_member(user):
        return reverse("core:console")
    for provider in landing_pages:
        url = provider(user)
        if url:
            return url
    return reverse("core:me")


def offered_services() -> list[NavItem]:
    """What the portal offers everyone: the installed apps' public navigation entries whose page exists.

    The home page and the welcome message list these, so they promise only what is built.
    """
    from django.urls import NoReverseMatch, reverse

    offered = []
    for item in sorted(nav_items, key=lambda i: i.order):
        if item.staff_only or item.permissions:
            continue
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            continue
        offered.append(item)
    return offered


class Registry:
    def __init__(self) -> None:
        self._items: list[Any] = []

    def register(self, item: Any) -> Any:
        if item not in self._items:
            self._items.append(item)
        return item

    def unregister(self, item: Any) -> None:
        self._items.remove(item)

    def __iter__(self):
        return iter(list(self._items))


nav_items = Registry()
console_menu = Registry()
console_todos: Registry = Registry()
my_records: Registry = Registry()
home_sections: Registry = Registry()
# fn(user) -> str | None: where this person starts after signing in, when the app knows better
# than /me/ (an employer's recruitment home). Staff always start at the console.
landing_pages: Registry = Registry()
# fn(user) -> list[DataSection]: every record of the person the app holds.
my_data_exports: Registry = Registry()
# fn(user) -> ClosureNote | None: called inside the account-closing transaction, before the
# account itself is anonymised; erase what no rule requires keeping, describe what stays.
account_closers: Registry = Registry()
# PrivacyNote: what the app collects about a person, listed on the privacy notice (/privacy/).
privacy_notes: Registry = Registry()
# ConsentPurpose (apps.core.consent): sensitive information a form asks separate consent for (PIPL art. 29);
# the form uses core.forms.SensitiveConsentMixin, the service core.services.consent_record; /privacy/ lists them.
consent_purposes: Registry = Registry()
# fn(person_pk) -> list[str]: the cache keys the app keeps per person and reads on ordinary pages;
# apps.core.personcache reads all of a person's keys in one round trip per request.
person_cache_keys: Registry = Registry()

Provider = Callable[..., Any]


class MembershipLink:
    """Which union a worker belongs to, answered by the membership app (``organizing``).

    Business apps do not import each other; they ask ``core.registry.membership.union_of(user)``
    and the organizing app registers the answer in its ``ready()``. Without it nobody is a member.
    """

    def __init__(self) -> None:
        self._union_of: Callable[[Any], Any] | None = None
        self._unions_of: Callable[[Any], dict] | None = None

    def register(self, *, union_of: Callable[[Any], Any], unions_of: Callable[[Any], dict]) -> None:
        self._union_of, self._unions_of = union_of, unions_of

    def union_of(self, user):
        """The union (an Organization) the user is an active member of, or None."""
        if self._union_of is None or user is None or not getattr(user, "is_authenticated", False):
            return None
        return self._union_of(user)

    def unions_of(self, users) -> dict:
        """``{user_id: Organization}`` for the members among ``users`` (one or two queries)."""
        return self._unions_of(users) if self._unions_of is not None else {}


membership = MembershipLink()


@dataclass(frozen=True)
class HonourRecommendation:
    """A person recommended for an honour (三八红旗手, 五一劳动奖章 …), for the publicity app to list."""

    kind: str
    name: str
    organization_id: int
    summary: str
    front_line: bool
    source: str  # the app that holds the record, e.g. "women_workers"
    source_id: int
    url: str


# fn(user) -> list[HonourRecommendation]: the recommendations the user may see.
honour_recommendations: Registry = Registry()


class GuidanceArticle(NamedTuple):
    """A published page of guidance another app links to (its title, its address, when it was published)."""

    title: str
    url: str
    published: Any  # a date or an aware datetime


# Topics a guidance provider understands; "" asks for all of them.
GUIDANCE_TOPICS = {"employment": "用工指导", "wage_payment": "工资支付"}


class GuidanceRegistry(Registry):
    """Guidance on employment and wage payment, written by the publicity app, listed by legal aid.

    A provider is ``fn(topic, limit) -> list[GuidanceArticle | (title, url, published)]`` running a fixed
    number of queries; with no provider registered (publicity not installed) the list is empty.
    """

    def collect(self, topic: str = "", limit: int = 5) -> list[GuidanceArticle]:
        from datetime import date, datetime

        def newest_first(article: GuidanceArticle):
            when = article.published
            return when.date() if isinstance(when, datetime) else (when or date.min)

        found = [GuidanceArticle(*item) for provider in self for item in provider(topic, limit)]
        return sorted(found, key=newest_first, reverse=True)[:limit]


guidance_articles = GuidanceRegistry()
