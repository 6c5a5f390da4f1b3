from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .indicators import Indicator, period_bounds, subtree_totals
from .models import AuditLog, Enterprise, Organization, SensitiveConsent
from .scoping import org_scope_q


def organizations_for_user(user) -> QuerySet[Organization]:
    """The organisations this user may see: their own and everything below it."""
    return Organization.objects.filter(org_scope_q(user)).select_related("parent")


def counties() -> QuerySet[Organization]:
    """The eleven county-level unions, in code order, for filters and reports."""
    return Organization.objects.filter(org_type=Organization.Type.COUNTY).order_by("code")


def enterprises_for_user(user) -> QuerySet[Enterprise]:
    """Enterprises in the user's district subtree or attached to a union in their subtree."""
    return (
        Enterprise.objects.filter(org_scope_q(user, "district") | org_scope_q(user, "union"))
        .select_related("district", "union")
    )


def get_organization_for_user(user, pk: int) -> Organization:
    return get_object_or_404(organizations_for_user(user), pk=pk)


def get_enterprise_for_user(user, pk: int) -> Enterprise:
    return get_object_or_404(enterprises_for_user(user), pk=pk)


def audit_for_user(user) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(org_scope_q(user, "organization")).select_related("actor", "organization")


def consents_of(user) -> QuerySet[SensitiveConsent]:
    """The separate consents a person gave (or staff attested for them) and withdrew, newest first."""
    return SensitiveConsent.objects.filter(subject=user).select_related("actor").order_by("-created_at", "-id")


def _enterprises_registered(organizations, start, end):
    since, until = period_bounds(start, end)
    return subtree_totals(Enterprise.objects.verified().filter(created_at__gte=since, created_at__lt=until),
                          org_field="district", organizations=organizations)


def _enterprises_with_union(organizations, start, end):
    return subtree_totals(Enterprise.objects.verified().filter(has_union=True), org_field="district",
                          organizations=organizations)


INDICATORS = [
    Indicator(key="core.enterprises_registered", label="新登记企业数", unit="家", compute=_enterprises_registered),
    Indicator(key="core.enterprises_with_union", label="已建会企业数（期末）", unit="家",
              compute=_enterprises_with_union),
]
