"""Needy-worker registry pages: files, filing, yearly review, help, closing, reveal, export."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.audit import audit_record
from apps.core.forms import add_service_errors, flash_service_errors
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.selectors import get_organization_for_user
from apps.core.spreadsheets import SafeWorkbook, workbook_response

from .. import selectors, services
from ..forms import NeedyCloseForm, NeedyFileForm, NeedyHelpForm, NeedyReviewForm
from ..models import NeedyFile


def _filtered(request):
    files = selectors.needy_files_for_user(request.user)
    status = request.GET.get("status", "")
    if status in NeedyFile.Status.values:
        files = files.filter(status=status)
    org_id = parse_id(request.GET.get("org"))
    if org_id:
        organization = get_organization_for_user(request.user, org_id)
        files = files.filter(organization__path__startswith=organization.path)
    return files, status


@staff_required(perm="relief.manage_registry")
def registry_list(request):
    files, status = _filtered(request)
    page = Paginator(files.order_by("status", "next_review_on", "id"), 30).get_page(request.GET.get("page"))
    return render(request, "relief/registry_list.html", {"page_obj": page, "status": status,
                                                         "statuses": NeedyFile.Status.choices})


@staff_required(perm="relief.manage_registry")
def registry_create(request):
    form = NeedyFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            file = services.needy_file_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已建档。")
            return redirect("relief:registry_detail", pk=file.pk)
    return render(request, "relief/form.html", {"form": form, "title": "困难职工建档",
                                                "back": ("困难职工档案", "relief:registry_list")},
                  status=400 if form.errors else 200)


@staff_required(perm="relief.manage_registry")
def registry_detail(request, pk: int):
    file = selectors.get_needy_file_for_user(request.user, pk)
    return render(request, "relief/registry_detail.html", {
        "file": file, "reviews": file.reviews.select_related("reviewer"), "help_rows": file.help.all(),
        "review_form": NeedyReviewForm(initial={"household_income": file.household_income}),
        "help_form": NeedyHelpForm(), "close_form": NeedyCloseForm()})


@require_POST
@staff_required(perm="relief.manage_registry")
def registry_action(request, pk: int, action: str):
    file = selectors.get_needy_file_for_user(request.user, pk)
    forms = {"review": NeedyReviewForm, "help": NeedyHelpForm, "close": NeedyCloseForm}
    if action not in forms:
        raise PermissionDenied
    form = forms[action](request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([f"{form.fields[k].label if k in form.fields else ''}：{e}"
                                   for k, errs in form.errors.items() for e in errs])
        data = form.cleaned_data
        if action == "review":
            services.needy_file_review(actor=request.user, file=file, **data)
            messages.success(request, "年度复核已记录。")
        elif action == "help":
            services.needy_help_record(actor=request.user, file=file, **data)
            messages.success(request, "帮扶已记录。")
        else:
            services.needy_file_close(actor=request.user, file=file, reason=data["reason"])
            messages.success(request, "档案已销档。")
    except (ValidationError, PermissionDenied) as error:
        flash_service_errors(request, error)
    return redirect("relief:registry_detail", pk=file.pk)


@require_POST
@staff_required(perm="relief.reveal_id_number")
def registry_reveal(request, pk: int):
    file = selectors.get_needy_file_for_user(request.user, pk)
    number = services.needy_reveal_id_number(actor=request.user, file=file)
    return render(request, "relief/registry_detail.html", {
        "file": file, "reviews": file.reviews.select_related("reviewer"), "help_rows": file.help.all(),
        "review_form": NeedyReviewForm(), "help_form": NeedyHelpForm(), "close_form": NeedyCloseForm(),
        "revealed": number})


@staff_required(perm="relief.manage_registry")
def registry_export(request):
    files, _status = _filtered(request)
    audit_record(actor=request.user, action="relief.registry.exported", after={"query": request.GET.urlencode()})
    book = SafeWorkbook()
    sheet = book.sheet("困难职工档案")
    sheet.header(["姓名", "身份证号码", "建档工会", "工作单位", "困难类型", "家庭人口", "家庭月收入（元）", "状态",
                  "建档日期", "下次复核日期", "销档原因"])
    for file in files.order_by("organization__path", "id").iterator(chunk_size=500):
        sheet.append([file.real_name, file.id_masked, file.organization.name, file.workplace,
                      file.get_category_display(), file.household_size, file.household_income,
                      file.get_status_display(), file.filed_on, file.next_review_on, file.closed_reason])
    return workbook_response(book, "困难职工档案.xlsx", ascii_name="needy-registry.xlsx")
