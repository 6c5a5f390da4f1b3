"""Condolence visits: plans, and visits whose cash is paid from the plan's fund account."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.models import Organization

from ..models import FundAccount, Visit, VisitPlan
from .common import money, require_perm, require_scope
from .funds import fund_disburse, fund_reserve


@transaction.atomic
def visit_plan_create(*, actor, title: str, group: str, planned_people: int, budget: Decimal, start_on: date,
                      end_on: date, account: FundAccount | None = None,
                      organization: Organization | None = None) -> VisitPlan:
    require_perm(actor, "relief.record_visit")
    organization = organization or actor.organization
    require_scope(actor, organization)
    if account is not None:
        require_scope(actor, account.organization, "不能使用其他单位的资金。")
        if not account.fund.allows("condolence"):
            raise ValidationError({"account": "该专项资金不允许用于慰问。"})
    plan = VisitPlan(title=title, group=group, planned_people=planned_people, budget=budget, start_on=start_on,
                     end_on=end_on, account=account, organization=organization, created_by=actor)
    if end_on < start_on:
        raise ValidationError({"end_on": "结束日期不能早于开始日期。"})
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="relief.visit_plan.created", target=plan, organization=organization)
    return plan


@transaction.atomic
def visit_record(*, actor, plan: VisitPlan, recipient_name: str, recipient_workplace: str, form: str,
                 value: Decimal, visited_on: date, visitors: str, goods: str = "", acknowledgement=None,
                 confirmed: bool = False) -> Visit:
    """Record one visit; cash is reserved and paid from the plan's fund in the same transaction."""
    require_perm(actor, "relief.record_visit")
    plan = (VisitPlan.objects.select_for_update(of=("self",)).select_related("account__fund", "organization")
            .get(pk=plan.pk))
    require_scope(actor, plan.organization)
    amount = money(value, field="value", label="金额或价值")
    if not acknowledgement and not confirmed:
        raise ValidationError({"acknowledgement": "请上传签收凭证（照片或 PDF），或勾选对象已确认收到。"})
    if form == Visit.Form.GOODS and not goods.strip():
        raise ValidationError({"goods": "请填写慰问品。"})
    if form == Visit.Form.CASH and plan.account is None:
        raise ValidationError({"form": "该慰问计划未指定资金，不能发放慰问金。"})
    visit = Visit(plan=plan, recipient_name=recipient_name, recipient_workplace=recipient_workplace, form=form,
                  goods=goods, value=amount, visited_on=visited_on, visitors=visitors, confirmed=confirmed,
                  recorded_by=actor)
    if acknowledgement:
        visit.acknowledgement = acknowledgement
    visit.full_clean(exclude=["acknowledgement"])
    visit.save()
    if form == Visit.Form.CASH:
        reservation = fund_reserve(account=plan.account, amount=amount, reference=f"relief.visit:{visit.pk}",
                                   actor=actor, note=f"慰问 {recipient_name}")
        visit.disbursement = fund_disburse(reservation=reservation, actor=actor, note=f"慰问金 {recipient_name}")
        visit.save(update_fields=["disbursement"])
    audit_record(actor=actor, action="relief.visit.recorded", target=visit,
                 after={"form": form, "value": amount}, organization=plan.organization)
    return visit

