"""Stability-risk screening: record a screening, score it by the rule table, warn on red."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import can_act_for
from apps.notifications.services import notify

from .. import rules
from ..models import RiskScreening
from .common import _key, county_and_city_staff

# --- stability-risk screening ---------------------------------------------------------------------

@transaction.atomic
def screening_record(*, actor, enterprise, data: dict) -> RiskScreening:
    """Record a screening; the rule table scores it; red warns the district and the city at once."""
    if not (actor.has_perm("legal_aid.screen_risk") and (can_act_for(actor, enterprise.district)
                                                         or can_act_for(actor, enterprise.union))):
        raise PermissionDenied("只能排查本组织及下级组织的企业。")
    screening = RiskScreening(enterprise=enterprise, created_by=actor, **data)
    errors = {}
    headcount = screening.headcount or 0
    if (screening.layoffs_planned or 0) > headcount:
        errors["layoffs_planned"] = "计划裁员人数不能超过职工人数。"
    if (screening.dispatched_workers or 0) > headcount:
        errors["dispatched_workers"] = "劳务派遣人数不能超过职工人数。"
    if screening.wage_arrears_amount is not None and screening.wage_arrears_amount < 0:
        errors["wage_arrears_amount"] = "金额不能为负数。"
    if screening.screened_on and screening.screened_on > timezone.localdate():
        errors["screened_on"] = "排查日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    screening.score, screening.level, _ = rules.score(screening)
    screening.full_clean()
    screening.save()
    audit_record(actor=actor, action="legal_aid.screening.recorded", target=screening,
                 organization=enterprise.district, after={"score": screening.score, "level": screening.level})
    if screening.level == RiskScreening.Level.RED:
        _warn_red(screening)
    return screening


def _warn_red(screening: RiskScreening) -> None:
    now = timezone.now()
    if RiskScreening.objects.filter(pk=screening.pk, warned_at__isnull=True).update(warned_at=now) == 0:
        return  # warned already: once per screening
    screening.warned_at = now
    staff = county_and_city_staff(screening.enterprise.district, codename="screen_risk")
    notify(recipients=staff, title=f"稳定风险红色预警：{screening.enterprise.name}",
           body=f"风险分值 {screening.score}，排查日期 {screening.screened_on:%Y-%m-%d}。",
           link=reverse("legal_aid:screening_detail", args=[screening.pk]), key=_key(f"legal-red-{screening.pk}"))
