"""The scoping rule, in one place.

A staff account belongs to one organisation and sees that organisation and everything below
it; superusers see everything; anybody else (workers, the public) sees no organisation's
internal records. Every app scopes its querysets with ``org_scope_q`` on its own field path.
"""
from __future__ import annotations

from django.db.models import Q

from .models import Organization

_NOTHING = Q(pk__in=[])


def is_staff_member(user) -> bool:
    """Union staff: an active account attached to an organisation (or a superuser)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "organization_id", None))
    )


def scope_root(user) -> Organization | None:
    """The organisation whose subtree the user may see; None for everyone outside the staff."""
    if not is_staff_member(user):
        return None
    if user.is_superuser and not user.organization_id:
        return Organization.objects.filter(parent__isnull=True).order_by("path").first()
    return user.organization


def org_scope_q(user, field: str = "") -> Q:
    """A Q that keeps rows whose organisation (at ``field``, e.g. ``"district"``) is in the user's subtree."""
    if is_staff_member(user) and user.is_superuser:
        return Q()
    root = scope_root(user)
    if root is None:
        return _NOTHING
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": root.path})


def can_act_for(user, organization: Organization | None) -> bool:
    """True when ``organization`` lies in the user's subtree."""
    if organization is None or not is_staff_member(user):
        return False
    if user.is_superuser:
        return True
    return organization.is_within(user.organization)
