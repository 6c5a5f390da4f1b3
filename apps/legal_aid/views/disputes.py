"""Labour disputes for union staff: the scoped list (filters, search, Excel), the record form, the detail
with its timeline (every view audited), progress entries, corrections, and the city's thresholds."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.audit import audit_record
from apps.core.forms import add_service_errors
from apps.core.params import date_param, parse_id
from apps.core.spreadsheets import table_response

from .. import selectors, services
from ..dispute_forms import COLLECTIVE_RULE, DisputeEditForm, DisputeForm, ProgressForm, ThresholdsForm
from ..models import LabourDispute
from ..permissions import records_disputes, sets_dispute_thresholds
from .common import _guard

dispute_staff_required = _guard(records_disputes, "legal_aid.record_dispute")
thresholds_required = _guard(sets_dispute_thresholds, "legal_aid.change_disputethresholds")
S = LabourDispute.Status
# openpyxl writes rows in pure Python (no lxml): 5,000 rows took 8 s on the loaded 2-core test machine.
EXPORT_LIMIT = 5_000
SEARCH_LIMIT = 60


@dataclass
class Filters:
    status: str = ""
    dispute_type: str = ""
    collective: str = ""
    epidemic: str = ""
    district: int | None = None
    q: str = ""
    start: object = None
    end: object = None

    def query(self) -> str:
        params = {"status": self.status, "type": self.dispute_type, "collective": self.collective,
                  "epidemic": self.epidemic, "district": self.district or "", "q": self.q,
                  "start": self.start.isoformat() if self.start else "",
                  "end": self.end.isoformat() if self.end else ""}
        return urlencode({key: value for key, value in params.items() if value})


def _filtered(request) -> tuple[QuerySet, Filters]:
    """The staff member's disputes narrowed by the query string; anything unknown is ignored."""
    get = request.GET
    chosen = Filters(
        status=get.get("status", "") if get.get("status", "") in {"open", *S.values} else "",
        dispute_type=get.get("type", "") if get.get("type", "") in LabourDispute.Type.values else "",
        collective=get.get("collective", "") if get.get("collective", "") in {"1", "0"} else "",
        epidemic="1" if get.get("epidemic") == "1" else "",
        district=parse_id(get.get("district")),
        q=" ".join(get.get("q", "").replace("\x00", "").split())[:SEARCH_LIMIT],
        start=date_param(get, "start"), end=date_param(get, "end"))
    disputes = selectors.disputes_for_user(request.user)
    if chosen.status == "open":
        disputes = disputes.exclude(status=S.CLOSED)
    elif chosen.status:
        disputes = disputes.filter(status=chosen.status)
    if chosen.dispute_type:
        disputes = disputes.filter(dispute_type=chosen.dispute_type)
    if chosen.collective:
        disputes = disputes.filter(collective=chosen.collective == "1")
    if chosen.epidemic:
        disputes = disputes.filter(epidemic_related=True)
    if chosen.district:
        disputes = disputes.filter(enterprise__district_id=chosen.district)
    if chosen.q:
        disputes = disputes.filter(enterprise__name__icontains=chosen.q)
    if chosen.start:
        disputes = disputes.filter(occurred_on__gte=chosen.start)
    if chosen.end:
        disputes = disputes.filter(occurred_on__lte=chosen.end)
    return disputes.order_by("-occurred_on", "-id"), chosen


@dispute_staff_required
def dispute_list(request):
    """The subtree's disputes: filters, search by enterprise name, pages of 30, Excel of the same selection."""
    disputes, chosen = _filtered(request)
    if request.GET.get("format") == "xlsx":
        return _export(request, disputes)
    page = Paginator(disputes, 30).get_page(request.GET.get("page"))
    return render(request, "legal_aid/disputes/list.html", {
        "page_obj": page, "filters": chosen, "query": chosen.query(), "statuses": S.choices,
        "types": LabourDispute.Type.choices, "districts": list(selectors.dispute_districts(request.user)),
        "thresholds": services.dispute_thresholds()})


