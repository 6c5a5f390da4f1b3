"""Fund pages: list, create, one fund with its accounts per organisation, allocation, ledger export."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from apps.core.audit import audit_record
from apps.core.forms import add_service_errors
from apps.core.permissions import staff_required
from apps.core.spreadsheets import SafeWorkbook, workbook_response

from .. import selectors, services
from ..forms import AllocationForm, FundForm
from .common import relief_staff


@staff_required(perm="relief.view_fund_ledger")
def fund_list(request):
    funds = selectors.funds_for_user(request.user).order_by("-year", "name", "id")
    page = Paginator(funds, 30).get_page(request.GET.get("page"))
    return render(request, "relief/fund_list.html", {"page_obj": page})


@staff_required(perm="relief.manage_fund")
def fund_create(request):
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.fund_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "专项资金已设立。")
            return redirect("relief:fund_detail", pk=fund.pk)
    return render(request, "relief/form.html", {"form": form, "title": "设立专项资金",
                                                "back": ("专项资金", "relief:fund_list")},
                  status=400 if form.errors else 200)


@staff_required(perm="relief.view_fund_ledger")
def fund_detail(request, pk: int):
    fund = selectors.get_fund_for_user(request.user, pk)
    accounts = list(selectors.accounts_of_fund(request.user, fund))
    own = [a for a in accounts if a.organization_id == request.user.organization_id] or accounts[:1]
    entries = selectors.ledger_for_user(request.user, fund).order_by("-created_at", "-id")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "relief/fund_detail.html", {
        "fund": fund, "accounts": accounts, "own": own[0] if own else None, "page_obj": page,
        "spent_total": sum(a.spent for a in accounts), "reserved_total": sum(a.reserved for a in accounts)})


@staff_required(perm="relief.allocate_fund")
def fund_allocate(request, pk: int):
    source = selectors.get_fund_account_for_user(request.user, pk)
    form = AllocationForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_allocate(actor=request.user, source=source, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "资金已分配。")
            return redirect("relief:fund_detail", pk=source.fund_id)
    return render(request, "relief/form.html", {
        "form": form, "title": f"分配资金 · {source.organization.name}",
        "lead": f"{source.fund}：本单位可用余额 {source.available} 元", "back": ("专项资金", "relief:fund_list")},
        status=400 if form.errors else 200)


@relief_staff
def fund_export(request, pk: int):
    if not request.user.has_perm("relief.view_fund_ledger"):
        raise PermissionDenied
    fund = selectors.get_fund_for_user(request.user, pk)
    entries = selectors.ledger_for_user(request.user, fund)
    audit_record(actor=request.user, action="relief.fund.ledger_exported", target=fund)
    book = SafeWorkbook()
    sheet = book.sheet("资金台账")
    sheet.header(["时间", "单位", "类型", "金额（元）", "发生后可用余额（元）", "对方单位", "业务编号", "说明",
                  "经办人"])
    for entry in entries.iterator(chunk_size=500):
        sheet.append([entry.created_at.strftime("%Y-%m-%d %H:%M"), entry.account.organization.name,
                      entry.get_kind_display(), entry.amount, entry.available_after,
                      entry.counterpart.organization.name if entry.counterpart else "", entry.reference,
                      entry.note, entry.actor.get_full_name() if entry.actor else "系统"])
    return workbook_response(book, f"{fund}资金台账.xlsx", ascii_name="fund-ledger.xlsx")
