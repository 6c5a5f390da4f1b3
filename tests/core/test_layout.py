"""The shared layout (navigation, console menu, unread badge) costs at most two queries, then none."""
from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory

from apps.core.context_processors import portal
from apps.notifications.context_processors import inbox
from apps.notifications.models import Notification
from apps.notifications.services import notification_mark_read, notifications_deliver

pytestmark = pytest.mark.django_db


def _layout(user, path="/console/"):
    request = RequestFactory().get(path)
    request.user = user
    return {**portal(request), **inbox(request)}


@pytest.mark.parametrize("persona", ["xiuwu_staff", "grassroots_staff", "city_staff", "worker"])
def test_layout_costs_two_queries_then_none(request, persona, django_assert_max_num_queries,
                                            django_assert_num_queries):
    user = request.getfixturevalue(persona)
    user = type(user).objects.get(pk=user.pk)  # no permission cache carried over from the fixture
    with django_assert_max_num_queries(2):
        first = _layout(user)
    fresh = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(0):
        second = _layout(fresh)
    assert first == second


def test_menu_is_the_persons_own_and_marks_the_current_page(xiuwu_staff, worker):
    staff = _layout(xiuwu_staff, "/jobs/console/posts/")
    assert staff["is_staff_member"] and staff["console_menu_groups"]
    active = [link["label"] for _, links in staff["console_menu_groups"] for link in links if link["active"]]
    assert active == ["招聘岗位"]
    plain = _layout(worker, "/jobs/")
    assert plain["console_menu_groups"] == [] and not plain["is_staff_member"]
    assert [item["label"] for item in plain["nav_sections"] if item["active"]] == ["招聘求职"]


def test_unread_badge_follows_new_and_read_messages(worker, django_assert_num_queries):
    assert _layout(worker)["unread_notifications"] == 0
    notifications_deliver(recipient_ids=[worker.pk], payload={"key": str(uuid.uuid4()), "title": "面试邀请", "body": "",
                                                               "link": "", "channels": ["site"]})
    assert _layout(worker)["unread_notifications"] == 1
    with django_assert_num_queries(0):
        assert _layout(worker)["unread_notifications"] == 1
    notification_mark_read(user=worker, notification_ids=[Notification.objects.get(recipient=worker).pk])
    assert _layout(worker)["unread_notifications"] == 0


def test_signed_in_page_shows_the_fresh_badge(client, worker):
    client.force_login(worker)
    client.get("/jobs/")
    notifications_deliver(recipient_ids=[worker.pk], payload={"key": str(uuid.uuid4()), "title": "岗位推荐", "body": "",
                                                               "link": "", "channels": ["site"]})
    assert 'data-testid="unread-count">1<' in client.get("/jobs/").content.decode()
    client.post("/inbox/read-all/")
    assert 'data-testid="unread-count"' not in client.get("/jobs/").content.decode()
