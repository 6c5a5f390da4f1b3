"""Consultations: asking, claiming, answering, rating, the service clock, categories and the FAQ."""
from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role, user_has_role
from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.registry import membership
from apps.core.scoping import can_act_for
from apps.notifications.services import notify

from ..models import (
    Consultation,
    ConsultationCategory,
    ConsultationMessage,
    PublishedAnswer,
)
from ..permissions import is_legal_staff, is_volunteer_lawyer
from .common import _clean_text, _key

S = Consultation.Status
TRANSITIONS = {
    "claim": {S.QUEUED: S.ASSIGNED},
    "assign": {S.QUEUED: S.ASSIGNED, S.ASSIGNED: S.ASSIGNED, S.ANSWERED: S.ANSWERED},
    "answer": {S.ASSIGNED: S.ANSWERED, S.ANSWERED: S.ANSWERED},
    "reply": {S.ANSWERED: S.ASSIGNED, S.ASSIGNED: S.ASSIGNED, S.QUEUED: S.QUEUED},
    "rate": {S.ANSWERED: S.CLOSED},
    "close": {S.QUEUED: S.CLOSED, S.ASSIGNED: S.CLOSED, S.ANSWERED: S.CLOSED},
}


def _move(consultation: Consultation, action: str) -> str:
    target = TRANSITIONS[action].get(consultation.status)
    if target is None:
        raise ValidationError(f"咨询当前状态为「{consultation.get_status_display()}」，不能进行此操作。")
    return target


def _locked(consultation_id: int) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation_id)


def _link(consultation: Consultation) -> str:
    return reverse("legal_aid:consultation_detail", args=[consultation.pk])


def routed_organization(worker) -> Organization:
    """The worker's union (asked of the membership app through core); otherwise the city federation."""
    union = membership.union_of(worker)
    if union is not None:
        return union
    return Organization.objects.filter(parent__isnull=True).order_by("path").first()


# --- consultations --------------------------------------------------------------------------------

