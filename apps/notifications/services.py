from __future__ import annotations

import uuid
from collections.abc import Iterable
from itertools import islice

from django.db import transaction
from django.utils import timezone

from apps.core.outbox import enqueue

from .models import Notification
from .selectors import forget_unread

CHUNK_SIZE = 500


def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    link: str = "",
    channels: Iterable[str] = (Notification.Channel.SITE,),
    key: uuid.UUID | str | None = None,
) -> str:
    """Send a message to people: always to their inbox, and by e-mail / SMS when asked.

    Rows are written by Celery in chunks after the caller's transaction commits; the chunks are
    queued through the outbox in the caller's transaction, so a message survives a broker outage.
    ``key`` makes a repeated call (or a retried task) deliver each message once. Returns the key.
    """
    recipient_ids = sorted({getattr(r, "pk", r) for r in recipients})
    channel_list = sorted({Notification.Channel(c).value for c in channels} | {Notification.Channel.SITE.value})
    message_key = str(key or uuid.uuid4())
    payload = {"title": title[:120], "body": body, "link": link, "key": message_key, "channels": channel_list}

    from .tasks import deliver_notifications

    iterator = iter(recipient_ids)
    with transaction.atomic():
        while chunk := list(islice(iterator, CHUNK_SIZE)):
            enqueue(deliver_notifications, chunk, payload)
    return message_key


def notifications_deliver(*, recipient_ids: list[int], payload: dict) -> int:
    """Write the inbox rows of one chunk and send the e-mail / SMS copies not yet sent. Idempotent."""
    from django.contrib.auth import get_user_model

    key = payload["key"]
    existing = set(
        Notification.objects.filter(key=key, recipient_id__in=recipient_ids).values_list("recipient_id", flat=True)
    )
    valid_ids = set(get_user_model().objects.filter(pk__in=recipient_ids, is_active=True).values_list("pk", flat=True))
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, key=key, title=payload["title"], body=payload["body"], link=payload["link"])
            for pk in sorted(valid_ids - existing)
        ],
        ignore_conflicts=True,
    )
    forget_unread(sorted(valid_ids - existing))  # written in autocommit (the task holds no transaction)
    if "email" in payload["channels"]:
        _send_copies(key, recipient_ids, "email")
    if "sms" in payload["channels"]:
        _send_copies(key, recipient_ids, "sms")
    return len(valid_ids - existing)


def _send_copies(key: str, recipient_ids: list[int], channel: str) -> None:
    from django.conf import settings
    from django.core.mail import send_mail

    from apps.core.sms import send_sms

    sent_field = f"{channel}_sent_at"
    pending = Notification.objects.filter(
        key=key, recipient_id__in=recipient_ids, **{f"{sent_field}__isnull": True}
    ).select_related("recipient")
    for notification in pending:
        person = notification.recipient
        text = f"{notification.title}\n{notification.body}".strip()
        if channel == "email" and person.email:
            send_mail(notification.title, text, settings.DEFAULT_FROM_EMAIL, [person.email])
        elif channel == "sms" and person.phone:
            send_sms(person.phone, notification.title)
        # Marked per row, so a retry after a failure resends only what did not go out.
        Notification.objects.filter(pk=notification.pk).update(**{sent_field: timezone.now()})


@transaction.atomic
def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications (all unread ones when no ids are given) as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    count = unread.update(read_at=timezone.now())
    if count:
        forget_unread([user.pk], after_commit=True)
    return count

