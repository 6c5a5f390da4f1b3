"""Reads scoped to the user: the worker their own questions, a lawyer the queue and what they hold,
legal-department staff their subtree (every staff view of one consultation is audited)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.audit import audit_record
from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.models import Enterprise, Organization
from apps.core.scoping import is_staff_member, org_scope_q

from .models import (
    CaseEntry,
    Consultation,
    ConsultationCategory,
    ConsultationMessage,
    DutyShift,
    LegalAidCase,
    PublishedAnswer,
    RiskScreening,
)
from .permissions import is_case_lawyer, is_case_staff, is_legal_staff, is_volunteer_lawyer

NEARING = timedelta(hours=2)
STATS_ROW_CAP = 20_000
S = Consultation.Status


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# --- consultations --------------------------------------------------------------------------------

def consultations_for_worker(user) -> QuerySet[Consultation]:
    return Consultation.objects.filter(worker=user).select_related("category", "lawyer")


def consultations_for_staff(user) -> QuerySet[Consultation]:
    if not is_legal_staff(user):
        return Consultation.objects.none()
    # The subtree's organisations as a semi-join: counts then walk the (organization, status) index alone.
    subtree = Organization.objects.filter(org_scope_q(user)).values("pk")
    return Consultation.objects.filter(organization__in=subtree).select_related(
        "category", "lawyer", "organization")


def lawyer_queue(user) -> QuerySet[Consultation]:
    """Questions nobody has claimed yet, most urgent first (the facts stay hidden until claimed)."""
    if not is_volunteer_lawyer(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(status=S.QUEUED).select_related("category").order_by("due_at", "id")


def get_claimable(pk) -> Consultation:
    """Any consultation by id for the claim service, which refuses what is not queued (nothing is shown)."""
    return _get(Consultation.objects.only("pk", "status", "lawyer_id"), pk)


def lawyer_cases(user) -> QuerySet[Consultation]:
    if not is_volunteer_lawyer(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(lawyer=user).exclude(status=S.CLOSED).select_related(
        "category").order_by("due_at", "id")


def get_consultation_for_user(user, pk) -> Consultation:
    """The worker's own, the assigned lawyer's, or one of the staff's subtree (audited); else 404."""
    consultation = _get(Consultation.objects.select_related("category", "lawyer", "worker", "organization"), pk)
    if consultation.worker_id == user.pk:
        return consultation
    if consultation.lawyer_id == user.pk and is_volunteer_lawyer(user):
        return consultation
    if consultations_for_staff(user).filter(pk=consultation.pk).exists():
        audit_record(actor=user, action="legal_aid.consultation.viewed", target=consultation,
                     organization=consultation.organization)
        return consultation
    raise Http404


def thread_for(consultation: Consultation, user) -> list[ConsultationMessage]:
    messages = consultation.messages.select_related("author")
    if consultation.worker_id == user.pk:
        messages = messages.exclude(kind=ConsultationMessage.Kind.NOTE)
    return list(messages)


def clock_state(consultation: Consultation, now=None) -> str:
    """"overdue", "nearing" or "" for an unanswered question; "" once answered."""
    if consultation.first_answered_at or consultation.status == S.CLOSED:
        return ""
    now = now or timezone.now()
    if consultation.due_at < now:
        return "overdue"
    if consultation.due_at - now < NEARING:
        return "nearing"
    return ""


def lawyers() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, groups__role__code=Role.VOLUNTEER_LAWYER).order_by(
        "real_name", "pk").distinct()


# --- service times --------------------------------------------------------------------------------

class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expr)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), output_field=FloatField(), **extra)