def _export(request, disputes: QuerySet):
    """The filtered disputes as a workbook (at most EXPORT_LIMIT rows, and a last line saying so)."""
    total = disputes.count()
    audit_record(actor=request.user, action="legal_aid.dispute.exported",
                 after={"filters": request.GET.urlencode()[:500], "rows": min(total, EXPORT_LIMIT)})

    def rows():
        for d in disputes[:EXPORT_LIMIT].iterator(chunk_size=500):
            yield [d.enterprise.name, d.enterprise.district.name, d.get_dispute_type_display(),
                   "是" if d.epidemic_related else "否", "是" if d.collective else "否", d.workers_involved, d.amount,
                   d.get_status_display(), d.occurred_on, d.organization.name, d.description, d.resolution]
        if total > EXPORT_LIMIT:
            yield [f"共 {total} 件，只导出了前 {EXPORT_LIMIT} 件，请缩小筛选范围后分批导出。"]

    return table_response(
        f"劳动争议{timezone.localdate():%Y%m%d}.xlsx",
        ["企业", "所在县（市、区）", "争议类型", "因疫情引发", "集体争议", "涉及人数", "涉及金额（元）", "状态",
         "发生日期", "登记单位", "争议情况", "处理结果"],
        rows(), sheet_title="劳动争议", ascii_name="labour-disputes.xlsx")


@dispute_staff_required
def dispute_new(request):
    form = DisputeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "enterprise"}
        try:
            dispute = services.dispute_record(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                              data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("enterprise", str(error))
        else:
            alerted = dispute.alerts.exists()
            messages.success(request, f"已登记劳动争议（编号 {dispute.pk}）。"
                             + ("已立即通知县（市、区）总工会和市总工会。" if alerted else ""))
            return redirect("legal_aid:dispute_detail", pk=dispute.pk)
    return render(request, "legal_aid/disputes/form.html", {
        "form": form, "thresholds": services.dispute_thresholds(), "rule": COLLECTIVE_RULE},
        status=400 if form.is_bound and form.errors else 200)


def _render_detail(request, dispute, *, progress_form=None, status: int = 200):
    return render(request, "legal_aid/disputes/detail.html", {
        "dispute": dispute, "timeline": selectors.dispute_timeline(dispute),
        "progress_form": progress_form or (ProgressForm(dispute=dispute) if dispute.is_open else None),
        "thresholds": services.dispute_thresholds(),
    }, status=status)


@dispute_staff_required
def dispute_detail(request, pk: int):
    """One dispute of the subtree (404 outside); the view is written to the audit trail."""
    return _render_detail(request, selectors.view_dispute(request.user, pk))


@dispute_staff_required
@require_POST
def dispute_progress(request, pk: int):
    dispute = selectors.get_dispute_for_user(request.user, pk)
    form = ProgressForm(request.POST, dispute=dispute)
    if form.is_valid():
        try:
            services.dispute_progress(actor=request.user, dispute=dispute, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已记录处理进展。")
            return redirect("legal_aid:dispute_detail", pk=dispute.pk)
    dispute = selectors.view_dispute(request.user, pk)  # shown again with the errors: a view, audited
    return _render_detail(request, dispute, progress_form=form, status=400)


@dispute_staff_required
def dispute_edit(request, pk: int):
    dispute = selectors.get_dispute_for_user(request.user, pk)
    if not dispute.is_open:
        messages.error(request, "该争议已结，不能再修改。")
        return redirect("legal_aid:dispute_detail", pk=dispute.pk)
    form = DisputeEditForm(request.POST or None, instance=dispute, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_update(actor=request.user, dispute=dispute, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存修改。")
            return redirect("legal_aid:dispute_detail", pk=dispute.pk)
    return render(request, "legal_aid/disputes/form.html", {
        "form": form, "dispute": dispute, "thresholds": services.dispute_thresholds(), "rule": COLLECTIVE_RULE},
        status=400 if form.is_bound and form.errors else 200)


@thresholds_required
def dispute_thresholds(request):
    """The city federation sets what makes a dispute major (reported at once)."""
    current = services.dispute_thresholds()
    form = ThresholdsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.thresholds_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存重大劳动争议标准，自下一次登记或修改起生效。")
            return redirect("legal_aid:dispute_thresholds")
    return render(request, "legal_aid/disputes/thresholds.html", {"form": form, "current": current,
                                                                   "rule": COLLECTIVE_RULE},
                  status=400 if form.is_bound and form.errors else 200)
