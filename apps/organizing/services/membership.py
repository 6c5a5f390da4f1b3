"""Online membership: applications, review, member numbers, transfers, leaving, ending."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.crypto import encrypt, pii_digest
from apps.core.models import Enterprise, Organization
from apps.core.services import organization_create
from apps.core.validators import mask_resident_id, normalize_resident_id
from apps.notifications.services import notify

from ..models import (
    MemberNumberSequence,
    Membership,
    MembershipApplication,
    MembershipEvent,
    NewFormWork,
    UnionProfile,
)
from .common import check_scope, message_key, transition

APPLICATION_TRANSITIONS = {
    MembershipApplication.Status.SUBMITTED: (
        MembershipApplication.Status.APPROVED, MembershipApplication.Status.RETURNED,
        MembershipApplication.Status.WITHDRAWN,
    ),
}
COUNTY_TYPES = (Organization.Type.COUNTY, Organization.Type.INDUSTRY)


# --- where an application goes ------------------------------------------------------------

def county_of(organization: Organization) -> Organization | None:
    return organization.county


@transaction.atomic
def catch_all_union_for(*, county: Organization, actor=None) -> Organization:
    """The county-level union's catch-all union (联合工会), created the first time it is needed."""
    if county.org_type != Organization.Type.COUNTY:
        raise ValidationError("兜底工会只设在县（市、区）总工会下。")
    # Serialise creation per county: lock the county row.
    Organization.objects.select_for_update().filter(pk=county.pk).first()
    profile = (UnionProfile.objects.select_related("organization")
               .filter(county=county, is_catch_all=True).first())
    if profile is not None:
        return profile.organization
    short = county.name.replace("总工会", "")
    code = f"{county.code}LH"
    union = Organization.objects.filter(code=code).first() or organization_create(
        name=f"{short}新就业形态和零散职工联合工会", code=code, org_type=Organization.Type.GRASSROOTS, parent=county)
    UnionProfile.objects.update_or_create(organization=union, defaults={"county": county, "is_catch_all": True})
    audit_record(actor=actor, action="organizing.catch_all.created", target=union, organization=county)
    return union


def route_union(*, enterprise: Enterprise | None, district: Organization | None) -> Organization:
    """The employer's grassroots union; else the catch-all union of the employer's (or chosen) county."""
    if enterprise is not None:
        if enterprise.has_union and enterprise.union_id and enterprise.union.is_active:
            return enterprise.union
        district = enterprise.district
    if district is None:
        raise ValidationError({"district": "没有固定工作单位时，请选择您所在的县（市、区）。"})
    return catch_all_union_for(county=district)


# --- applications -----------------------------------------------------------------------------

