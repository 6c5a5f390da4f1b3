from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.redirects import is_safe_next

from . import selectors, services


def inbox(request):
    notifications = selectors.inbox_for_user(request.user)
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    context = {"page_obj": page, "only_unread": bool(request.GET.get("unread"))}
    return render(request, "notifications/inbox.html", context)


def open_notification(request, pk: int):
    """Mark one of the user's own messages read and follow its link."""
    notification = selectors.inbox_for_user(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    link = notification.link
    if is_safe_next(request, link):
        return redirect(link)
    return render(request, "notifications/detail.html", {"notification": notification})


@require_POST
def mark_all_read(request):
    count = services.notification_mark_read(user=request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("notifications:inbox")
