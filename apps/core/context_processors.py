from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from . import personcache
from .registry import console_menu, nav_items
from .scoping import is_staff_member

LAYOUT_SECONDS = 60
_LAYOUT_KEY = "layout:nav:{}"


class _Permissions:
    """``has_perm`` answered from one query, made only if a link asks (ModelBackend makes two)."""

    def __init__(self, user) -> None:
        self.user = user
        self._perms: set[str] | None = None

    def has_perm(self, perm: str) -> bool:
        if self.user.is_superuser:
            return self.user.is_active
        if self._perms is None:
            self._perms = set()
            if self.user.is_active:
                rows = (Permission.objects.filter(Q(user=self.user) | Q(group__user=self.user))
                        .values_list("content_type__app_label", "codename").distinct())
                self._perms = {f"{app}.{codename}" for app, codename in rows}
        return perm in self._perms


def _layout_links(user) -> dict:
    """The navigation and console menu a person may use: one query, then cached for a minute."""
    staff = is_staff_member(user)
    key = _LAYOUT_KEY.format(user.pk) if user.is_authenticated else None
    cached = personcache.get(user.pk, key) if key else None
    if cached is not None:
        return cached
    # A view that checked a permission has already loaded them (ModelBackend's per-request cache).
    perms = user if not user.is_authenticated or hasattr(user, "_perm_cache") else _Permissions(user)
    nav = []
    for item in sorted(nav_items, key=lambda i: i.order):
        if not item.visible_to(perms, staff=staff):
            continue
        try:
            nav.append({"label": item.label, "url": reverse(item.url_name), "icon": item.icon})
        except NoReverseMatch:
            continue
    groups: dict[str, list[dict]] = {}
    if staff:
        for link in sorted(console_menu, key=lambda item: item.order):
            if not link.visible_to(perms):
                continue
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:
                continue
            groups.setdefault(link.group, []).append({"label": link.label, "url": url, "icon": link.icon})
    links = {"nav": nav, "console": list(groups.items()), "staff": staff}
    if key:
        personcache.set(user.pk, key, links, LAYOUT_SECONDS)
    return links


def forget_layout(user_ids) -> None:
    """Drop the cached layout of these people (after a change of their roles or organisation)."""
    personcache.delete_many([_LAYOUT_KEY.format(pk) for pk in user_ids])


def layout_keys(person_pk: int) -> list[str]:
    """The person's cached layout (apps.core.personcache reads it with their other keys)."""
    return [_LAYOUT_KEY.format(person_pk)]


def portal(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    links = _layout_links(user)
    path = request.path
    # Only the longest matching entry is active: /news/campaigns/ marks 评选表彰, not 工会资讯 (/news/) too.
    longest = max((len(item["url"]) for item in links["nav"] if path.startswith(item["url"])), default=0)
    nav = [{**item, "active": bool(longest) and len(item["url"]) == longest and path.startswith(item["url"])}
           for item in links["nav"]]
    menu = [(group, [{**link, "active": path.startswith(link["url"])} for link in items])
            for group, items in links["console"]]
    return {
        "console_menu_groups": menu,
        "SITE_NAME": settings.SITE_NAME,
        "ORGANIZATION_NAME": settings.ORGANIZATION_NAME,
        "nav_sections": nav,
        "is_staff_member": links["staff"],
    }
