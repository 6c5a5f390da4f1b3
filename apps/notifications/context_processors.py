from .selectors import unread_count


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user, cached=True) if user is not None else 0}
