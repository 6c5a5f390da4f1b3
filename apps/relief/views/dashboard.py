"""The relief dashboard (per fund and district, chart and Excel) and the tier rule table."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.params import parse_id
from apps.core.permissions import staff_required
from apps.core.selectors import get_organization_for_user
from apps.core.spreadsheets import SafeWorkbook, workbook_response

from .. import selectors, services
from ..forms import TierRuleFormSet
from .common import relief_staff


def _filters(request):
    fund_id, org_id = parse_id(request.GET.get("fund")), parse_id(request.GET.get("org"))
    fund = selectors.get_fund_for_user(request.user, fund_id) if fund_id else None
    district = get_organization_for_user(request.user, org_id) if org_id else None
    return fund, district


@staff_required(perm="relief.view_dashboard")
def dashboard(request):
    fund, district = _filters(request)
    data = selectors.dashboard(request.user, fund=fund, district=district)
    chart = {"districts": [row["organization"].name.replace("总工会", "") for row in data["districts"]],
             "paid": [float(row["paid"] or 0) for row in data["districts"]],
             "people": [row["people"] for row in data["districts"]]}
    return render(request, "relief/dashboard.html", {
        **data, "fund": fund, "district": district, "chart": chart,
        "funds": selectors.funds_for_user(request.user).order_by("-year", "name")[:50]})


@staff_required(perm="relief.view_dashboard")
def dashboard_export(request):
    fund, district = _filters(request)
    data = selectors.dashboard(request.user, fund=fund, district=district)
    audit_record(actor=request.user, action="relief.dashboard.exported", after={"query": request.GET.urlencode()})
    book = SafeWorkbook()
    sheet = book.sheet("按地区")
    sheet.header(["地区", "申请数", "已发放人数", "已发放金额（元）"])
    for row in data["districts"]:
        sheet.append([row["organization"].name, row["count"], row["people"], row["paid"] or 0])
    states = book.sheet("按状态")
    states.header(["状态", "申请数"])
    for _value, label, count in data["states"]:
        states.append([label, count])
    people = book.sheet("按档次和原因")
    people.header(["分类", "项目", "已发放人数"])
    for label, count in data["tiers"]:
        people.append(["档次", label, count])
    for label, count in data["causes"]:
        people.append(["致困原因", label, count])
    accounts = book.sheet("资金")
    accounts.header(["专项资金", "持有单位", "收到额度", "下拨额度", "已预留", "已支出", "可用余额"])
    for account in data["accounts"]:
        accounts.append([str(account.fund), account.organization.name, account.received, account.allocated_out,
                         account.reserved, account.spent, account.available])
    returns = book.sheet("发放退回")
    returns.header(["申请编号", "所属工会", "专项资金", "退回金额（元）", "退回日期", "退回原因", "登记人", "登记时间",
                    "申请当前状态"])
    for item in selectors.aid_payment_returns_for_user(request.user, fund=fund, district=district):
        application = item.application
        returns.append([application.pk, application.organization.name, str(item.disbursement.account.fund),
                        item.amount, item.returned_on, item.reason,
                        item.recorded_by.get_full_name() or item.recorded_by.get_username(),
                        timezone.localtime(item.recorded_at).strftime("%Y-%m-%d %H:%M"),
                        application.get_status_display()])
    return workbook_response(book, "帮扶救助统计.xlsx", ascii_name="relief-dashboard.xlsx")


@relief_staff
def tier_rules(request):
    """Every relief user reads the table; only the city saves a new version."""
    ruleset = services.current_ruleset()
    can_edit = request.user.has_perm("relief.edit_tier_rules") and services.level_of(request.user) == "city"
    initial = [{"tier": r.tier, "cause": r.cause, "income_ceiling": r.income_ceiling, "amount": r.amount,
                "max_amount": r.max_amount} for r in (ruleset.rules.all() if ruleset else [])]
    formset = TierRuleFormSet(request.POST or None, initial=initial, prefix="rules")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if formset.is_valid():
            rows = [f.cleaned_data for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                services.tier_rules_save(actor=request.user, rows=rows, note=request.POST.get("note", "")[:200])
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, "已保存为新版本。")
                return redirect("relief:tier_rules")
    return render(request, "relief/tier_rules.html", {
        "ruleset": ruleset, "formset": formset, "can_edit": can_edit,
        "versions": type(ruleset).objects.all()[:10] if ruleset else []}, status=400 if formset.errors and
        any(formset.errors) else 200)