def _percentile(values: list[int], fraction: float) -> float | None:
    """Linear interpolation, as percentile_cont does."""
    if not values:
        return None
    values = sorted(values)
    rank = fraction * (len(values) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


@dataclass
class TimeRow:
    key: object
    label: str
    answered: int
    closed: int
    first_median: float | None  # hours
    first_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None


def service_times(queryset: QuerySet, *, group: str, labels: dict) -> list[TimeRow]:
    """Per ``group``: how many were answered / closed, and the median and 90th percentile of the first-response
    and resolution times. One grouped query on PostgreSQL (percentile_cont skips NULLs); elsewhere the same
    figures in Python over a bounded list."""
    queryset = queryset.filter(first_response_seconds__isnull=False).order_by()
    if connection.vendor == "postgresql":
        rows = list(queryset.values(group).annotate(
            answered=Count("first_response_seconds"), closed=Count("resolution_seconds"),
            first_median=Percentile("first_response_seconds", 0.5),
            first_p90=Percentile("first_response_seconds", 0.9),
            resolution_median=Percentile("resolution_seconds", 0.5),
            resolution_p90=Percentile("resolution_seconds", 0.9),
        ).values_list(group, "answered", "closed", "first_median", "first_p90", "resolution_median",
                      "resolution_p90"))
    else:
        grouped: dict = {}
        for key, first, resolution in queryset.values_list(group, "first_response_seconds",
                                                            "resolution_seconds")[:STATS_ROW_CAP]:
            firsts, resolutions = grouped.setdefault(key, ([], []))
            firsts.append(first)
            if resolution is not None:
                resolutions.append(resolution)
        rows = [(key, len(firsts), len(resolutions), _percentile(firsts, 0.5), _percentile(firsts, 0.9),
                 _percentile(resolutions, 0.5), _percentile(resolutions, 0.9))
                for key, (firsts, resolutions) in grouped.items()]
    result = [TimeRow(key=key, label=labels.get(key, "—"), answered=answered, closed=closed,
                      first_median=_hours(values[0]), first_p90=_hours(values[1]),
                      resolution_median=_hours(values[2]), resolution_p90=_hours(values[3]))
              for key, answered, closed, *values in rows]
    return sorted(result, key=lambda row: (-row.answered, row.label))


def _hours(seconds) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


@dataclass
class Overview:
    by_status: dict
    overdue: int
    nearing: int
    escalated: int
    by_lawyer: list
    by_category: list


def staff_overview(user, *, since) -> Overview:
    """Fixed queries whatever the number of consultations: the period's counts by status (one aggregate),
    the clock over open unanswered questions (partial index), and two grouped percentile queries."""
    scoped = consultations_for_staff(user).order_by()
    now = timezone.now()
    period = scoped.filter(created_at__gte=since)
    by_status = period.aggregate(**{status.value: Count("pk", filter=Q(status=status.value)) for status in S})
    open_unanswered = scoped.filter(first_answered_at__isnull=True, status__in=[S.QUEUED, S.ASSIGNED])
    clock = open_unanswered.aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        nearing=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + NEARING)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)))
    lawyer_labels = {u.pk: u.real_name or u.username for u in lawyers()}
    category_labels = dict(ConsultationCategory.objects.values_list("pk", "name"))
    return Overview(
        by_status={status.label: by_status[status.value] for status in S},
        overdue=clock["overdue"], nearing=clock["nearing"], escalated=clock["escalated"],
        by_lawyer=service_times(period, group="lawyer_id", labels=lawyer_labels),
        by_category=service_times(period, group="category_id", labels=category_labels),
    )


# --- public page ----------------------------------------------------------------------------------

def duty_roster(days: int = 7) -> QuerySet[DutyShift]:
    now = timezone.now()
    return DutyShift.objects.filter(ends_at__gt=now, starts_at__lt=now + timedelta(days=days)).select_related(
        "lawyer").order_by("starts_at", "id")


MAX_TERMS = 5


def published_faq(query: str = "", category: ConsultationCategory | None = None) -> QuerySet[PublishedAnswer]:
    """Published answers containing every term (a two-character Chinese term works: a substring match)."""
    faq = PublishedAnswer.objects.filter(status=PublishedAnswer.Status.PUBLISHED).select_related("category")
    if category is not None:
        faq = faq.filter(category=category)
    for term in [t.lower() for t in (query or "").split() if t][:MAX_TERMS]:
        faq = faq.filter(search_document__contains=term[:40])
    return faq.order_by("-published_at", "-id")


def faq_for_staff(user) -> QuerySet[PublishedAnswer]:
    if not is_legal_staff(user):
        return PublishedAnswer.objects.none()
    # Drafts come from consultations of the staff's subtree; answers written by staff have no source.
    return PublishedAnswer.objects.filter(
        Q(consultation__isnull=True) | org_scope_q(user, "consultation__organization")).select_related("category")


def get_faq_for_staff(user, pk) -> PublishedAnswer:
    return _get(faq_for_staff(user), pk)


# --- screenings -----------------------------------------------------------------------------------

def _enterprise_scope(user, prefix: str = "enterprise") -> Q:
    return org_scope_q(user, f"{prefix}__district") | org_scope_q(user, f"{prefix}__union")


def enterprises_for_screening(user) -> QuerySet[Enterprise]:
    if not is_staff_member(user):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(org_scope_q(user, "district") | org_scope_q(user, "union")).select_related(
        "district")


def screenings_for_user(user) -> QuerySet[RiskScreening]:
    if not (is_staff_member(user) and user.has_perm("legal_aid.screen_risk")):
        return RiskScreening.objects.none()
    return RiskScreening.objects.filter(_enterprise_scope(user)).select_related("enterprise", "enterprise__district")


