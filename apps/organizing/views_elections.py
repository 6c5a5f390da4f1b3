"""Staff pages: postponed elections, social union workers, member import."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.core.forms import add_service_errors
from apps.core.permissions import staff_required
from apps.core.spreadsheets import table_response

from . import selectors, services
from .forms import EpidemicForm, HeldForm, MemberImportForm, ReasonForm, SocialWorkerForm, TermForm
from .imports import check_upload
from .models import SocialWorker
from .services.member_import import COLUMNS as MEMBER_COLUMNS
from .views import REVIEW, _posted

ELECTIONS = "organizing.review_membership"
SOCIAL = "organizing.manage_social_workers"


def _election_state(profile, today) -> tuple[str, str]:
    if profile.election_held_on:
        return "已换届", "success"
    if profile.election_due_by and profile.election_due_by < today:
        return "逾期未换届", "danger"
    if profile.election_postponed_on:
        return "已延期", "warning"
    return "未登记延期", "secondary"


@staff_required(perm=ELECTIONS)
def election_list(request):
    epidemic = services.current_epidemic()
    can_manage = request.user.has_perm("organizing.manage_elections")
    form = EpidemicForm(_posted(request) if can_manage else None, initial={
        "started_on": epidemic.started_on if epidemic else None, "ended_on": epidemic.ended_on if epidemic else None,
        "deadline_days": epidemic.election_deadline_days if epidemic else 90})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.epidemic_record(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已登记。")
                return redirect("organizing:election_list")
    today = timezone.localdate()
    page = Paginator(selectors.election_rows(request.user, epidemic), 30).get_page(request.GET.get("page"))
    for profile in page:
        profile.state, profile.tone = _election_state(profile, today)
    return render(request, "organizing/console/elections.html", {
        "page_obj": page, "epidemic": epidemic, "form": form, "can_manage": can_manage})


@staff_required(perm=ELECTIONS)
def election_union(request, pk: int):
    union = selectors.get_union_for_staff(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {"term": TermForm(_posted(request) if action == "term" else None),
             "postpone": ReasonForm(_posted(request) if action == "postpone" else None),
             "held": HeldForm(_posted(request) if action == "held" else None)}
    chosen = forms.get(action)
    if chosen is not None and chosen.is_valid():
        try:
            if action == "term":
                services.term_set(actor=request.user, union=union, **chosen.cleaned_data)
            elif action == "postpone":
                services.election_postpone(actor=request.user, union=union, reason=chosen.cleaned_data["reason"])
            else:
                services.election_record(actor=request.user, union=union, held_on=chosen.cleaned_data["held_on"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(chosen, error)
            else:
                messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已登记。")
            return redirect("organizing:election_union", pk=union.pk)
    profile = getattr(union, "organizing_profile", None)
    return render(request, "organizing/console/election_union.html", {"union": union, "profile": profile, **forms})


@staff_required(perm=SOCIAL)
def social_worker_list(request):
    form = SocialWorkerForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.social_worker_register(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记，待所属工会审核。")
            return redirect("organizing:social_worker_list")
    workers = selectors.social_workers_for_staff(request.user)
    status = request.GET.get("status", "")
    if status in SocialWorker.Status.values:
        workers = workers.filter(status=status)
    page = Paginator(workers, 30).get_page(request.GET.get("page"))
    return render(request, "organizing/console/social_workers.html", {
        "page_obj": page, "form": form, "status": status, "statuses": SocialWorker.Status.choices,
        "by_district": selectors.social_workers_by_district(request.user)})


@staff_required(perm=SOCIAL)
def social_worker_review(request, pk: int):
    if request.method != "POST":
        return redirect("organizing:social_worker_list")
    worker = selectors.get_social_worker_for_staff(request.user, pk)
    try:
        services.social_worker_review(actor=request.user, worker=worker, approve=request.POST.get("approve") == "1")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已审核。")
    return redirect("organizing:social_worker_list")


@staff_required(perm=REVIEW)
def member_import(request):
    form = MemberImportForm(_posted(request), request.FILES or None, user=request.user)
    errors = []
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            count = services.members_import(actor=request.user, union=form.cleaned_data["union"],
                                            binary=uploaded, kind=check_upload(uploaded))
        except services.MemberImportRefused as refused:
            errors = refused.errors
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已导入 {count} 名会员。")
            return redirect("organizing:member_list")
    return render(request, "organizing/console/member_import.html", {"form": form, "errors": errors[:200],
                                                                      "error_count": len(errors)})


@staff_required(perm=REVIEW)
def member_template(request):
    return table_response("会员导入模板.xlsx", MEMBER_COLUMNS, [["张三", "", "13800000000", "钳工", "否"]],
                          sheet_title="会员", ascii_name="member-template.xlsx")
