from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .registry import console_menu, nav_items
from .scoping import is_staff_member


def portal(request) -> dict:
    user = getattr(request, "user", None)
    staff = is_staff_member(user)
    nav = []
    for item in sorted(nav_items, key=lambda i: i.order):
        if not item.visible_to(user, staff=staff):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        nav.append({"label": item.label, "url": url, "icon": item.icon, "active": request.path.startswith(url)})
    return {
        "console_menu_groups": _console_menu(request, user) if staff else [],
        "SITE_NAME": settings.SITE_NAME,
        "ORGANIZATION_NAME": settings.ORGANIZATION_NAME,
        "nav_sections": nav,
        "is_staff_member": staff,
    }


def _console_menu(request, user) -> list[tuple[str, list[dict]]]:
    """The console's side menu: each app's links the person may use, under the app's name."""
    groups: dict[str, list[dict]] = {}
    for link in sorted(console_menu, key=lambda item: item.order):
        if not link.visible_to(user):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(link.group, []).append(
            {"label": link.label, "url": url, "icon": link.icon, "active": request.path.startswith(url)}
        )
    return list(groups.items())