def get_screening_for_user(user, pk) -> RiskScreening:
    return _get(screenings_for_user(user), pk)


def latest_screenings(user) -> QuerySet[RiskScreening]:
    """Each enterprise's most recent screening."""
    newest = RiskScreening.objects.filter(enterprise=OuterRef("enterprise")).order_by("-screened_on", "-id")
    return screenings_for_user(user).filter(pk=Subquery(newest.values("pk")[:1]))


def heat_table(user) -> list[dict]:
    """Per county-level union: enterprises at each level by their latest screening (one grouped query)."""
    counts = (latest_screenings(user).order_by().values("enterprise__district_id", "level")
              .annotate(n=Count("pk")).values_list("enterprise__district_id", "level", "n"))
    by_district: dict[int, dict] = {}
    for district_id, level, n in counts:
        by_district.setdefault(district_id, {}).setdefault(level, 0)
        by_district[district_id][level] += n
    names = dict(Organization.objects.filter(pk__in=by_district).values_list("pk", "name"))
    rows = []
    for district_id, levels in by_district.items():
        total = sum(levels.values())
        rows.append({"district_id": district_id, "name": names.get(district_id, "—"), "total": total,
                     **{level: levels.get(level, 0) for level in RiskScreening.Level.values},
                     "heat": (levels.get("red", 0) * 3 + levels.get("orange", 0) * 2 + levels.get("yellow", 0))})
    return sorted(rows, key=lambda row: (-row["heat"], row["name"]))


def enterprise_trend(user, enterprise_id) -> QuerySet[RiskScreening]:
    return screenings_for_user(user).filter(enterprise_id=enterprise_id).order_by("screened_on", "id")


def red_warnings(user) -> QuerySet[RiskScreening]:
    return screenings_for_user(user).filter(level=RiskScreening.Level.RED, warned_at__isnull=False).order_by(
        "-warned_at")


# --- indicators -----------------------------------------------------------------------------------

def _within(queryset, field, start, end):
    since, until = period_bounds(start, end)
    return queryset.filter(**{f"{field}__gte": since, f"{field}__lt": until})


def _received(organizations, start, end):
    return subtree_totals(_within(Consultation.objects.all(), "created_at", start, end),
                          org_field="organization", organizations=organizations)


def _answered(organizations, start, end):
    return subtree_totals(_within(Consultation.objects.all(), "first_answered_at", start, end),
                          org_field="organization", organizations=organizations)


def _median_first_response(organizations, start, end):
    """One query for every organisation: the answered questions' times grouped by their union's path."""
    answered = _within(Consultation.objects.filter(first_response_seconds__isnull=False), "first_answered_at",
                       start, end)
    by_path: dict[str, list[int]] = {}
    rows = (answered.order_by("-first_answered_at")
            .values_list("organization__path", "first_response_seconds")[:STATS_ROW_CAP])
    for path, seconds in rows:
        by_path.setdefault(path or "", []).append(seconds)
    result = {}
    for organization in organizations:
        values = [v for path, found in by_path.items() if path.startswith(organization.path) for v in found]
        median = _percentile(sorted(values), 0.5)
        result[organization.pk] = round(median / 3600, 1) if median is not None else 0
    return result


def _screened(organizations, start, end):
    rows = RiskScreening.objects.filter(screened_on__gte=start, screened_on__lte=end)
    return subtree_totals(rows, org_field="enterprise__district",
                          organizations=organizations)


def _red(organizations, start, end):
    return subtree_totals(_within(RiskScreening.objects.filter(level=RiskScreening.Level.RED,
                                                               warned_at__isnull=False), "warned_at", start, end),
                          org_field="enterprise__district", organizations=organizations)


def _link(url_name: str):
    return lambda organization, start, end: reverse(url_name)


INDICATORS = [
    Indicator(key="legal_aid.consultations_received", label="收到法律咨询数", unit="件", compute=_received,
              link=_link("legal_aid:staff_list")),
    Indicator(key="legal_aid.consultations_answered", label="已答复法律咨询数", unit="件", compute=_answered,
              link=_link("legal_aid:staff_list")),
    Indicator(key="legal_aid.median_first_response", label="首次答复用时中位数", unit="小时",
              compute=_median_first_response, link=_link("legal_aid:overview"),
              description="期间内首次答复的咨询，从提问到律师首次答复"),
    Indicator(key="legal_aid.screenings", label="稳定风险排查次数", unit="次", compute=_screened,
              link=_link("legal_aid:screening_list")),
    Indicator(key="legal_aid.red_warnings", label="红色预警数", unit="个", compute=_red,
              link=_link("legal_aid:screening_list")),
]



