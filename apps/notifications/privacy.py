"""A person's messages: their copy, and deleted when the account closes."""
from __future__ import annotations

from django.db import transaction

from apps.core.registry import ClosureNote, DataSection

from .models import Notification


def my_messages_data(user) -> list[DataSection]:
    messages = Notification.objects.filter(recipient=user).order_by("-created_at")
    return [DataSection(title="站内消息", columns=["标题", "内容", "链接", "时间", "阅读时间"],
                        rows=[[m.title, m.body, m.link, m.created_at, m.read_at] for m in messages])]


@transaction.atomic
def messages_close(*, user) -> ClosureNote:
    deleted, _ = Notification.objects.filter(recipient=user).delete()
    return ClosureNote(app="消息", erased=[f"站内消息 {deleted} 条"] if deleted else [])
