"""Services: common."""
from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    Application,
    EmployerMembership,
    Interview,
    JobPost,
)

# ---------------------------------------------------------------- state tables
POST_TRANSITIONS: dict[str, set[str]] = {
    JobPost.Status.DRAFT: {JobPost.Status.PENDING, JobPost.Status.PUBLISHED, JobPost.Status.CLOSED},
    JobPost.Status.RETURNED: {JobPost.Status.PENDING, JobPost.Status.PUBLISHED, JobPost.Status.CLOSED},
    JobPost.Status.PENDING: {JobPost.Status.PUBLISHED, JobPost.Status.RETURNED, JobPost.Status.CLOSED},
    JobPost.Status.PUBLISHED: {JobPost.Status.PENDING, JobPost.Status.CLOSED, JobPost.Status.EXPIRED},
    JobPost.Status.CLOSED: set(),
    JobPost.Status.EXPIRED: set(),
}

S = Application.Status
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.VIEWED, S.INTERVIEW, S.OFFERED, S.REJECTED, S.WITHDRAWN},
    S.VIEWED: {S.INTERVIEW, S.OFFERED, S.REJECTED, S.WITHDRAWN},
    S.INTERVIEW: {S.OFFERED, S.REJECTED, S.WITHDRAWN},
    S.OFFERED: {S.HIRED, S.REJECTED, S.WITHDRAWN},
    S.HIRED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
SEEKER_MOVES = {S.WITHDRAWN}
EMPLOYER_MOVES = {S.VIEWED, S.INTERVIEW, S.OFFERED, S.HIRED, S.REJECTED}
OPEN_INTERVIEW = (Interview.Status.PROPOSED, Interview.Status.ACCEPTED, Interview.Status.RESCHEDULE)

# The post's own columns; its welcomed groups (``key_groups``) are a relation, written by _replace_codes.
POST_FIELDS = ["title", "category", "district", "address", "salary_min", "salary_max", "headcount", "description",
               "benefits", "contact_name", "contact_phone", "valid_until", "video"]


def _key(text: str) -> uuid.UUID:
    """A stable notification key, so a retried task delivers a message once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, text)


def _delete_file_after_commit(model, field_name: str, name: str) -> None:
    """Remove a replaced or cleared private file once the row no longer points at it."""
    if not name:
        return
    storage = model._meta.get_field(field_name).storage
    transaction.on_commit(lambda: storage.delete(name))


def _check_transition(table: dict, current: str, target: str, label) -> None:
    if target not in table.get(current, set()):
        raise ValidationError(f"当前状态“{label(current).label}”不能变为“{label(target).label}”。", code="transition")


def _replace_codes(related, wanted) -> bool:
    """Make the codes of a relation (``post.key_groups``, ``profile.desired_categories``) exactly ``wanted``.

    Only the difference is written, so an unchanged list writes nothing; returns whether it changed.
    The caller holds the owner's row lock (or has just created it), so two saves do not interleave.
    """
    wanted = set(wanted)
    current = set(related.values_list("code", flat=True))
    if current == wanted:
        return False
    if current - wanted:
        related.filter(code__in=current - wanted).delete()
    owner = {related.field.name: related.instance}
    related.model.objects.bulk_create([related.model(code=code, **owner) for code in sorted(wanted - current)])
    return True


def _employer_user_ids(enterprise_id: int) -> list[int]:
    return list(EmployerMembership.objects.filter(
        enterprise_id=enterprise_id, status=EmployerMembership.Status.ACTIVE).values_list("user_id", flat=True))