# --- labour disputes and collective negotiations ---------------------------------------------------
from urllib.parse import urlencode  # noqa: E402

from .models import CollectiveNegotiation, LabourDispute  # noqa: E402
from .permissions import records_disputes  # noqa: E402


def disputes_for_user(user) -> QuerySet:
    """Disputes of enterprises in the staff member's subtree, or recorded by it; nothing for anyone else."""
    if not records_disputes(user):
        return LabourDispute.objects.none()
    return LabourDispute.objects.filter(_enterprise_scope(user) | org_scope_q(user, "organization")).select_related(
        "enterprise", "enterprise__district", "organization")


def get_dispute_for_user(user, pk):
    return _get(disputes_for_user(user), pk)


def view_dispute(user, pk):
    """One dispute for its detail page: 404 outside the subtree, and the staff member's view is audited."""
    dispute = get_dispute_for_user(user, pk)
    audit_record(actor=user, action="legal_aid.dispute.viewed", target=dispute,
                 organization=dispute.enterprise.district)
    return dispute


def dispute_districts(user) -> QuerySet[Organization]:
    """The county-level unions a staff member may filter disputes by (their own subtree's)."""
    return Organization.objects.filter(org_scope_q(user), org_type=Organization.Type.COUNTY).order_by("path")


@dataclass
class TimelineEntry:
    on: object  # a date
    at: object  # when it was written: orders a day's entries
    kind: str  # "progress", "alert"
    text: str
    author: str = ""
    status_after: str = ""
    status_label: str = ""


def dispute_timeline(dispute) -> list[TimelineEntry]:
    """Progress entries and the alerts sent, in date order (two queries)."""
    entries = [TimelineEntry(on=step.happened_on, at=step.created_at, kind="progress", text=step.note,
                             author=step.author.real_name or step.author.username, status_after=step.status_after,
                             status_label=step.get_status_after_display() if step.status_after else "")
               for step in dispute.progress.select_related("author").order_by("happened_on", "id")]
    entries += [TimelineEntry(on=timezone.localdate(alert.sent_at), at=alert.sent_at, kind="alert",
                              text=f"已通知县（市、区）总工会和市总工会 {alert.recipients} 人：{alert.detail}",
                              status_label=alert.get_reason_display())
                for alert in dispute.alerts.order_by("sent_at", "id")]
    return sorted(entries, key=lambda entry: (entry.on, entry.at))


def open_collective_disputes(user) -> QuerySet:
    return disputes_for_user(user).filter(collective=True).exclude(status=LabourDispute.Status.CLOSED)


def negotiations_for_user(user) -> QuerySet:
    if not records_disputes(user):
        return CollectiveNegotiation.objects.none()
    return CollectiveNegotiation.objects.filter(
        _enterprise_scope(user) | org_scope_q(user, "organization")).select_related(
        "enterprise", "enterprise__district", "organization", "recorded_by")


def get_negotiation_for_user(user, pk):
    return _get(negotiations_for_user(user), pk)


def _disputes(organizations, start, end):
    return subtree_totals(LabourDispute.objects.filter(occurred_on__gte=start, occurred_on__lte=end),
                          org_field="enterprise__district", organizations=organizations)


def _collective_disputes(organizations, start, end):
    rows = LabourDispute.objects.filter(collective=True, occurred_on__gte=start, occurred_on__lte=end)
    return subtree_totals(rows, org_field="enterprise__district", organizations=organizations)


def _agreements_signed(organizations, start, end):
    rows = CollectiveNegotiation.objects.filter(agreement_reached=True, held_on__gte=start, held_on__lte=end)
    return subtree_totals(rows, org_field="enterprise__district", organizations=organizations)


def _records_link(url_name: str, **fixed):
    """The list behind a number: the same period, and the district when the report is a county's."""
    def build(organization, start, end) -> str:
        params = {**fixed, "start": start.isoformat(), "end": end.isoformat()}
        if organization.org_type == Organization.Type.COUNTY:
            params["district"] = organization.pk
        return f"{reverse(url_name)}?{urlencode(params)}"

    return build


