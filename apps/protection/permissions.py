"""Who may do what in labour protection (permission names held through roles)."""
from __future__ import annotations

from apps.core.models import Organization
from apps.core.scoping import is_staff_member

ANY_PROTECTION_PERM = (
    "protection.submit_plan", "protection.review_plan", "protection.manage_templates", "protection.fill_inspection",
    "protection.handle_hazard", "protection.rectify_hazard", "protection.record_visit", "protection.report_health",
    "protection.view_dashboard", "protection.register_ankang", "protection.judge_ankang",
)


def uses_protection(user) -> bool:
    return is_staff_member(user) and any(user.has_perm(perm) for perm in ANY_PROTECTION_PERM)


def at_city(user) -> bool:
    if not is_staff_member(user):
        return False
    if user.is_superuser:
        return True
    return user.organization is not None and user.organization.org_type == Organization.Type.CITY


def can_judge_ankang(user) -> bool:
    """Only the city federation marks the 安康杯 winners."""
    return at_city(user) and user.has_perm("protection.judge_ankang")
