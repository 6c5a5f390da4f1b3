from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import pagecache
from .audit import audit_record, current_ip
from .consent import ConsentPurpose, require_consent, wording_version
from .models import Enterprise, Organization, SensitiveConsent
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
    pagecache.bump(pagecache.ENTERPRISES)
    audit_record(
        actor=actor, action="core.enterprise.updated", target=enterprise, before=before, after=_snapshot(enterprise)
    )
    return enterprise


def _snapshot(enterprise: Enterprise) -> dict:
    foreign_keys = ("district", "union")
    return {key: getattr(enterprise, f"{key}_id" if key in foreign_keys else key) for key in _ENTERPRISE_FIELDS}


def consent_record(*, subject, purpose: ConsentPurpose, given: bool, actor=None, target=None) -> SensitiveConsent:
    """Record the separate consent that allows ``purpose`` for ``subject``, inside the caller's transaction.

    ``actor`` is the person who ticked the box: the subject themselves, or a staff member entering on
    their behalf, who attests that the subject's written consent was obtained. Refuses when not given.
    """
    actor = actor or subject
    attested = actor.pk != subject.pk
    require_consent(given, attested=attested)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("consent_record must run inside the transaction that creates the application.")
    wording = purpose.attestation_text if attested else purpose.text
    return _consent_row(subject=subject, actor=actor, purpose=purpose, wording=wording, target=target,
                        kind=SensitiveConsent.Kind.ATTESTED if attested else SensitiveConsent.Kind.GIVEN)


def consent_withdraw(*, subject, purpose: ConsentPurpose, target, actor=None) -> SensitiveConsent | None:
    """Withdrawing the application withdraws its consent: a new WITHDRAWN row (the given one stays as it was).

    Called by the apps' own withdraw services, in their transaction; nothing to do when no consent was given.
    """
    target_type, target_id = target._meta.label_lower, str(target.pk)
    rows = SensitiveConsent.objects.filter(subject=subject, purpose=purpose.key, target_type=target_type,
                                           target_id=target_id)
    if not rows.exclude(kind=SensitiveConsent.Kind.WITHDRAWN).exists() or \
            rows.filter(kind=SensitiveConsent.Kind.WITHDRAWN).exists():
        return None
    return _consent_row(subject=subject, actor=actor or subject, purpose=purpose, target=target,
                        wording=f"撤回对“{purpose.service}”处理敏感个人信息的同意（随撤回申请一并撤回）。",
                        kind=SensitiveConsent.Kind.WITHDRAWN)


def _consent_row(*, subject, actor, purpose: ConsentPurpose, wording: str, target, kind: str) -> SensitiveConsent:
    consent = SensitiveConsent(
        subject=subject, actor=actor, kind=kind, purpose=purpose.key, service=purpose.service[:100],
        wording=wording, wording_version=wording_version(wording),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "", ip_address=current_ip.get())
    consent.full_clean()
    consent.save()
    return consent
