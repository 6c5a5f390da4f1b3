"""The portal's own error pages: Chinese, in the layout, a way back, and the 500 needs nothing."""
from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.core import errors


def _is_branded(html: str) -> None:
    assert '<html lang="zh-hans">' in html
    assert '<main id="main"' in html
    assert "焦作职工服务平台" in html
    assert 'href="/"' in html and "返回首页" in html


def test_404_is_chinese_in_the_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _is_branded(html)
    assert "没有找到这个页面" in html
    assert "Not Found" not in html


def test_403_names_the_permission_and_the_roles_that_hold_it(client, grassroots_staff):
    client.force_login(grassroots_staff)
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 403
    html = response.content.decode()
    _is_branded(html)
    assert "您没有使用这个页面的权限" in html
    assert "查看审计日志" in html or "core.view_audit" not in html
    assert "县（市、区）及产业工会工作人员" in html and "市总工会办公室" in html
    # Staff get a way back to their console as well as home.
    assert "进入工作台" in html


def test_403_for_a_worker_says_staff_only_and_offers_no_console(client, worker):
    client.force_login(worker)
    response = client.get(reverse("core:console"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "只对工会工作人员开放" in html
    assert "进入工作台" not in html


def test_district_staff_meeting_the_overview_are_told_what_it_needs(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "查看全市落实情况总览" in html and "市总工会办公室" in html


def test_400_is_branded(client, db):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    _is_branded(response.content.decode())
    assert "请求有误" in response.content.decode()


def test_csrf_failure_is_explained_in_chinese(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    _is_branded(html)
    assert "页面已过期" in html
    assert "CSRF" not in html


def test_500_renders_without_database_or_context_processors():
    # No db fixture: pytest-django fails any query this page would make.
    request = RequestFactory().get("/")
    response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    _is_branded(html)
    assert "服务暂时出错" in html


@pytest.mark.django_db
def test_500_from_a_failing_view_uses_the_branded_page(settings):
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务暂时出错" in response.content.decode()


def test_403_shows_the_message_a_view_gives(rf, worker):
    from django.core.exceptions import PermissionDenied

    request = rf.get("/")
    request.user = worker
    response = errors.permission_denied(request, PermissionDenied("只能填报本单位的报告。"))
    assert response.status_code == 403
    assert "只能填报本单位的报告。" in response.content.decode()
