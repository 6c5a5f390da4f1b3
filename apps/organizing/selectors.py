"""Scoped reads of the organizing app, and ``union_of`` — the link between a worker and a union."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.core.models import Organization
from apps.core.scoping import org_scope_q

from .models import Membership, MembershipApplication

# --- the link between a worker and their union ------------------------------------------------

def _member_q(user) -> Q:
    query = Q(user_id=user.pk)
    digest = getattr(user, "id_number_digest", None)
    if digest:
        # Members imported from a union's list are found by the ID number on the worker's account.
        query |= Q(user__isnull=True, id_digest=digest)
    return query


def membership_of(user) -> Membership | None:
    """The user's membership (active or not), or None; one query."""
    if user is None or not user.is_authenticated:
        return None
    return (Membership.objects.filter(_member_q(user)).select_related("union", "enterprise")
            .order_by("user_id").first())


def union_of(user) -> Organization | None:
    """The union the user is an active member of, or None (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = (Membership.objects.filter(_member_q(user), status=Membership.Status.ACTIVE)
                  .select_related("union").first())
    return membership.union if membership else None


def unions_of(users) -> dict[int, Organization]:
    """``{user_id: union}`` for the active members among ``users`` (two queries at most)."""
    users = list(users)
    if not users:
        return {}
    ids = [getattr(u, "pk", u) for u in users]
    found = {m.user_id: m.union for m in Membership.objects.filter(user_id__in=ids, status=Membership.Status.ACTIVE)
             .select_related("union")}
    digests = {u.id_number_digest: u.pk for u in users
               if hasattr(u, "id_number_digest") and u.id_number_digest and u.pk not in found}
    if digests:
        for membership in Membership.objects.filter(user__isnull=True, id_digest__in=list(digests),
                                                    status=Membership.Status.ACTIVE).select_related("union"):
            found[digests[membership.id_digest]] = membership.union
    return found


# --- applications and members -----------------------------------------------------------------

def applications_for_staff(user) -> QuerySet[MembershipApplication]:
    return (MembershipApplication.objects.filter(org_scope_q(user, "union"))
            .select_related("union", "enterprise"))


def get_application_for_staff(user, pk: int) -> MembershipApplication:
    try:
        return applications_for_staff(user).get(pk=pk)
    except MembershipApplication.DoesNotExist:
        raise Http404 from None


def applications_of(user) -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.filter(user=user).select_related("union", "enterprise")


def get_application_for_worker(user, pk: int) -> MembershipApplication:
    try:
        return applications_of(user).get(pk=pk)
    except MembershipApplication.DoesNotExist:
        raise Http404 from None


def members_for_staff(user) -> QuerySet[Membership]:
    return Membership.objects.filter(org_scope_q(user, "union")).select_related("union", "enterprise")


def get_member_for_staff(user, pk: int) -> Membership:
    try:
        return members_for_staff(user).get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None


def get_card_for_user(user, pk: int) -> Membership:
    """A member card: only its own member may open it."""
    membership = membership_of(user)
    if membership is None or membership.pk != pk:
        raise Http404
    return membership


def get_card_by_token(token: str) -> Membership:
    """The public verification page: unknown tokens answer 404 and reveal nothing."""
    if not token or len(token) > 32 or "\x00" in token:
        raise Http404
    try:
        return Membership.objects.select_related("union").get(verify_token=token)
    except Membership.DoesNotExist:
        raise Http404 from None
