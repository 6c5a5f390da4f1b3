"""The home page and the welcome message offer what is installed, nothing more."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.core.registry import NavItem, nav_items
from apps.notifications.models import Notification

UNBUILT = ["法律援助", "补贴", "网上入会", "入会", "困难帮扶"]  # 心理咨询: built (women_workers)


def _internal_links(html: str) -> set[str]:
    hrefs = re.findall(r'href="([^"]+)"', html)
    return {href for href in hrefs if href.startswith("/") and not href.startswith(("//", "/static/"))}


@pytest.mark.parametrize("persona", [None, "worker", "xiuwu_staff"])
def test_every_link_on_the_home_page_resolves(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    else:
        request.getfixturevalue("db")
    html = client.get("/").content.decode()
    links = _internal_links(html)
    assert reverse("recruitment:job_list") in links and reverse("training:home") in links
    for href in links:
        response = client.get(href)
        assert response.status_code in (200, 302), f"{href} answered {response.status_code}"


def test_home_offers_no_service_of_an_uninstalled_app(client, db):
    html = client.get("/").content.decode()
    for name in UNBUILT:
        assert name not in html.replace("法律咨询", ""), name
    assert "招聘求职" in html and "学习培训" in html


def test_a_new_app_appears_on_the_home_page_by_itself(client, db):
    item = NavItem(label="测试新服务", url_name="core:privacy", order=50, description="新上线的服务")
    nav_items.register(item)
    try:
        html = client.get("/").content.decode()
        assert "测试新服务" in html and "新上线的服务" in html
    finally:
        nav_items.unregister(item)


def test_an_entry_whose_page_is_missing_is_not_offered(client, db):
    item = NavItem(label="尚未建成的服务", url_name="nowhere:index", order=50)
    nav_items.register(item)
    try:
        assert "尚未建成的服务" not in client.get("/").content.decode()
    finally:
        nav_items.unregister(item)


def test_home_page_loads_no_bootstrap_bundle(client, db):
    html = client.get("/").content.decode()
    assert "bootstrap.bundle" not in html
    assert "portal-nav.js" in html


def test_welcome_message_lists_only_installed_services(worker, django_capture_on_commit_callbacks):
    from apps.accounts.models import User
    from apps.accounts.signals import user_registered

    with django_capture_on_commit_callbacks(execute=True):
        user_registered.send(sender=User, user=worker)
    message = Notification.objects.get(recipient=worker, title="欢迎加入焦作职工服务平台")
    assert "招聘求职" in message.body and "学习培训" in message.body
    for name in UNBUILT:
        assert name not in message.body, name
