"""Resumption plans: submitted → approved, or returned with comments → resubmitted (history kept)."""
from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Enterprise
from apps.notifications.services import notify

from ..models import PLAN_ITEMS, PlanVersion, ResumptionPlan
from .common import lock_enterprise, message_key, require_enterprise, require_perm, staff_holding

P = ResumptionPlan.Status
TRANSITIONS: dict[str, set[str]] = {
    P.SUBMITTED: {P.APPROVED, P.RETURNED},
    P.RETURNED: {P.SUBMITTED},
    P.APPROVED: set(),
}
MIN_ITEM_LENGTH = 4


def _clean_checklist(checklist: dict) -> dict:
    cleaned, errors = {}, {}
    for key, label, _ in PLAN_ITEMS:
        text = str(checklist.get(key, "")).replace("\x00", "").strip()
        if len(text) < MIN_ITEM_LENGTH:
            errors[f"item_{key}"] = f"请具体说明“{label}”的措施（至少 {MIN_ITEM_LENGTH} 个字）。"
        cleaned[key] = text[:1000]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def plan_submit(*, actor, enterprise: Enterprise, checklist: dict, document=None, resumed_on: date | None = None,
                note: str = "") -> ResumptionPlan:
    """Submit the enterprise's plan, or resubmit it after it was returned; every submission is a version."""
    require_perm(actor, "protection.submit_plan")
    require_enterprise(actor, enterprise)
    checklist = _clean_checklist(checklist)
    enterprise = lock_enterprise(enterprise)
    now = timezone.now()
    plan = ResumptionPlan.objects.select_for_update().filter(enterprise=enterprise).first()
    if plan is None:
        if not document:
            raise ValidationError({"document": "请上传复工方案文件。"})
        plan = ResumptionPlan(enterprise=enterprise, checklist=checklist, resumed_on=resumed_on, submitted_by=actor,
                              submitted_at=now, status=P.SUBMITTED, version=1)
        plan.document = document
        plan.save()
        before = None
    else:
        if P.SUBMITTED not in TRANSITIONS[plan.status]:
            raise ValidationError(f"方案当前为“{plan.get_status_display()}”，不能重新提交。")
        before = {"status": plan.status, "version": plan.version}
        plan.status, plan.checklist, plan.resumed_on = P.SUBMITTED, checklist, resumed_on
        plan.submitted_by, plan.submitted_at, plan.version = actor, now, plan.version + 1
        if document:
            plan.document = document
        plan.save()
    version = PlanVersion(plan=plan, number=plan.version, checklist=checklist, resumed_on=resumed_on,
                          note=note.strip()[:500], submitted_by=actor, submitted_at=now)
    version.document = plan.document.name
    version.save()
    audit_record(actor=actor, action="protection.plan.submitted", target=plan, before=before,
                 after={"status": plan.status, "version": plan.version})
    notify(recipients=staff_holding(enterprise.district, "protection.review_plan"),
           title="复工方案待审核", body=f"{enterprise.name} 提交了第 {plan.version} 版复工方案。",
           link=reverse("protection:plan_detail", args=[plan.pk]),
           key=message_key(f"protection:plan:{plan.pk}:v{plan.version}"))
    return plan


@transaction.atomic
def plan_review(*, actor, plan: ResumptionPlan, approve: bool, comment: str = "") -> ResumptionPlan:
    """The county-level union approves the plan, or returns it with comments."""
    require_perm(actor, "protection.review_plan")
    plan = ResumptionPlan.objects.select_for_update().select_related("enterprise").get(pk=plan.pk)
    require_enterprise(actor, plan.enterprise)
    target = P.APPROVED if approve else P.RETURNED
    if target not in TRANSITIONS[plan.status]:
        raise ValidationError(f"方案当前为“{plan.get_status_display()}”，不能审核。")
    comment = comment.replace("\x00", "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": "退回时请写明需要修改的地方。"})
    now = timezone.now()
    before = {"status": plan.status}
    plan.status, plan.reviewed_at = target, now
    plan.save(update_fields=["status", "reviewed_at"])
    version = PlanVersion.objects.select_for_update().get(plan=plan, number=plan.version)
    version.decision = PlanVersion.Decision.APPROVED if approve else PlanVersion.Decision.RETURNED
    version.comment, version.reviewer, version.reviewed_at = comment, actor, now
    version.save(update_fields=["decision", "comment", "reviewer", "reviewed_at"])
    audit_record(actor=actor, action=f"protection.plan.{target}", target=plan, before=before,
                 after={"status": plan.status, "comment": comment})
    notify(recipients=[plan.submitted_by], title=f"复工方案{'已通过' if approve else '被退回修改'}",
           body=comment[:200], link=reverse("protection:plan_detail", args=[plan.pk]),
           key=message_key(f"protection:plan:{plan.pk}:v{plan.version}:{target}"))
    return plan
