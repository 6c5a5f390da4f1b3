from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .audit import audit_record
from .models import Enterprise, Organization
from .scoping import can_act_for
from .validators import normalize_credit_code


@transaction.atomic
def organization_create(*, name: str, code: str, org_type: str, parent: Organization | None) -> Organization:
    """Create an organisation below ``parent``, computing its place in the tree."""
    organization = Organization(name=name, code=code, org_type=org_type, parent=parent)
    organization.path = (parent.path if parent else "") + code + "/"
    organization.depth = parent.depth + 1 if parent else 0
    organization.full_clean()
    organization.save()
    return organization


_ENTERPRISE_FIELDS = [
    "name", "credit_code", "district", "industry", "size", "employee_count",
    "address", "has_union", "union", "contact_name", "contact_phone",
]


def _check_enterprise_scope(actor, district: Organization, union: Organization | None) -> None:
    if not (can_act_for(actor, district) or (union is not None and can_act_for(actor, union))):
        raise PermissionDenied("只能登记本组织范围内的企业。")
    # A union under another county is a mistake; one under an industry union may sit anywhere.
    owner = union.county if union is not None and not union.is_within(district) else None
    if owner is not None and owner.org_type == Organization.Type.COUNTY:
        raise ValidationError({"union": "所属基层工会不在该县（市、区）。"})


@transaction.atomic
def enterprise_create(*, actor, data: dict) -> Enterprise:
    """Register an enterprise within the actor's scope."""
    _check_enterprise_scope(actor, data["district"], data.get("union"))
    enterprise = Enterprise(**{key: data[key] for key in _ENTERPRISE_FIELDS if key in data})
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    enterprise.has_union = enterprise.union is not None or enterprise.has_union
    enterprise.full_clean()
    enterprise.save()
    audit_record(actor=actor, action="core.enterprise.created", target=enterprise, after=_snapshot(enterprise))
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, data: dict) -> Enterprise:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = _snapshot(enterprise)
    _check_enterprise_scope(actor, data.get("district", enterprise.district), data.get("union", enterprise.union))
    for key in _ENTERPRISE_FIELDS:
        if key in data:
            setattr(enterprise, key, data[key])
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    enterprise.has_union = enterprise.union is not None or enterprise.has_union
    enterprise.full_clean()
    enterprise.save()
    audit_record(
        actor=actor, action="core.enterprise.updated", target=enterprise, before=before, after=_snapshot(enterprise)
    )
    return enterprise


def _snapshot(enterprise: Enterprise) -> dict:
    foreign_keys = ("district", "union")
    return {key: getattr(enterprise, f"{key}_id" if key in foreign_keys else key) for key in _ENTERPRISE_FIELDS}