@transaction.atomic
def consultation_ask(*, worker, category: ConsultationCategory, facts: str, attachment=None,
                     allow_publish: bool = False) -> Consultation:
    """A signed-in worker asks; the service clock starts now."""
    if not getattr(worker, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    facts = _clean_text(facts, field="facts", label="事实经过")
    if len(facts) < 10:
        raise ValidationError({"facts": "请把事实经过写得具体些（至少 10 个字）。"})
    now = timezone.now()
    consultation = Consultation(
        worker=worker, organization=routed_organization(worker), category=category, facts=facts,
        allow_publish=bool(allow_publish), created_at=now,
        due_at=now + timedelta(hours=category.first_answer_hours),
    )
    if attachment:
        consultation.attachment = attachment
    consultation.full_clean(exclude=["attachment"])
    consultation.save()
    audit_record(actor=worker, action="legal_aid.consultation.asked", target=consultation,
                 organization=consultation.organization, after={"category": category.code})
    return consultation


@transaction.atomic
def consultation_claim(*, lawyer, consultation: Consultation) -> Consultation:
    """A volunteer lawyer takes a question from the queue (the first to claim it wins)."""
    if not is_volunteer_lawyer(lawyer):
        raise PermissionDenied("只有志愿律师可以认领咨询。")
    consultation = _locked(consultation.pk)
    if consultation.lawyer_id and consultation.lawyer_id != lawyer.pk:
        raise ValidationError("该咨询已被其他律师认领。")
    consultation.status = _move(consultation, "claim")
    consultation.lawyer = lawyer
    consultation.claimed_at = timezone.now()
    consultation.save(update_fields=["status", "lawyer", "claimed_at"])
    audit_record(actor=lawyer, action="legal_aid.consultation.claimed", target=consultation,
                 organization=consultation.organization)
    notify(recipients=[consultation.worker_id], title="您的法律咨询已有律师认领", link=_link(consultation),
           key=_key(f"legal-claimed-{consultation.pk}-{lawyer.pk}"))
    return consultation


@transaction.atomic
def consultation_assign(*, actor, consultation: Consultation, lawyer) -> Consultation:
    """Legal-department staff of the right subtree hand a question to a volunteer lawyer."""
    if not (is_legal_staff(actor) and can_act_for(actor, consultation.organization)):
        raise PermissionDenied("只能分派本组织及下级组织的咨询。")
    if lawyer is None or not user_has_role(lawyer, Role.VOLUNTEER_LAWYER) or not lawyer.is_active:
        raise ValidationError({"lawyer": "请选择一位在册的志愿律师。"})
    consultation = _locked(consultation.pk)
    before = consultation.lawyer_id
    consultation.status = _move(consultation, "assign")
    consultation.lawyer = lawyer
    consultation.claimed_at = consultation.claimed_at or timezone.now()
    consultation.save(update_fields=["status", "lawyer", "claimed_at"])
    audit_record(actor=actor, action="legal_aid.consultation.assigned", target=consultation,
                 organization=consultation.organization, before={"lawyer": before}, after={"lawyer": lawyer.pk})
    notify(recipients=[lawyer.pk], title="您有一条新分派的法律咨询", link=_link(consultation),
           key=_key(f"legal-assigned-{consultation.pk}-{lawyer.pk}"))
    return consultation


@transaction.atomic
def consultation_answer(*, lawyer, consultation: Consultation, body: str) -> ConsultationMessage:
    """The assigned lawyer answers; the first answer stops the service clock."""
    body = _clean_text(body, field="body", label="答复内容")
    consultation = _locked(consultation.pk)
    if consultation.lawyer_id != lawyer.pk:
        raise PermissionDenied("该咨询分派给了其他律师，您不能答复。")
    consultation.status = _move(consultation, "answer")
    now = timezone.now()
    fields = ["status"]
    if consultation.first_answered_at is None:
        consultation.first_answered_at = now
        consultation.first_response_seconds = max(0, int((now - consultation.created_at).total_seconds()))
        fields += ["first_answered_at", "first_response_seconds"]
    consultation.save(update_fields=fields)
    message = ConsultationMessage.objects.create(consultation=consultation, author=lawyer,
                                                 kind=ConsultationMessage.Kind.ANSWER, body=body, created_at=now)
    audit_record(actor=lawyer, action="legal_aid.consultation.answered", target=consultation,
                 organization=consultation.organization)
    notify(recipients=[consultation.worker_id], title="律师已答复您的法律咨询", link=_link(consultation),
           key=_key(f"legal-answer-{message.pk}"))
    return message


@transaction.atomic
def consultation_reply(*, worker, consultation: Consultation, body: str) -> ConsultationMessage:
    """The worker asks a follow-up question in the thread."""
    body = _clean_text(body, field="body", label="追问内容")
    consultation = _locked(consultation.pk)
    if consultation.worker_id != worker.pk:
        raise PermissionDenied("只能在自己的咨询中追问。")
    consultation.status = _move(consultation, "reply")
    consultation.save(update_fields=["status"])
    message = ConsultationMessage.objects.create(consultation=consultation, author=worker,
                                                 kind=ConsultationMessage.Kind.REPLY, body=body,
                                                 created_at=timezone.now())
    if consultation.lawyer_id:
        notify(recipients=[consultation.lawyer_id], title="咨询人追问了一个问题", link=_link(consultation),
               key=_key(f"legal-reply-{message.pk}"))
    return message


@transaction.atomic
def consultation_note(*, author, consultation: Consultation, body: str) -> ConsultationMessage:
    """A private note of the lawyer or staff; the worker never sees it."""
    body = _clean_text(body, field="body", label="备注内容")
    is_lawyer = consultation.lawyer_id == author.pk
    if not is_lawyer and not (is_legal_staff(author) and can_act_for(author, consultation.organization)):
        raise PermissionDenied("只有承办律师和法律部门工作人员可以添加内部备注。")
    message = ConsultationMessage.objects.create(consultation=consultation, author=author,
                                                 kind=ConsultationMessage.Kind.NOTE, body=body,
                                                 created_at=timezone.now())
    audit_record(actor=author, action="legal_aid.consultation.noted", target=consultation,
                 organization=consultation.organization)
    return message


def _close(consultation: Consultation, now) -> list[str]:
    consultation.closed_at = now
    consultation.resolution_seconds = max(0, int((now - consultation.created_at).total_seconds()))
    return ["status", "closed_at", "resolution_seconds"]


@transaction.atomic
def consultation_rate(*, worker, consultation: Consultation, rating: int, comment: str = "") -> Consultation:
    """The worker rates the answer once, after it has been answered; rating ends the consultation."""
    consultation = _locked(consultation.pk)
    if consultation.worker_id != worker.pk:
        raise PermissionDenied("只能评价自己的咨询。")
    if consultation.rating is not None:
        raise ValidationError({"rating": "您已经评价过了，每条咨询只能评价一次。"})
    if consultation.first_answered_at is None:
        raise ValidationError({"rating": "律师答复后才能评价。"})
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "请选择 1 到 5 星。"})
    if len(comment or "") > 300:
        raise ValidationError({"comment": "评价意见不能超过 300 字。"})
    consultation.status = _move(consultation, "rate")
    consultation.rating, consultation.rating_comment = rating, (comment or "").strip()
    fields = ["rating", "rating_comment", *_close(consultation, timezone.now())]
    consultation.save(update_fields=fields)
    audit_record(actor=worker, action="legal_aid.consultation.rated", target=consultation,
                 organization=consultation.organization, after={"rating": rating})
    if consultation.allow_publish:
        _draft_faq(consultation)
    return consultation


@transaction.atomic
def consultation_close(*, actor, consultation: Consultation) -> Consultation:
    """The worker (or legal staff) ends a consultation without a rating."""
    consultation = _locked(consultation.pk)
    is_owner = consultation.worker_id == actor.pk
    if not is_owner and not (is_legal_staff(actor) and can_act_for(actor, consultation.organization)):
        raise PermissionDenied("没有权限结束该咨询。")
    consultation.status = _move(consultation, "close")
    consultation.save(update_fields=_close(consultation, timezone.now()))
    audit_record(actor=actor, action="legal_aid.consultation.closed", target=consultation,
                 organization=consultation.organization)
    if consultation.allow_publish and consultation.first_answered_at:
        _draft_faq(consultation)
    return consultation


