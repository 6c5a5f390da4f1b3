"""Services: employers."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Enterprise, Organization
from apps.core.scoping import is_staff_member
from apps.core.validators import normalize_credit_code
from apps.notifications.services import notify

from ..models import (
    EmployerMembership,
    EmployerProfile,
)
from ..permissions import staff_can_manage
from ..selectors import EMPLOYERS


# ---------------------------------------------------------------- employers
@transaction.atomic
def employer_register(*, user, credit_code: str, name: str, district: Organization, industry: str,
                      address: str = "", contact_name: str = "", contact_phone: str = "", job_title: str = "",
                      introduction: str = "") -> EmployerMembership:
    """An ordinary account asks to recruit for an enterprise (found by credit code, or registered now)."""
    if is_staff_member(user):
        raise ValidationError("工会工作人员请在工作台代企业发布岗位，无需申请企业招聘账号。")
    raw = "".join((credit_code or "").split()).upper()
    enterprise = Enterprise.objects.filter(credit_code=raw).first()
    if enterprise is None:
        code = normalize_credit_code(raw)
        # Typed by the applicant, so not counted anywhere until union staff verify it.
        enterprise = Enterprise(name=name, credit_code=code, district=district, industry=industry,
                                size=Enterprise.Size.SMALL, address=address, contact_name=contact_name,
                                contact_phone=contact_phone, is_verified=False)
        enterprise.full_clean()
        enterprise.save()
    profile, profile_created = EmployerProfile.objects.get_or_create(enterprise=enterprise,
                                                                     defaults={"introduction": introduction})
    if profile_created:
        pagecache.bump(EMPLOYERS)  # a job page of the enterprise shows the introduction
    membership, created = EmployerMembership.objects.get_or_create(user=user, enterprise=enterprise,
                                                                   defaults={"job_title": job_title})
    if not created and membership.status == EmployerMembership.Status.ACTIVE:
        raise ValidationError("您已是该企业的招聘账号。")
    if not created:
        membership.status = EmployerMembership.Status.PENDING
        membership.save(update_fields=["status"])
    audit_record(actor=user, action="recruitment.employer.registered", target=membership,
                 organization=enterprise.district, after={"enterprise": enterprise.pk})
    return membership


@transaction.atomic
def employer_verify(*, actor, membership: EmployerMembership, approve: bool, note: str = "") -> EmployerMembership:
    """Union staff of the enterprise's area verify the account and, with it, the enterprise."""
    membership = EmployerMembership.objects.select_for_update().select_related("enterprise").get(pk=membership.pk)
    enterprise = membership.enterprise
    if not (actor.has_perm("recruitment.verify_employer") and staff_can_manage(actor, enterprise)):
        raise PermissionDenied("只能核实本区域的企业。")
    before = membership.status
    membership.status = EmployerMembership.Status.ACTIVE if approve else EmployerMembership.Status.REJECTED
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    if approve:
        employer_profile_verify(actor=actor, enterprise=enterprise, note=note)
    audit_record(actor=actor, action="recruitment.employer.verified" if approve else "recruitment.employer.rejected",
                 target=membership, before={"status": before}, after={"status": membership.status, "note": note})
    notify(recipients=[membership.user_id], title="企业招聘账号已核实" if approve else "企业招聘账号未通过核实",
           body=f"{enterprise.name}。{note}".strip(), link=reverse("recruitment:employer_home"))
    return membership


@transaction.atomic
def employer_profile_verify(*, actor, enterprise: Enterprise, note: str = "") -> EmployerProfile:
    if not (actor.has_perm("recruitment.verify_employer") and staff_can_manage(actor, enterprise)):
        raise PermissionDenied("只能核实本区域的企业。")
    profile, _ = EmployerProfile.objects.select_for_update().get_or_create(enterprise=enterprise)
    if profile.status != EmployerProfile.Status.VERIFIED:
        profile.status = EmployerProfile.Status.VERIFIED
        profile.verified_by = actor
        profile.verified_at = timezone.now()
        profile.note = note[:200]
        profile.save(update_fields=["status", "verified_by", "verified_at", "note"])
        pagecache.bump("jobs", EMPLOYERS)  # the job page marks the employer 已核实
        audit_record(actor=actor, action="recruitment.enterprise.verified", target=profile)
    if not enterprise.is_verified:
        Enterprise.objects.filter(pk=enterprise.pk).update(is_verified=True)
        enterprise.is_verified = True
    return profile


def enterprise_is_verified(enterprise: Enterprise) -> bool:
    return EmployerProfile.objects.filter(enterprise=enterprise, status=EmployerProfile.Status.VERIFIED).exists()