INDICATORS += [
    Indicator(key="legal_aid.labour_disputes", label="劳动争议件数", unit="件", compute=_disputes,
              link=_records_link("legal_aid:dispute_list"), description="期间内发生的劳动争议（按发生日期）"),
    Indicator(key="legal_aid.collective_disputes", label="集体劳动争议件数", unit="件", compute=_collective_disputes,
              link=_records_link("legal_aid:dispute_list", collective="1"),
              description="劳动者一方在 10 人以上并有共同请求的劳动争议，及工作人员认定为集体争议的"),
    Indicator(key="legal_aid.collective_agreements", label="集体协商签订份数", unit="份",
              compute=_agreements_signed, link=_records_link("legal_aid:negotiation_list", agreement="1"),
              description="期间内经集体协商达成并签订的协议"),
]


# --- legal-aid cases (green channel) ---------------------------------------------------------------
# A case is seen by the worker, the assigned lawyer and legal-department staff of the case's subtree;
# every staff view of one is audited. Staff without the permission are refused (403) whatever the id.

def cases_for_staff(user) -> QuerySet[LegalAidCase]:
    if not is_case_staff(user):
        return LegalAidCase.objects.none()
    subtree = Organization.objects.filter(org_scope_q(user)).values("pk")
    return LegalAidCase.objects.filter(organization__in=subtree).select_related(
        "category", "lawyer", "organization", "worker")


def cases_for_worker(user) -> QuerySet[LegalAidCase]:
    return LegalAidCase.objects.filter(worker=user).select_related("category", "lawyer")


def cases_for_lawyer(user) -> QuerySet[LegalAidCase]:
    if not is_case_lawyer(user):
        return LegalAidCase.objects.none()
    return LegalAidCase.objects.filter(lawyer=user).select_related("category", "organization", "worker")


def case_priority(queryset: QuerySet[LegalAidCase]) -> QuerySet[LegalAidCase]:
    """The intake order: the green channel first, then the oldest application."""
    return queryset.order_by("-green_channel", "submitted_at", "id")


def get_case_for_user(user, pk, *, audit: bool = True) -> LegalAidCase:
    """The worker's own, the assigned lawyer's, or a case of the staff's subtree (the view audited);
    staff without the case permission get 403 for any id, everyone else 404."""
    from apps.core.permissions import RoleRequired

    try:
        case = LegalAidCase.objects.select_related(
            "category", "lawyer", "worker", "organization", "opponent_enterprise", "consultation",
            "decided_by").filter(pk=pk).first()
    except (ValueError, TypeError, OverflowError):
        case = None
    if case is not None and case.worker_id == user.pk:
        return case
    if case is not None and case.lawyer_id == user.pk and is_case_lawyer(user):
        return case
    if is_staff_member(user) and not is_case_staff(user):
        raise RoleRequired("legal_aid.handle_case")
    if case is None or not cases_for_staff(user).filter(pk=case.pk).exists():
        raise Http404
    if audit:
        audit_record(actor=user, action="legal_aid.case.viewed", target=case, organization=case.organization)
    return case


def case_entries(case: LegalAidCase) -> list[CaseEntry]:
    return list(case.entries.select_related("author").order_by("happened_on", "created_at", "id"))


def case_lawyers() -> QuerySet:
    """Volunteer lawyers who may work a case."""
    return lawyers()


def _cases_accepted(organizations, start, end):
    return subtree_totals(_within(LegalAidCase.objects.filter(accepted_at__isnull=False), "accepted_at", start,
                                  end), org_field="organization", organizations=organizations)


def _cases_closed(organizations, start, end):
    return subtree_totals(_within(LegalAidCase.objects.filter(status=LegalAidCase.Status.CLOSED), "closed_at",
                                  start, end), org_field="organization", organizations=organizations)


def _amount_recovered(organizations, start, end):
    """One grouped query: the amounts recovered in cases closed in the period, summed per subtree."""
    return subtree_totals(_within(LegalAidCase.objects.filter(status=LegalAidCase.Status.CLOSED), "closed_at",
                                  start, end), org_field="organization", organizations=organizations,
                          value="amount_recovered")


def _case_list_link(query: str):
    return lambda organization, start, end: f"{reverse('legal_aid:case_list')}?{query}"


INDICATORS.extend([
    Indicator(key="legal_aid.cases_accepted", label="法律援助受理件数", unit="件", compute=_cases_accepted,
              link=_case_list_link("status=accepted"), description="期间内受理（立案）的法律援助案件"),
    Indicator(key="legal_aid.cases_closed", label="法律援助结案件数", unit="件", compute=_cases_closed,
              link=_case_list_link("status=closed"), description="期间内结案的法律援助案件"),
    Indicator(key="legal_aid.amount_recovered", label="法律援助追回金额", unit="元", compute=_amount_recovered,
              link=_case_list_link("status=closed"),
              description="期间内结案的法律援助案件为职工追回的金额（工资、补偿、赔偿等）"),
])
