"""Who does what in the reporting workbench.

The city office is staff of the city organisation holding the reports permissions (role
city_office); district officers are staff of the organisation a round expects, holding
``reports.submit_reports`` (county and industry union staff).
"""
from __future__ import annotations

from apps.core.models import Organization
from apps.core.scoping import is_staff_member


def _at_city(user) -> bool:
    if not is_staff_member(user):
        return False
    if user.is_superuser:
        return True
    return user.organization is not None and user.organization.org_type == Organization.Type.CITY


def is_city_office(user) -> bool:
    """May create and manage report tasks."""
    return _at_city(user) and user.has_perm("reports.manage_tasks")


def is_reviewer(user) -> bool:
    """May accept, return and reopen submissions and export rounds."""
    return _at_city(user) and user.has_perm("reports.review_submissions")


def can_view_overview(user) -> bool:
    return _at_city(user) and user.has_perm("reports.view_overview")


def can_fill(user, submission) -> bool:
    """Only the expected organisation's own officers fill in its report."""
    return (
        is_staff_member(user)
        and user.organization_id is not None
        and user.organization_id == submission.organization_id
        and user.has_perm("reports.submit_reports")
    )
