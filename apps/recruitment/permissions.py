"""Who may do what in recruitment: the checks the services, views and providers share."""
from __future__ import annotations

from apps.core.models import Enterprise
from apps.core.scoping import can_act_for, is_staff_member

from .models import EmployerMembership


def is_member(user, enterprise: Enterprise) -> bool:
    return user.is_authenticated and EmployerMembership.objects.filter(
        user=user, enterprise=enterprise, status=EmployerMembership.Status.ACTIVE).exists()


def staff_can_manage(user, enterprise: Enterprise) -> bool:
    return is_staff_member(user) and (can_act_for(user, enterprise.district) or can_act_for(user, enterprise.union))


def can_review_for(user, enterprise: Enterprise) -> bool:
    return is_staff_member(user) and user.has_perm("recruitment.review_post") and can_act_for(
        user, enterprise.district)
