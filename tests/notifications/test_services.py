from __future__ import annotations

import uuid

from django.core import mail
from django.db import transaction

from apps.core import sms
from apps.notifications.models import Notification
from apps.notifications.services import CHUNK_SIZE, notifications_deliver, notify
from tests.factories import UserFactory


def test_notify_writes_one_inbox_row_per_recipient_after_commit(worker, other_worker,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[worker, other_worker.pk, worker], title="岗位已通过审核", body="已发布", link="/jobs/")
    assert len(callbacks) == 1
    assert Notification.objects.filter(title="岗位已通过审核").count() == 2


def test_rollback_enqueues_nothing(worker, django_capture_on_commit_callbacks, monkeypatch):
    from apps.notifications import tasks

    sent = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", lambda *args: sent.append(args))

    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(recipients=[worker], title="不会发出")
                raise Abort
        except Abort:
            pass
    assert callbacks == [] and sent == []
    assert not Notification.objects.exists()


def test_large_audiences_fan_out_in_chunks(db, django_capture_on_commit_callbacks, monkeypatch):
    from apps.notifications import tasks

    chunks = []
    monkeypatch.setattr(tasks.deliver_notifications, "apply_async",
                        lambda args, kwargs: chunks.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=range(1, CHUNK_SIZE * 2 + 2), title="全市职工通知")
    assert [len(chunk) for chunk in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 1]


def test_delivery_is_idempotent(worker):
    payload = {"title": "重复投递", "body": "", "link": "", "key": str(uuid.uuid4()), "channels": ["site"]}
    assert notifications_deliver(recipient_ids=[worker.pk], payload=payload) == 1
    assert notifications_deliver(recipient_ids=[worker.pk], payload=payload) == 0
    assert Notification.objects.filter(recipient=worker).count() == 1


def test_email_and_sms_copies_are_sent_once(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "apps.core.sms.LocmemSmsBackend"
    sms.outbox.clear()
    person = UserFactory(username="13900000009", email="gongren@example.cn")
    key = uuid.uuid4()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[person], title="面试提醒", body="明天上午九点", channels=["email", "sms"], key=key)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["gongren@example.cn"]
    assert len(sms.outbox) == 1 and sms.outbox[0].phone == "13900000009"
    row = Notification.objects.get(recipient=person)
    assert row.email_sent_at and row.sms_sent_at
    sms.outbox.clear()


def test_inactive_people_get_nothing(worker, django_capture_on_commit_callbacks):
    worker.is_active = False
    worker.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[worker], title="不应收到")
    assert not Notification.objects.exists()