def _draft_faq(consultation: Consultation) -> PublishedAnswer | None:
    """A draft for staff to anonymise: the facts and the lawyer's answers, never shown until published."""
    answers = list(consultation.messages.filter(kind=ConsultationMessage.Kind.ANSWER)
                   .order_by("created_at").values_list("body", flat=True))
    if not answers:
        return None
    draft, _ = PublishedAnswer.objects.get_or_create(
        consultation=consultation,
        defaults={"category": consultation.category, "question": consultation.facts[:2000],
                  "answer": "\n\n".join(answers)[:6000]})
    return draft


def escalate_overdue(*, now=None) -> int:
    """Flag once every question whose first answer is past due and tell the legal department
    (staff handling consultations in the question's union and above). Safe to run again."""
    now = now or timezone.now()
    from django.contrib.auth import get_user_model

    count = 0
    overdue_ids = list(Consultation.objects.filter(
        first_answered_at__isnull=True, escalated_at__isnull=True, due_at__lt=now,
        status__in=[S.QUEUED, S.ASSIGNED]).values_list("pk", flat=True)[:500])
    User = get_user_model()
    for pk in overdue_ids:
        with transaction.atomic():
            # The conditional update is the lock: a second run (or a parallel one) changes nothing.
            if not Consultation.objects.filter(pk=pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            consultation = Consultation.objects.select_related("organization", "category").get(pk=pk)
            paths = [consultation.organization.path[:i + 1] for i, ch in enumerate(consultation.organization.path)
                     if ch == "/"]
            staff = User.objects.filter(
                Q(organization__path__in=paths), is_active=True,
                groups__permissions__codename="handle_consultation",
                groups__permissions__content_type__app_label="legal_aid").distinct().values_list("pk", flat=True)
            audit_record(actor=None, action="legal_aid.consultation.escalated", target=consultation,
                         organization=consultation.organization)
            notify(recipients=list(staff), title=f"法律咨询 #{pk} 超过首次答复时限，请督办",
                   body=f"类别：{consultation.category.name}；"
                        f"期限：{timezone.localtime(consultation.due_at):%m-%d %H:%M}",
                   link=_link(consultation), key=_key(f"legal-escalate-{pk}"))
            count += 1
    return count


# --- categories, FAQ ------------------------------------------------------------------------------

DEFAULT_CATEGORIES = [  # as migration 0002 creates them
    ("wages", "工资报酬", 24), ("contract", "劳动合同", 24), ("dismissal", "解除与辞退", 12),
    ("injury", "工伤认定与待遇", 12), ("insurance", "社会保险", 24), ("epidemic", "疫情期间休假与工资", 12),
    ("other", "其他", 48),
]


def categories_ensure() -> None:
    """Bring back the default categories (a flushed database, demo data); existing hours are kept."""
    for order, (code, name, hours) in enumerate(DEFAULT_CATEGORIES):
        ConsultationCategory.objects.get_or_create(code=code, defaults={"name": name, "first_answer_hours": hours,
                                                                        "order": order})

@transaction.atomic
def category_set_hours(*, actor, category: ConsultationCategory, hours: int) -> ConsultationCategory:
    if not (is_legal_staff(actor) and actor.has_perm("legal_aid.handle_consultation")):
        raise PermissionDenied
    if not isinstance(hours, int) or not 1 <= hours <= 168:
        raise ValidationError({"first_answer_hours": "时限须在 1 到 168 小时之间。"})
    category = ConsultationCategory.objects.select_for_update().get(pk=category.pk)
    before = category.first_answer_hours
    category.first_answer_hours = hours
    category.save(update_fields=["first_answer_hours"])
    audit_record(actor=actor, action="legal_aid.category.sla_changed", target=category,
                 before={"hours": before}, after={"hours": hours})
    return category


def build_faq_document(*parts: str) -> str:
    return " ".join(" ".join(str(p).split()) for p in parts if p).lower()


@transaction.atomic
def faq_publish(*, actor, faq: PublishedAnswer, question: str, answer: str, publish: bool) -> PublishedAnswer:
    """Staff edit (anonymise) the text and publish it, or keep it as a draft, or take it down."""
    if not is_legal_staff(actor):
        raise PermissionDenied
    faq = PublishedAnswer.objects.select_for_update().get(pk=faq.pk)
    if faq.consultation_id and not faq.consultation.allow_publish:
        raise ValidationError("咨询人未同意公开。")
    faq.question = _clean_text(question, field="question", label="问题", limit=2000)
    faq.answer = _clean_text(answer, field="answer", label="解答", limit=6000)
    faq.search_document = build_faq_document(faq.category.name, faq.question, faq.answer)
    faq.edited_by = actor
    faq.status = PublishedAnswer.Status.PUBLISHED if publish else PublishedAnswer.Status.DRAFT
    faq.published_at = (faq.published_at or timezone.now()) if publish else None
    faq.save()
    audit_record(actor=actor, action="legal_aid.faq.published" if publish else "legal_aid.faq.saved", target=faq)
    return faq
