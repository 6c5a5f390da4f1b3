"""Checklist templates (a used version is never changed: a change makes the next version) and inspections."""
from __future__ import annotations

import re
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Enterprise
from apps.core.scoping import can_act_for, scope_root

from ..models import ChecklistTemplate, Hazard, Inspection, InspectionAnswer, TemplateItem
from .common import require_enterprise, require_perm
from .hazards import _create as _create_hazard

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _require_manage(actor, template: ChecklistTemplate) -> None:
    require_perm(actor, "protection.manage_templates")
    if not can_act_for(actor, template.organization):
        raise PermissionDenied("只能修改本单位制定的模板。")


@transaction.atomic
def template_create(*, actor, name: str, description: str = "") -> ChecklistTemplate:
    require_perm(actor, "protection.manage_templates")
    template = ChecklistTemplate(family=uuid.uuid4(), version=1, name=name.strip(), description=description.strip(),
                                 organization=scope_root(actor), created_by=actor)
    template.full_clean()
    template.save()
    audit_record(actor=actor, action="protection.template.created", target=template)
    return template


def _editable(actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """The version to change: this one if no inspection used it, else a fresh copy as the next version."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_current:
        raise ValidationError("这是旧版本，请在当前版本上修改。")
    if not template.inspections.exists():
        return template
    template.is_current = False
    template.save(update_fields=["is_current"])
    successor = ChecklistTemplate.objects.create(
        family=template.family, version=template.version + 1, name=template.name, description=template.description,
        organization=template.organization, created_by=actor)
    TemplateItem.objects.bulk_create([
        TemplateItem(template=successor, topic=i.topic, text=i.text, pass_criterion=i.pass_criterion, order=i.order)
        for i in template.items.all()])
    audit_record(actor=actor, action="protection.template.versioned", target=successor,
                 before={"version": template.version}, after={"version": successor.version})
    return successor


@transaction.atomic
def template_item_add(*, actor, template: ChecklistTemplate, topic: str, text: str,
                      pass_criterion: str) -> ChecklistTemplate:
    """Add an item; returns the version that now holds it."""
    _require_manage(actor, template)
    target = _editable(actor, template)
    last = target.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = TemplateItem(template=target, topic=topic.strip(), text=text.strip(), pass_criterion=pass_criterion.strip(),
                        order=last + 1)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="protection.template.item_added", target=target, after={"item": item.text})
    return target


@transaction.atomic
def template_item_remove(*, actor, template: ChecklistTemplate, item_id: int) -> ChecklistTemplate:
    _require_manage(actor, template)
    item = template.items.filter(pk=item_id).first()
    if item is None:
        raise ValidationError("该项目不存在。")
    target = _editable(actor, template)
    removed = target.items.filter(order=item.order, text=item.text).first()
    if removed is not None:
        removed.delete()
    audit_record(actor=actor, action="protection.template.item_removed", target=target, before={"item": item.text})
    return target


def validate_period(period: str) -> str:
    period = (period or "").strip()
    match = PERIOD_RE.match(period)
    today = timezone.localdate()
    if not match or int(match.group(1)) < 2020 or (int(match.group(1)), int(match.group(2))) > (today.year,
                                                                                              today.month):
        raise ValidationError({"period": "请填写不晚于本月的年月，例如 2026-03。"})
    return period


@transaction.atomic
def inspection_submit(*, actor, enterprise: Enterprise, template: ChecklistTemplate, period: str,
                      answers: dict[int, tuple[bool, str]]) -> Inspection:
    """Record a self-inspection; every failed item becomes a hazard linked to it."""
    require_perm(actor, "protection.fill_inspection")
    require_enterprise(actor, enterprise)
    period = validate_period(period)
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_current:
        raise ValidationError("该模板已有新版本，请使用当前版本自查。")
    items = list(template.items.all())
    if not items:
        raise ValidationError("该模板还没有检查项目。")
    missing = [item.text for item in items if item.pk not in answers]
    if missing:
        raise ValidationError(f"请逐项填写检查结果：{'、'.join(missing[:3])}。")
    if Inspection.objects.filter(enterprise=enterprise, template=template, period=period).exists():
        raise ValidationError({"period": "该企业本期已按此清单自查过。"})
    inspection = Inspection.objects.create(enterprise=enterprise, template=template, period=period, filled_by=actor)
    failed = 0
    for item in items:
        passed, note = answers[item.pk]
        answer = InspectionAnswer.objects.create(inspection=inspection, item=item, passed=passed,
                                                 note=note.replace("\x00", "").strip()[:300])
        if not passed:
            failed += 1
            description = f"【{item.topic}】{item.text}：不符合“{item.pass_criterion}”" + (
                f"。{answer.note}" if answer.note else "")
            _create_hazard(enterprise=enterprise, source=Hazard.Source.INSPECTION, description=description,
                           reported_by=actor, inspection_answer=answer)
    inspection.failed_count = failed
    inspection.save(update_fields=["failed_count"])
    audit_record(actor=actor, action="protection.inspection.submitted", target=inspection,
                 after={"failed": failed, "template": template.pk, "period": period})
    return inspection
