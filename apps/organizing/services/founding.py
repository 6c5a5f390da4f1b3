"""Enterprises without a union: founding plans (建会预案) and founding the union in the tree."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from apps.core.audit import audit_record
from apps.core.models import Enterprise, Organization
from apps.core.services import enterprise_update, organization_create
from apps.notifications.services import notify

from ..models import FoundingNote, FoundingPlan, Membership, UnionProfile
from .common import check_scope, message_key, transition

PLAN_TRANSITIONS = {
    FoundingPlan.Status.NOT_STARTED: (FoundingPlan.Status.CONTACTED,),
    FoundingPlan.Status.CONTACTED: (FoundingPlan.Status.PREPARING, FoundingPlan.Status.NOT_STARTED),
    FoundingPlan.Status.PREPARING: (FoundingPlan.Status.CONTACTED,),
}
PLAN_FIELDS = ["contact_name", "contact_phone", "planned_date", "steps"]
TERM_YEARS = 5


def _check_date(value: dt.date | None, field: str) -> None:
    if value is not None and not (2000 <= value.year <= 2100):
        raise ValidationError({field: "日期超出合理范围。"})


@transaction.atomic
def plan_save(*, actor, enterprise: Enterprise, data: dict) -> FoundingPlan:
    """Create or change the founding plan of an enterprise without a union, assigned to its county."""
    enterprise = Enterprise.objects.select_for_update().select_related("district").get(pk=enterprise.pk)
    check_scope(actor, enterprise.district)
    if enterprise.has_union:
        raise ValidationError("该企业已建立工会。")
    _check_date(data.get("planned_date"), "planned_date")
    plan = FoundingPlan.objects.select_for_update().filter(enterprise=enterprise).first()
    created = plan is None
    if created:
        plan = FoundingPlan(enterprise=enterprise, county=enterprise.district, created_by=actor)
    before = {key: str(getattr(plan, key)) for key in [*PLAN_FIELDS, "status"]}
    for key in PLAN_FIELDS:
        if key in data:
            setattr(plan, key, data[key])
    new_status = data.get("status") or plan.status
    if new_status != plan.status:
        transition(plan, PLAN_TRANSITIONS, new_status, label="建会预案")
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="organizing.plan.created" if created else "organizing.plan.updated",
                 target=plan, before=None if created else before,
                 after={key: str(getattr(plan, key)) for key in [*PLAN_FIELDS, "status"]}, organization=plan.county)
    return plan


@transaction.atomic
def plan_note_add(*, actor, plan: FoundingPlan, noted_on: dt.date, text: str) -> FoundingNote:
    check_scope(actor, plan.county)
    text = (text or "").strip()
    if not text or "\x00" in text:
        raise ValidationError({"text": "请填写工作记录。"})
    _check_date(noted_on, "noted_on")
    note = FoundingNote.objects.create(plan=plan, noted_on=noted_on, text=text[:500], author=actor)
    audit_record(actor=actor, action="organizing.plan.noted", target=plan, after={"text": note.text[:100]},
                 organization=plan.county)
    return note


def _next_grassroots_code(county: Organization) -> str:
    prefix = f"{county.code}G"
    taken = {code[len(prefix):] for code in Organization.objects.filter(code__startswith=prefix)
             .values_list("code", flat=True)}
    numbers = [int(tail) for tail in taken if tail.isdigit()]
    return f"{prefix}{(max(numbers, default=0) + 1):03d}"


@transaction.atomic
def plan_found(*, actor, plan: FoundingPlan, union_name: str, founded_on: dt.date) -> Organization:
    """The enterprise has founded its union: create it in the tree, link it, offer members the transfer."""
    plan = FoundingPlan.objects.select_for_update().select_related("enterprise", "county").get(pk=plan.pk)
    check_scope(actor, plan.county)
    union_name = (union_name or "").strip()
    if not union_name or len(union_name) > 100 or "\x00" in union_name:
        raise ValidationError({"union_name": "请填写工会名称（不超过100字）。"})
    _check_date(founded_on, "founded_on")
    if plan.status != FoundingPlan.Status.PREPARING:
        raise ValidationError("建会预案须处于“筹备中”才能登记建会。")
    # Serialise code allocation per county.
    Organization.objects.select_for_update().filter(pk=plan.county_id).first()
    union = organization_create(name=union_name, code=_next_grassroots_code(plan.county),
                                org_type=Organization.Type.GRASSROOTS, parent=plan.county)
    term_end = founded_on.replace(year=founded_on.year + TERM_YEARS) if not (
        founded_on.month == 2 and founded_on.day == 29) else dt.date(founded_on.year + TERM_YEARS, 2, 28)
    UnionProfile.objects.create(organization=union, county=plan.county, founded_on=founded_on,
                                term_start=founded_on, term_end=term_end)
    enterprise_update(actor=actor, enterprise=plan.enterprise, data={"union": union, "has_union": True})
    plan.status, plan.union, plan.founded_on = FoundingPlan.Status.FOUNDED, union, founded_on
    plan.save(update_fields=["status", "union", "founded_on", "updated_at"])
    audit_record(actor=actor, action="organizing.plan.founded", target=plan, before={"status": "preparing"},
                 after={"status": "founded", "union": union.pk}, organization=plan.county)
    offered = list(Membership.objects.filter(enterprise=plan.enterprise, status=Membership.Status.ACTIVE,
                                             union__organizing_profile__is_catch_all=True,
                                             user__isnull=False).values_list("user_id", flat=True))
    notify(recipients=offered, title=f"{plan.enterprise.name}已成立工会",
           body=f"您可以把会籍从联合工会转入新成立的{union.name}。",
           link=reverse("organizing:transfer") + "?offered=1&q=" + plan.enterprise.credit_code,
           key=message_key(f"founded-{plan.pk}"))
    return union