def _lock_user(user) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def check_id_number(*, user, id_number: str) -> tuple[str, str]:
    """Validate an applicant's ID number; returns (normalised, digest) or raises a field error."""
    try:
        normalized = normalize_resident_id(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    digest = pii_digest(normalized)
    if user.id_number_digest and user.id_number_digest != digest:
        raise ValidationError({"id_number": "与您账户中登记的身份证号码不一致。"})
    if Membership.objects.filter(id_digest=digest, status=Membership.Status.ACTIVE).exists():
        raise ValidationError({"id_number": "该身份证号码已是工会会员，不能重复入会。"})
    return normalized, digest


@transaction.atomic
def application_submit(
    *,
    user,
    real_name: str,
    id_number: str,
    enterprise: Enterprise | None,
    no_fixed_employer: bool,
    district: Organization | None,
    occupation: str,
    new_form_work: str = "",
) -> MembershipApplication:
    """A worker applies to join; the application goes to the employer's union or the catch-all union."""
    if not user.phone:
        raise ValidationError("请先在账户中绑定并验证手机号码。")
    real_name = (real_name or "").strip()
    if not real_name or len(real_name) > 30 or "\x00" in real_name:
        raise ValidationError({"real_name": "请填写真实姓名（不超过30个字）。"})
    occupation = (occupation or "").strip()
    if not occupation or len(occupation) > 40 or "\x00" in occupation:
        raise ValidationError({"occupation": "请填写职业或岗位（不超过40个字）。"})
    if new_form_work not in NewFormWork.values:
        raise ValidationError({"new_form_work": "请选择有效的新就业形态类别。"})
    if no_fixed_employer:
        enterprise = None
    elif enterprise is None:
        raise ValidationError({"enterprise": "请选择工作单位，或勾选“无固定工作单位”。"})
    if district is not None and district.org_type != Organization.Type.COUNTY:
        raise ValidationError({"district": "请选择县（市、区）。"})
    _lock_user(user)
    normalized, digest = check_id_number(user=user, id_number=id_number)
    own = Membership.objects.filter(user=user).first()
    if own is not None and (own.is_active or own.id_digest != digest):
        raise ValidationError("您的账户已关联会员信息，不能再次申请。")
    if MembershipApplication.objects.filter(id_digest=digest, status=MembershipApplication.Status.SUBMITTED).exists():
        raise ValidationError({"id_number": "该身份证号码已有一份待审核的入会申请。"})
    union = route_union(enterprise=enterprise, district=district)
    application = MembershipApplication(
        user=user, real_name=real_name, id_digest=digest, id_cipher=encrypt(normalized),
        id_masked=mask_resident_id(normalized), phone=user.phone, enterprise=enterprise,
        no_fixed_employer=enterprise is None, occupation=occupation, new_form_work=new_form_work, union=union,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError({"id_number": "该身份证号码已有一份待审核的入会申请。"}) from None
    audit_record(actor=user, action="organizing.application.submitted", target=application,
                 after={"union": union.pk}, organization=union)
    # A catch-all union is run by its county-level union's staff.
    desk = [union.pk, union.parent_id] if union.parent_id and UnionProfile.objects.filter(
        organization=union, is_catch_all=True).exists() else [union.pk]
    staff = list(get_user_model().objects.filter(organization_id__in=desk, is_active=True).values_list("pk", flat=True))
    notify(recipients=staff, title=f"新的入会申请：{real_name}",
           link=reverse("organizing:application_detail", args=[application.pk]))
    return application


def _lock_application(application: MembershipApplication) -> MembershipApplication:
    return MembershipApplication.objects.select_for_update().select_related("union").get(pk=application.pk)


def next_member_number(union: Organization, *, year: int | None = None) -> str:
    """County code + year + six-digit sequence; the sequence row is locked, so numbers are never reused."""
    county = union.county or union
    year = year or timezone.localdate().year
    sequence, _ = MemberNumberSequence.objects.get_or_create(county=county, year=year)
    sequence = MemberNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{county.code}{year}{sequence.last:06d}"


def _make_member(*, actor, user, real_name, digest, cipher, masked, phone, union, enterprise, occupation,
                 new_form_work, online: bool) -> Membership:
    existing = Membership.objects.select_for_update().filter(id_digest=digest).first()
    now = timezone.now()
    if existing is not None and existing.is_active:
        raise ValidationError("该身份证号码已是工会会员，不能重复入会。")
    if existing is not None:
        # Rejoining: the same row and number come back, the history says so.
        previous = existing.union
        for key, value in dict(user=user or existing.user, real_name=real_name, phone=phone, union=union,
                               enterprise=enterprise, occupation=occupation, new_form_work=new_form_work,
                               status=Membership.Status.ACTIVE, joined_online=online, ended_at=None,
                               end_reason="").items():
            setattr(existing, key, value)
        existing.save()
        MembershipEvent.objects.create(membership=existing, kind=MembershipEvent.Kind.REJOINED,
                                       from_union=previous, to_union=union, actor=actor)
        return existing
    membership = Membership(
        user=user, real_name=real_name, id_digest=digest, id_cipher=cipher, id_masked=masked, phone=phone,
        union=union, enterprise=enterprise, occupation=occupation, new_form_work=new_form_work,
        member_number=next_member_number(union), joined_online=online, joined_at=now,
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError("该身份证号码已是工会会员，不能重复入会。") from None
    MembershipEvent.objects.create(membership=membership, kind=MembershipEvent.Kind.JOINED, to_union=union,
                                   actor=actor)
    return membership


@transaction.atomic
def application_approve(*, actor, application: MembershipApplication) -> Membership:
    """Approve: the worker becomes a member with a number and a card, and is told."""
    application = _lock_application(application)
    check_scope(actor, application.union)
    transition(application, APPLICATION_TRANSITIONS, MembershipApplication.Status.APPROVED, label="入会申请")
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    application.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    membership = _make_member(
        actor=actor, user=application.user, real_name=application.real_name, digest=application.id_digest,
        cipher=application.id_cipher, masked=application.id_masked, phone=application.phone,
        union=application.union, enterprise=application.enterprise, occupation=application.occupation,
        new_form_work=application.new_form_work, online=True,
    )
    audit_record(actor=actor, action="organizing.application.approved", target=application,
                 before={"status": "submitted"},
                 after={"status": "approved", "member_number": membership.member_number},
                 organization=application.union)
    notify(recipients=[application.user_id], title="您的入会申请已通过",
           body=f"欢迎加入{application.union}，会员编号 {membership.member_number}。",
           link=reverse("organizing:my_card"), key=message_key(f"approved-{application.pk}"))
    return membership


@transaction.atomic
def application_return(*, actor, application: MembershipApplication, reason: str) -> MembershipApplication:
    """Return an application with a reason; the worker is told and may apply again."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200 or "\x00" in reason:
        raise ValidationError({"reason": "请填写退回原因（不超过200字）。"})
    application = _lock_application(application)
    check_scope(actor, application.union)
    transition(application, APPLICATION_TRANSITIONS, MembershipApplication.Status.RETURNED, label="入会申请")
    application.return_reason, application.reviewed_by, application.reviewed_at = reason, actor, timezone.now()
    application.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at"])
    audit_record(actor=actor, action="organizing.application.returned", target=application,
                 before={"status": "submitted"}, after={"status": "returned", "reason": reason},
                 organization=application.union)
    notify(recipients=[application.user_id], title="您的入会申请被退回", body=f"退回原因：{reason}",
           link=reverse("organizing:join"), key=message_key(f"returned-{application.pk}"))
    return application


@transaction.atomic
def application_withdraw(*, user, application: MembershipApplication) -> MembershipApplication:
    application = _lock_application(application)
    if application.user_id != user.pk:
        raise ValidationError("只能撤回本人的申请。")
    transition(application, APPLICATION_TRANSITIONS, MembershipApplication.Status.WITHDRAWN, label="入会申请")
    application.save(update_fields=["status"])
    audit_record(actor=user, action="organizing.application.withdrawn", target=application,
                 organization=application.union)
    return application


# --- members ----------------------------------------------------------------------------------

def _lock_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("union").get(pk=membership.pk)


@transaction.atomic
def membership_transfer(*, actor, membership: Membership, enterprise: Enterprise | None,
                        district: Organization | None = None, reason: str = "") -> Membership:
    """Move a member to the union of a new employer (or a catch-all union); the history is kept."""
    membership = _lock_membership(membership)
    if actor.pk != membership.user_id:
        check_scope(actor, membership.union)
    if not membership.is_active:
        raise ValidationError("会籍已结束，不能转会。")
    target = route_union(enterprise=enterprise, district=district)
    if target.pk == membership.union_id and enterprise == membership.enterprise:
        raise ValidationError({"enterprise": "新单位的工会与现在的工会相同，无需转会。"})
    previous = membership.union
    membership.union, membership.enterprise = target, enterprise
    membership.save(update_fields=["union", "enterprise"])
    MembershipEvent.objects.create(membership=membership, kind=MembershipEvent.Kind.TRANSFERRED,
                                   from_union=previous, to_union=target, reason=(reason or "")[:200], actor=actor)
    audit_record(actor=actor, action="organizing.membership.transferred", target=membership,
                 before={"union": previous.pk}, after={"union": target.pk}, organization=target)
    if membership.user_id:
        notify(recipients=[membership.user_id], title="会籍已转入新工会", body=f"您的会籍已由{previous}转入{target}。",
               link=reverse("organizing:my_card"))
    return membership


@transaction.atomic
def membership_leave(*, user, membership: Membership) -> Membership:
    """A member leaves the union of their own will."""
    membership = _lock_membership(membership)
    if membership.user_id != user.pk:
        raise ValidationError("只能办理本人的退会。")
    return _close(membership, actor=user, status=Membership.Status.LEFT, kind=MembershipEvent.Kind.LEFT,
                  reason="本人申请退会")


@transaction.atomic
def membership_end(*, actor, membership: Membership, reason: str) -> Membership:
    """Staff end a membership, with a reason; the member is told."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200 or "\x00" in reason:
        raise ValidationError({"reason": "请填写终止会籍的原因（不超过200字）。"})
    membership = _lock_membership(membership)
    check_scope(actor, membership.union)
    ended = _close(membership, actor=actor, status=Membership.Status.ENDED, kind=MembershipEvent.Kind.ENDED,
                   reason=reason)
    if ended.user_id:
        notify(recipients=[ended.user_id], title="您的会籍已终止", body=f"原因：{reason}")
    return ended


def _close(membership: Membership, *, actor, status: str, kind: str, reason: str) -> Membership:
    if not membership.is_active:
        raise ValidationError("会籍已经结束。")
    membership.status, membership.ended_at, membership.end_reason = status, timezone.now(), reason
    membership.save(update_fields=["status", "ended_at", "end_reason"])
    MembershipEvent.objects.create(membership=membership, kind=kind, from_union=membership.union, reason=reason,
                                   actor=actor)
    audit_record(actor=actor, action=f"organizing.membership.{kind}", target=membership,
                 before={"status": "active"}, after={"status": status, "reason": reason},
                 organization=membership.union)
    return membership
