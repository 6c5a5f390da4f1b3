"""Who may do what in legal aid: volunteer lawyers (a role, no organisation) and legal-department staff."""
from __future__ import annotations

from apps.accounts.roles import Role, user_has_role
from apps.core.scoping import is_staff_member


def is_volunteer_lawyer(user) -> bool:
    return (user.is_authenticated and user.is_active and user.has_perm("legal_aid.answer_consultation")
            and user_has_role(user, Role.VOLUNTEER_LAWYER))


def is_legal_staff(user) -> bool:
    """Union staff of the legal department: they assign, watch the clock, see statistics, edit the FAQ."""
    return is_staff_member(user) and user.has_perm("legal_aid.handle_consultation")


def uses_screening(user) -> bool:
    return is_staff_member(user) and user.has_perm("legal_aid.screen_risk")


# --- legal-aid cases (green channel) ---

def is_case_staff(user) -> bool:
    """Legal-department staff who accept, decline and manage legal-aid cases of their subtree."""
    return is_staff_member(user) and user.has_perm("legal_aid.handle_case")


def is_case_lawyer(user) -> bool:
    """A volunteer lawyer: works the legal-aid cases assigned to them, nothing else."""
    return (user.is_authenticated and user.is_active and user.has_perm("legal_aid.work_case")
            and user_has_role(user, Role.VOLUNTEER_LAWYER))
