"""The worker asks and follows; the lawyer claims and answers; staff assign. One thread page for all."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.uploads import private_file_url

from .. import selectors, services
from ..forms import AskForm, AssignForm, MessageForm, RateForm
from ..models import ConsultationMessage
from ..permissions import is_legal_staff, is_volunteer_lawyer
from .common import lawyer_required


def ask(request):
    """Any signed-in person asks for themselves."""
    form = AskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_ask(
                worker=request.user, category=data["category"], facts=data["facts"],
                attachment=data.get("attachment"), allow_publish=data["allow_publish"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已收到您的咨询（编号 {consultation.pk}），志愿律师将在 "
                                      f"{consultation.category.first_answer_hours} 小时内首次答复。")
            return redirect("legal_aid:consultation_detail", pk=consultation.pk)
    return render(request, "legal_aid/ask.html", {"form": form})


def my_consultations(request):
    """The signed-in worker's own questions."""
    page = Paginator(selectors.consultations_for_worker(request.user).order_by("-created_at", "-id"),
                     20).get_page(request.GET.get("page"))
    return render(request, "legal_aid/my_list.html", {"page_obj": page})


def _roles(request, consultation) -> dict:
    user = request.user
    return {"is_worker": consultation.worker_id == user.pk,
            "is_lawyer": consultation.lawyer_id == user.pk and is_volunteer_lawyer(user),
            "is_staff": is_legal_staff(user) and consultation.worker_id != user.pk}


NOTE_LABEL = "内部备注（职工看不到）"


def _message_label(roles: dict) -> str:
    return "答复内容" if roles["is_lawyer"] else "继续追问"


def _render_detail(request, consultation, *, status: int = 200, **forms):
    roles = _roles(request, consultation)
    context = {
        "consultation": consultation, "thread": selectors.thread_for(consultation, request.user),
        "clock": selectors.clock_state(consultation), "now": timezone.now(), **roles,
        "attachment_url": private_file_url(consultation, "attachment") if consultation.attachment else "",
        "message_form": forms.get("message_form") or MessageForm(label=_message_label(roles)),
        "note_form": forms.get("note_form") or MessageForm(prefix="note", label=NOTE_LABEL),
        "rate_form": forms.get("rate_form") or RateForm(),
        "assign_form": forms.get("assign_form") or (AssignForm() if roles["is_staff"] else None),
        "Kind": ConsultationMessage.Kind,
    }
    context["show_rate"] = roles["is_worker"] and consultation.rating is None and (
        consultation.status == consultation.Status.ANSWERED or context["rate_form"].is_bound)
    return render(request, "legal_aid/consultation_detail.html", context, status=status)


def consultation_detail(request, pk: int):
    """The worker, the assigned lawyer, or legal staff of the subtree (audited); anyone else 404."""
    return _render_detail(request, selectors.get_consultation_for_user(request.user, pk))


@require_POST
def consultation_message(request, pk: int):
    """The worker replies, the lawyer answers, the lawyer or staff add a private note."""
    consultation = selectors.get_consultation_for_user(request.user, pk)
    roles = _roles(request, consultation)
    is_note = request.POST.get("kind") == "note"
    form = MessageForm(request.POST, prefix="note" if is_note else None,
                       label=NOTE_LABEL if is_note else _message_label(roles))
    if form.is_valid():
        body = form.cleaned_data["body"]
        try:
            if is_note:
                services.consultation_note(author=request.user, consultation=consultation, body=body)
            elif roles["is_worker"]:
                services.consultation_reply(worker=request.user, consultation=consultation, body=body)
            elif roles["is_lawyer"]:
                services.consultation_answer(lawyer=request.user, consultation=consultation, body=body)
            else:
                raise PermissionDenied("只有承办律师可以答复。")
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("legal_aid:consultation_detail", pk=consultation.pk)
    consultation.refresh_from_db()
    return _render_detail(request, consultation, status=400,
                          **({"note_form": form} if is_note else {"message_form": form}))


@require_POST
def consultation_rate(request, pk: int):
    """Only the worker, once, after an answer."""
    consultation = selectors.get_consultation_for_user(request.user, pk)
    if consultation.worker_id != request.user.pk:
        raise PermissionDenied
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_rate(worker=request.user, consultation=consultation,
                                       rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "感谢您的评价。")
            return redirect("legal_aid:consultation_detail", pk=consultation.pk)
    consultation.refresh_from_db()
    return _render_detail(request, consultation, status=400, rate_form=form)


@require_POST
def consultation_close(request, pk: int):
    """The worker, or legal staff of the subtree."""
    consultation = selectors.get_consultation_for_user(request.user, pk)
    try:
        services.consultation_close(actor=request.user, consultation=consultation)
        messages.success(request, "咨询已结束。")
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    return redirect("legal_aid:consultation_detail", pk=consultation.pk)


@require_POST
def consultation_assign(request, pk: int):
    """Legal-department staff of the subtree."""
    consultation = selectors.get_consultation_for_user(request.user, pk)
    if not _roles(request, consultation)["is_staff"]:
        raise PermissionDenied
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_assign(actor=request.user, consultation=consultation,
                                         lawyer=form.cleaned_data["lawyer"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已分派。")
            return redirect("legal_aid:consultation_detail", pk=consultation.pk)
    consultation.refresh_from_db()
    return _render_detail(request, consultation, status=400, assign_form=form)


@lawyer_required
def lawyer_queue(request):
    """Volunteer lawyers: the questions they hold, and the unclaimed queue (most urgent first)."""
    page = Paginator(selectors.lawyer_queue(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "legal_aid/lawyer_queue.html", {
        "page_obj": page, "mine": list(selectors.lawyer_cases(request.user)[:50]), "now": timezone.now(),
        "nearing": selectors.NEARING})


@lawyer_required
@require_POST
def consultation_claim(request, pk: int):
    """A volunteer lawyer claims a queued question."""
    consultation = selectors.get_claimable(pk)
    try:
        services.consultation_claim(lawyer=request.user, consultation=consultation)
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
        return redirect("legal_aid:queue")
    messages.success(request, "已认领，请尽快答复。")
    return redirect("legal_aid:consultation_detail", pk=consultation.pk)
