from __future__ import annotations

import uuid

from django.urls import reverse

from apps.notifications.models import Notification


def _messages(user, count, **extra):
    Notification.objects.bulk_create(
        [Notification(recipient=user, key=uuid.uuid4(), title=f"消息{i}", **extra) for i in range(count)]
    )


def test_inbox_shows_own_messages_with_a_fixed_number_of_queries(client, worker, other_worker,
                                                                django_assert_max_num_queries):
    _messages(worker, 45)
    _messages(other_worker, 3, body="别人的")
    client.force_login(worker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:inbox"))
    assert response.context["page_obj"].paginator.count == 45
    assert "别人的" not in response.content.decode()
    assert "45" in response.content.decode()  # unread badge in the navigation


def test_opening_a_message_marks_it_read_and_follows_its_link(client, worker):
    note = Notification.objects.create(recipient=worker, title="请查看", link="/me/")
    client.force_login(worker)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/me/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_outside_links_are_not_followed(client, worker):
    note = Notification.objects.create(recipient=worker, title="钓鱼", link="https://evil.example/")
    client.force_login(worker)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 200


def test_someone_elses_message_is_404(client, worker, other_worker):
    note = Notification.objects.create(recipient=other_worker, title="私人")
    client.force_login(worker)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_own_messages(client, worker, other_worker):
    _messages(worker, 3)
    _messages(other_worker, 2)
    client.force_login(worker)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=worker, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other_worker, read_at__isnull=True).count() == 2
