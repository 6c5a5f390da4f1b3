"""A worker's hazard reports: their copy (PIPL art. 45), and the contact details closing erases.

The public report form is anonymous by design and never links a report to an account, even when
the reporter is signed in (a worker reporting their own employer must not be identifiable by
staff). What the portal holds about the person is the name and phone number they chose to leave
on a report; a report is theirs when it carries the phone number their account proved it owns.
Everything else this app keeps (plans, self-inspections, visits, health figures, which are daily
totals only) belongs to enterprises and unions, not to a worker.
"""
from __future__ import annotations

from django.db import transaction

from apps.core.audit import audit_record
from apps.core.registry import ClosureNote, DataSection

from .models import Hazard


def my_reports(user):
    if not user.phone or not user.phone_verified_at:
        return Hazard.objects.none()
    return Hazard.objects.filter(source=Hazard.Source.PUBLIC, reporter_phone=user.phone)


def my_hazard_data(user) -> list[DataSection]:
    """The reports the person left their phone number on (one query)."""
    hazards = my_reports(user).select_related("enterprise").order_by("reported_at", "pk")
    rows = [[h.reference, h.enterprise.name, h.location, h.description, "已上传" if h.photo else "",
             h.reporter_name, h.reporter_phone, h.get_status_display(), h.reported_at, h.verified_at]
            for h in hazards]
    if not rows:
        return []
    return [DataSection(
        title="我举报的风险隐患",
        columns=["查询编号", "企业", "具体位置", "隐患描述", "现场照片", "留下的姓名", "联系电话", "处理状态",
                 "举报时间", "销号时间"],
        rows=rows,
    )]


@transaction.atomic
def hazard_reporter_close(*, user) -> ClosureNote | None:
    """Erase the name and phone left on the person's reports; the hazards themselves stay on record."""
    references = list(my_reports(user).select_for_update().order_by("pk").values_list("reference", flat=True))
    if not references:
        return None
    Hazard.objects.filter(reference__in=references).update(reporter_name="", reporter_phone="")
    audit_record(actor=None, action="protection.hazard.reporter_erased", after={"references": references})
    return ClosureNote(
        app="隐患举报",
        erased=[f"您在 {len(references)} 条隐患举报中留下的姓名和联系电话"],
        kept=["举报的隐患（企业、位置、描述、照片和整改验收记录）是企业安全生产和工会劳动保护监督的记录，"
              "照常处理并保留；记录中已不含您的姓名和电话，工作人员不能再联系您核实。"],
    )
