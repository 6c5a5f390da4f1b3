from __future__ import annotations

from django.db.models import QuerySet

from apps.core import personcache

from .models import Notification


def inbox_for_user(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


UNREAD_SECONDS = 60
_UNREAD_KEY = "notifications:unread:{}"


def unread_count(user, *, cached: bool = False) -> int:
    """The person's unread messages; ``cached`` (the layout's badge) keeps it a minute, dropped on change."""
    if not user.is_authenticated:
        return 0
    key = _UNREAD_KEY.format(user.pk)
    if cached and (count := personcache.get(user.pk, key)) is not None:
        return count
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    personcache.set(user.pk, key, count, UNREAD_SECONDS)
    return count


def unread_keys(person_pk: int) -> list[str]:
    """The cached unread count (apps.core.personcache reads it with the person's other keys)."""
    return [_UNREAD_KEY.format(person_pk)]


def forget_unread(user_ids, *, after_commit: bool = False) -> None:
    """Called by the services that add or read messages: the next page counts again. ``after_commit``:
    inside a transaction, dropped again after commit, so no request re-reads the old count in between."""
    keys = [_UNREAD_KEY.format(pk) for pk in user_ids]
    if after_commit:
        personcache.forget(keys)
    else:
        personcache.delete_many(keys)
