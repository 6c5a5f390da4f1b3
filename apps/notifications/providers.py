"""What the notifications app plugs into core: the /me/ messages section, data export, closer, welcome message."""
from __future__ import annotations

import uuid


def _greet_new_user(sender, user, **kwargs) -> None:
    from django.urls import reverse

    from apps.core.registry import offered_services

    from .services import notify

    offered = "；".join(f"{item.label}（{item.description}）" if item.description else item.label
                       for item in offered_services())
    body = f"{user.get_short_name()}，您好！您已成功注册。"
    if offered:
        body += f"平台现在提供：{offered}。"
    notify(
        recipients=[user],
        title="欢迎加入焦作职工服务平台",
        body=body + "完善个人信息后，办理各项业务更方便。",
        link=reverse("core:me"),
        # One welcome per person, however often the event is delivered.
        key=uuid.uuid5(uuid.NAMESPACE_URL, f"jiaozuo-union/welcome/{user.pk}"),
    )


def _my_messages(user):
    from django.urls import reverse

    from apps.core.registry import MySection, RecordRow

    from .selectors import inbox_for_user

    rows = [
        RecordRow(title=n.title, url=reverse("notifications:open", args=[n.pk]), when=n.created_at,
                  status="未读" if n.read_at is None else "已读",
                  status_tone="danger" if n.read_at is None else "secondary")
        for n in inbox_for_user(user)[:5]
    ]
    return MySection(title="我的消息", rows=rows, more_url=reverse("notifications:inbox"), order=900,
                     empty_text="暂无消息")


def register() -> None:
    from apps.accounts.signals import user_registered
    from apps.core.registry import my_records

    user_registered.connect(_greet_new_user, dispatch_uid="notifications.greet_new_user")
    my_records.register(_my_messages)
    from apps.core.registry import account_closers, my_data_exports, person_cache_keys

    from .privacy import messages_close, my_messages_data
    from .selectors import unread_keys

    person_cache_keys.register(unread_keys)

    my_data_exports.register(my_messages_data)
    account_closers.register(messages_close)
