"""Legal-aid cases (法律援助绿色通道): the worker applies and follows the case; legal-department staff
accept or decline, set the green channel and assign a lawyer; the lawyer records the stages and closes."""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.registry import membership
from apps.core.uploads import private_file_url

from .. import selectors, services
from ..forms import (
    CaseAcceptForm,
    CaseApplyForm,
    CaseAssignForm,
    CaseCloseForm,
    CaseDeclineForm,
    CaseEntryForm,
    CaseGreenForm,
)
from ..models import STAGE_ORDER, CaseStage, LegalAidCase
from ..permissions import is_case_lawyer, is_case_staff
from .common import _guard

CS = LegalAidCase.Status
case_lawyer_required = _guard(is_case_lawyer, "legal_aid.work_case")


def case_apply(request):
    """Any signed-in worker applies for themselves; ``?consultation=`` prefills from their own consultation."""
    union = membership.union_of(request.user)
    consultation_id = parse_id(request.GET.get("consultation"))
    consultation = (selectors.consultations_for_worker(request.user).filter(pk=consultation_id).first()
                    if consultation_id else None)
    initial = {"contact_phone": request.user.phone or "", "workers_involved": 1}
    if consultation is not None:
        initial.update(category=consultation.category_id, facts=consultation.facts)
    form = CaseApplyForm(request.POST or None, request.FILES or None, member_union=union, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_apply(worker=request.user, consultation=consultation, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            lane = "符合绿色通道条件，将优先受理" if case.green_channel else "工会将尽快受理"
            messages.success(request, f"已收到您的法律援助申请，{lane}。受理结果会通知您。")
            return redirect("legal_aid:case_detail", pk=case.pk)
    return render(request, "legal_aid/cases/apply.html", {"form": form, "union": union, "consultation": consultation},
                  status=400 if form.errors else 200)


def my_cases(request):
    """The signed-in worker's own applications and cases."""
    page = Paginator(selectors.cases_for_worker(request.user).order_by("-submitted_at", "-id"),
                     20).get_page(request.GET.get("page"))
    return render(request, "legal_aid/cases/mine.html", {"page_obj": page})


def _roles(request, case: LegalAidCase) -> dict:
    user = request.user
    is_lawyer = case.lawyer_id == user.pk and is_case_lawyer(user)
    return {"is_worker": case.worker_id == user.pk, "is_lawyer": is_lawyer,
            "is_staff": is_case_staff(user) and case.worker_id != user.pk and not is_lawyer}


def _stage_steps(case: LegalAidCase) -> list[tuple[str, str]]:
    """The stages as steps for the page: ("调解", "done" | "current" | "next"); none before acceptance."""
    if not case.stage:
        return []
    current = STAGE_ORDER[case.stage]
    return [(stage.label, "done" if index < current else "current" if index == current else "next")
            for index, stage in enumerate(CaseStage)]


def _render_detail(request, case: LegalAidCase, *, status: int = 200, **forms):
    roles = _roles(request, case)
    staff, handler = roles["is_staff"], roles["is_staff"] or roles["is_lawyer"]
    waiting, running = case.status == CS.SUBMITTED, case.status == CS.ACCEPTED
    green = {"green_channel": case.green_channel, "green_reason": case.green_channel_reason,
             "needy_confirmed": {True: "yes", False: "no"}.get(case.needy_confirmed, "")}

    def shown(name: str, make, show: bool):
        return (forms.get(name) or make()) if show else None

    context = {
        "case": case, "entries": selectors.case_entries(case), **roles, "staff": staff, "Status": CS,
        "stages": _stage_steps(case), "hotline": getattr(settings, "LEGAL_AID_HOTLINE", "12351"),
        "attachment_url": private_file_url(case, "attachment") if case.attachment else "",
        "accept_form": shown("accept_form", lambda: CaseAcceptForm(case=case, initial=green), staff and waiting),
        "decline_form": shown("decline_form", CaseDeclineForm, staff and waiting),
        "green_form": shown("green_form", lambda: CaseGreenForm(case=case, initial=green), staff and running),
        "assign_form": shown("assign_form", lambda: CaseAssignForm(initial={"lawyer": case.lawyer_id}),
                             staff and running),
        "entry_form": shown("entry_form", lambda: CaseEntryForm(case=case), handler and running),
        "close_form": shown("close_form", CaseCloseForm, handler and running),
    }
    return render(request, "legal_aid/cases/detail.html", context, status=status)


def case_detail(request, pk: int):
    """The worker, the assigned lawyer, or legal staff of the subtree (each staff view audited)."""
    return _render_detail(request, selectors.get_case_for_user(request.user, pk))


def _act(request, pk: int, form_class, form_name: str, call, success: str, *, with_case: bool = False):
    """Load the case (404 outside), validate the form, call the service (403 when it refuses the person)."""
    case = selectors.get_case_for_user(request.user, pk, audit=False)
    form = form_class(request.POST, case=case) if with_case else form_class(request.POST)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # The case moved on (accepted twice, closed meanwhile): say so on the page as it now is.
                messages.error(request, " ".join(error.messages))
                return redirect("legal_aid:case_detail", pk=case.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("legal_aid:case_detail", pk=case.pk)
    case.refresh_from_db()
    return _render_detail(request, case, status=400, **{form_name: form})


@require_POST
def case_withdraw(request, pk: int):
    """The worker withdraws an application not yet accepted."""
    case = selectors.get_case_for_user(request.user, pk, audit=False)
    try:
        services.case_withdraw(worker=request.user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "申请已撤回。")
    return redirect("legal_aid:case_detail", pk=case.pk)


@require_POST
def case_accept(request, pk: int):
    def call(case, data):
        services.case_accept(actor=request.user, case=case, green_channel=data["green_channel"],
                             green_reason=data["green_reason"], needy_confirmed=data.get("needy_confirmed"),
                             lawyer=data["lawyer"])

    return _act(request, pk, CaseAcceptForm, "accept_form", call, "已受理，案号已生成。",
                with_case=True)


@require_POST
def case_decline(request, pk: int):
    return _act(request, pk, CaseDeclineForm, "decline_form",
                lambda case, data: services.case_decline(actor=request.user, case=case, reason=data["reason"]),
                "已作出不予受理决定，并通知申请人。")


@require_POST
def case_green(request, pk: int):
    def call(case, data):
        services.case_set_green_channel(actor=request.user, case=case, green_channel=data["green_channel"],
                                        reason=data["green_reason"], needy_confirmed=data.get("needy_confirmed"))

    return _act(request, pk, CaseGreenForm, "green_form", call, "绿色通道已更新。",
                with_case=True)


@require_POST
def case_assign(request, pk: int):
    return _act(request, pk, CaseAssignForm, "assign_form",
                lambda case, data: services.case_assign(actor=request.user, case=case, lawyer=data["lawyer"]),
                "已指派承办律师。")


@require_POST
def case_entry(request, pk: int):
    def call(case, data):
        services.case_record_stage(actor=request.user, case=case, stage=data["stage"],
                                   happened_on=data["happened_on"], body=data["body"],
                                   request_key=data.get("request_key"))

    return _act(request, pk, CaseEntryForm, "entry_form", call, "进展已记录，申请人会收到通知。",
                with_case=True)


@require_POST
def case_close(request, pk: int):
    def call(case, data):
        services.case_close(actor=request.user, case=case, outcome=data["outcome"],
                            amount_recovered=data["amount_recovered"], closed_on=data["closed_on"], note=data["note"])

    return _act(request, pk, CaseCloseForm, "close_form", call, "案件已结案。")


LIST_ORDER = {CS.CLOSED: ("-closed_at", "-id"), CS.DECLINED: ("-decided_at", "-id"),
              CS.WITHDRAWN: ("-withdrawn_at", "-id")}


@staff_required(perm="legal_aid.handle_case")
def case_list(request):
    """Cases of the staff's subtree: the green channel first, then the oldest; filters by status, stage,
    green channel and lawyer."""
    cases = selectors.cases_for_staff(request.user)
    counts = cases.order_by().aggregate(**{s.value: Count("pk", filter=Q(status=s.value)) for s in CS},
                                        green_waiting=Count("pk", filter=Q(status=CS.SUBMITTED, green_channel=True)))
    params = {}
    status = request.GET.get("status", "")
    if status in CS.values:
        cases, params["status"] = cases.filter(status=status), status
    stage = request.GET.get("stage", "")
    if stage in CaseStage.values:
        cases, params["stage"] = cases.filter(stage=stage), stage
    green = request.GET.get("green", "")
    if green in ("1", "0"):
        cases, params["green"] = cases.filter(green_channel=green == "1"), green
    lawyers = list(selectors.case_lawyers())
    lawyer_id = parse_id(request.GET.get("lawyer"))
    if lawyer_id and any(lawyer.pk == lawyer_id for lawyer in lawyers):
        cases, params["lawyer"] = cases.filter(lawyer_id=lawyer_id), lawyer_id
    cases = cases.order_by(*LIST_ORDER[status]) if status in LIST_ORDER else selectors.case_priority(cases)
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    return render(request, "legal_aid/cases/list.html", {
        "page_obj": page, "counts": counts, "status": status, "stage": stage, "green": green,
        "lawyer_id": params.get("lawyer"), "lawyers": lawyers,
        "status_tabs": [(value, label, counts[value]) for value, label in CS.choices],
        "stages": CaseStage.choices, "query": urlencode(params)})


@case_lawyer_required
def case_assigned(request):
    """A volunteer lawyer's cases: those running (green channel first), then the recently closed."""
    cases = selectors.cases_for_lawyer(request.user)
    page = Paginator(selectors.case_priority(cases.filter(status=CS.ACCEPTED)), 20).get_page(request.GET.get("page"))
    return render(request, "legal_aid/cases/assigned.html", {
        "page_obj": page, "closed": list(cases.filter(status=CS.CLOSED).order_by("-closed_at", "-id")[:10])})
