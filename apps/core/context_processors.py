from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .registry import nav_items
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
        "SITE_NAME": settings.SITE_NAME,
        "ORGANIZATION_NAME": settings.ORGANIZATION_NAME,
        "nav_sections": nav,
        "is_staff_member": staff,
    }
