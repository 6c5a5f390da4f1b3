"""A person's own legal-aid records: their copy (PIPL art. 45), and what closing the account erases or keeps.

Consultations are advice, not a legal record: closing erases what was written in them and keeps only the
category and the times (the service-time statistics). A legal-aid case that was accepted is a case file the
union must keep; closing removes the contact number from it and neither stops nor deletes it.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.registry import ClosureNote, DataSection

ERASED = "（本人已注销账号，内容已删除）"


def my_legal_data(user) -> list[DataSection]:
    """Four queries: consultations, their messages (never the private notes), cases, the cases' entries."""
    from .models import CaseEntry, Consultation, ConsultationMessage, LegalAidCase

    sections = []
    consultations = list(Consultation.objects.filter(worker=user).select_related("category", "lawyer")
                         .order_by("created_at", "id"))
    if consultations:
        sections.append(DataSection(
            title="法律咨询",
            columns=["编号", "类别", "提问时间", "事实经过", "附件", "同意匿名公开", "状态", "承办律师", "首次答复时间",
                     "评价（星）", "评价意见", "结束时间"],
            rows=[[c.pk, c.category.name, c.created_at, c.facts, "已上传" if c.attachment else "",
                   "是" if c.allow_publish else "否", c.get_status_display(),
                   (c.lawyer.real_name or c.lawyer.username) if c.lawyer else "", c.first_answered_at,
                   c.rating or "", c.rating_comment, c.closed_at] for c in consultations]))
        thread = (ConsultationMessage.objects.filter(consultation__worker=user)
                  .exclude(kind=ConsultationMessage.Kind.NOTE).order_by("consultation_id", "created_at", "id"))
        sections.append(DataSection(
            title="法律咨询往来", columns=["咨询编号", "类型", "内容", "时间"],
            rows=[[m.consultation_id, m.get_kind_display(), m.body, m.created_at] for m in thread]))
    cases = list(LegalAidCase.objects.filter(worker=user).select_related("category", "lawyer", "organization")
                 .order_by("submitted_at", "id"))
    if cases:
        sections.append(DataSection(
            title="法律援助申请与案件",
            columns=["案号", "申请编号", "受理工会", "纠纷类型", "对方当事人", "请求金额（元）", "涉及职工人数",
                     "农民工", "困难职工", "疫情引发", "纠纷经过", "证据材料", "联系电话", "绿色通道", "状态",
                     "当前阶段", "不予受理理由", "承办律师", "办理结果", "追回金额（元）", "结案说明", "申请时间",
                     "受理时间", "结案时间"],
            rows=[[c.case_number or "", c.pk, str(c.organization), c.category.name, c.opponent_name,
                   c.amount_claimed, c.workers_involved, _yes(c.is_migrant_worker), _yes(c.is_needy_worker),
                   _yes(c.is_epidemic_related), c.facts, "已上传" if c.attachment else "", c.contact_phone,
                   _yes(c.green_channel), c.get_status_display(), c.get_stage_display(), c.decline_reason,
                   (c.lawyer.real_name or c.lawyer.username) if c.lawyer else "", c.get_outcome_display(),
                   c.amount_recovered if c.amount_recovered is not None else "", c.outcome_note, c.submitted_at,
                   c.accepted_at, c.closed_at] for c in cases]))
        entries = CaseEntry.objects.filter(case__worker=user).select_related("case").order_by(
            "case_id", "happened_on", "id")
        sections.append(DataSection(
            title="法律援助案件进展", columns=["案号", "阶段", "日期", "办理情况"],
            rows=[[e.case.case_number or e.case_id, e.get_stage_display(), e.happened_on, e.body] for e in entries]))
    return sections


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _delete_after_commit(field, names: list[str]) -> None:
    names = [name for name in names if name]
    if names:
        storage = field.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def legal_records_close(*, user) -> ClosureNote | None:
    """Account closing, in a fixed number of queries whatever the number of records."""
    from .models import Consultation, ConsultationMessage, LegalAidCase, PublishedAnswer

    consultations = Consultation.objects.filter(worker=user)
    cases = LegalAidCase.objects.filter(worker=user)
    has_consultations, has_cases = consultations.exists(), cases.exists()
    if not (has_consultations or has_cases):
        return None
    note = ClosureNote(app="法律服务")
    now = timezone.now()
    if has_consultations:
        consultations.exclude(status=Consultation.Status.CLOSED).update(status=Consultation.Status.CLOSED,
                                                                        closed_at=now)
        files = list(consultations.exclude(attachment="").values_list("attachment", flat=True))
        consultations.update(facts=ERASED, attachment="", allow_publish=False, rating_comment="")
        _delete_after_commit(Consultation._meta.get_field("attachment"), files)
        ConsultationMessage.objects.filter(consultation__worker=user).update(body=ERASED)
        PublishedAnswer.objects.filter(consultation__worker=user, status=PublishedAnswer.Status.DRAFT).delete()
        note.erased.append("法律咨询的事实经过、附件、往来内容和评价意见；进行中的咨询已结束")
        note.kept.append("法律咨询的类别和时间（不含内容）保留，用于统计答复时效；经工会隐去个人信息后已公开的"
                         "问答不含您的身份，继续公开。")
    if has_cases:
        S = LegalAidCase.Status
        pending = list(cases.filter(status=S.SUBMITTED).values_list("pk", flat=True))
        if pending:
            cases.filter(pk__in=pending).update(status=S.WITHDRAWN, withdrawn_at=now)
            audit_record(actor=None, action="legal_aid.case.withdrawn_on_closure", organization=None,
                         after={"cases": pending})
            note.erased.append(f"尚未受理的法律援助申请 {len(pending)} 件已撤回")
        never_accepted = cases.filter(status__in=[S.WITHDRAWN, S.DECLINED])
        files = list(never_accepted.exclude(attachment="").values_list("attachment", flat=True))
        if never_accepted.update(facts=ERASED, attachment="", contact_phone=""):
            _delete_after_commit(LegalAidCase._meta.get_field("attachment"), files)
            note.erased.append("未受理（已撤回或不予受理）的法律援助申请中的纠纷经过、证据材料和联系电话")
        if cases.exclude(contact_phone="").update(contact_phone=""):
            note.erased.append("法律援助案件中的联系电话")
        accepted = cases.filter(status__in=[S.ACCEPTED, S.CLOSED]).count()
        if accepted:
            note.kept.append(
                f"已受理的法律援助案件 {accepted} 件的案卷（案号、纠纷经过、证据材料、办理进展、结果和追回金额）"
                "是法律援助档案，依照《中华人民共和国法律援助法》和法律援助案件档案管理的规定保存，只删除联系电话；"
                "进行中的案件不因注销账号而中止，承办律师按原委托继续办理，如需联系请拨打 12351。")
    return note
