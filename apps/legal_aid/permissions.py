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


def records_disputes(user) -> bool:
    """Union staff who record labour disputes and collective negotiations (their subtree's enterprises)."""
    return is_staff_member(user) and user.has_perm("legal_aid.record_dispute")


def can_record_for(user, enterprise) -> bool:
    """An enterprise of the user's subtree: its district (county staff and above) or its own union (grassroots)."""
    from apps.core.scoping import can_act_for

    return records_disputes(user) and (can_act_for(user, enterprise.district) or can_act_for(user, enterprise.union))


def sets_dispute_thresholds(user) -> bool:
    return is_staff_member(user) and user.has_perm("legal_aid.change_disputethresholds")


# --- legal-aid cases (green channel) ---

def is_case_staff(user) -> bool:
    """Legal-department staff who accept, decline and manage legal-aid cases of their subtree."""
    return is_staff_member(user) and user.has_perm("legal_aid.handle_case")


def is_case_lawyer(user) -> bool:
    """A volunteer lawyer: works the legal-aid cases assigned to them, nothing else."""
    return (user.is_authenticated and user.is_active and user.has_perm("legal_aid.work_case")
            and user_has_role(user, Role.VOLUNTEER_LAWYER))
