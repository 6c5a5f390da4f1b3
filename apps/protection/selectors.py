"""Reads scoped to the user: staff see their subtree, an enterprise union only its enterprises."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.models import Enterprise, Organization
from apps.core.scoping import is_staff_member, org_scope_q, scope_root

from .models import (
    AccidentReport,
    AnkangEntry,
    ChecklistTemplate,
    Hazard,
    HealthDailyFigure,
    Inspection,
    ResumptionPlan,
    SupervisionVisit,
)


def enterprise_scope_q(user, prefix: str = "enterprise") -> Q:
    """Rows whose enterprise lies in the user's district subtree or belongs to a union in it."""
    return org_scope_q(user, f"{prefix}__district") | org_scope_q(user, f"{prefix}__union")


def enterprises_for_user(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(_enterprise_q(user)).select_related("district", "union")


def _enterprise_q(user) -> Q:
    return org_scope_q(user, "district") | org_scope_q(user, "union")


def get_enterprise_for_user(user, pk) -> Enterprise:
    try:
        return enterprises_for_user(user).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- hazards --------------------------------------------------------------------------------------

def hazards_for_user(user) -> QuerySet[Hazard]:
    return Hazard.objects.filter(enterprise_scope_q(user)).select_related(
        "enterprise", "enterprise__district", "routed_to")


def get_hazard_for_user(user, pk) -> Hazard:
    return _get(hazards_for_user(user).select_related("rectified_by", "verified_by", "reported_by"), pk)


def hazard_by_reference(reference: str) -> Hazard | None:
    """The public follow page: one exact reference, nothing else."""
    reference = (reference or "").strip().upper()
    if not reference or len(reference) > 16 or not reference.isalnum():
        return None
    return Hazard.objects.select_related("enterprise").filter(reference=reference).first()


def overdue_hazards(today: date | None = None) -> QuerySet[Hazard]:
    today = today or timezone.localdate()
    return Hazard.objects.filter(status__in=Hazard.OPEN, deadline__lt=today)


# --- plans, templates, inspections, visits, health, 安康杯 -------------------------------------------

def plans_for_user(user) -> QuerySet[ResumptionPlan]:
    return ResumptionPlan.objects.filter(enterprise_scope_q(user)).select_related(
        "enterprise", "enterprise__district", "submitted_by")


def get_plan_for_user(user, pk) -> ResumptionPlan:
    return _get(plans_for_user(user), pk)


def templates_for_user(user) -> QuerySet[ChecklistTemplate]:
    """Templates made by the user's own organisation, those above it (to fill) and those below (to see)."""
    root = scope_root(user)
    if root is None:
        return ChecklistTemplate.objects.none()
    codes = root.path.split("/")[:-1]
    ancestors = ["/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1)]
    return ChecklistTemplate.objects.filter(
        Q(organization__path__in=ancestors) | org_scope_q(user, "organization")).select_related("organization")


def get_template_for_user(user, pk) -> ChecklistTemplate:
    return _get(templates_for_user(user), pk)


def inspections_for_user(user) -> QuerySet[Inspection]:
    return Inspection.objects.filter(enterprise_scope_q(user)).select_related(
        "enterprise", "template", "filled_by")


def get_inspection_for_user(user, pk) -> Inspection:
    return _get(inspections_for_user(user), pk)


def visits_for_user(user) -> QuerySet[SupervisionVisit]:
    return SupervisionVisit.objects.filter(enterprise_scope_q(user)).select_related(
        "enterprise", "organization", "created_by")


def get_visit_for_user(user, pk) -> SupervisionVisit:
    return _get(visits_for_user(user), pk)


def health_figures_for_user(user) -> QuerySet[HealthDailyFigure]:
    return HealthDailyFigure.objects.filter(enterprise_scope_q(user)).select_related("enterprise")


def ankang_entries_for_user(user) -> QuerySet[AnkangEntry]:
    return AnkangEntry.objects.filter(enterprise_scope_q(user)).select_related(
        "enterprise", "enterprise__district", "winner_marked_by")


def accidents_for_user(user) -> QuerySet[AccidentReport]:
    return AccidentReport.objects.filter(enterprise_scope_q(user)).select_related("enterprise")


def health_days(figures: list[HealthDailyFigure], start: date,
                end: date) -> list[tuple[date, HealthDailyFigure | None]]:
    """Every day from ``end`` back to ``start``, with its figures or None for a gap."""
    by_day = {figure.day: figure for figure in figures}
    days = []
    current = end
    while current >= start:
        days.append((current, by_day.get(current)))
        current = date.fromordinal(current.toordinal() - 1)
    return days


# --- 安康杯 score ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreRule:
    label: str
    explanation: str
    maximum: int


SCORE_RULES = [
    ScoreRule("企业自查", "当年每完成一次自查得 5 分，最高 40 分", 40),
    ScoreRule("隐患整改", "当年隐患销号率 × 40 分；当年没有隐患记 40 分", 40),
    ScoreRule("安全生产", "当年无事故得 20 分，每起事故扣 10 分，扣完为止", 20),
]


@dataclass
class Score:
    entry: AnkangEntry
    inspections: int = 0
    hazards: int = 0
    closed: int = 0
    accidents: int = 0
    parts: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.parts)

    @property
    def closure_rate(self) -> Decimal | None:
        return _percent(self.closed, self.hazards) if self.hazards else None


def score_entries(entries: list[AnkangEntry]) -> list[Score]:
    """The rule table applied to each entry (three grouped queries, whatever the number of entries)."""
    if not entries:
        return []
    ids_by_year: dict[int, list[int]] = {}
    for entry in entries:
        ids_by_year.setdefault(entry.year, []).append(entry.enterprise_id)
    inspections, hazards, closed, accidents = {}, {}, {}, {}
    year_q_i, year_q_h, year_q_a = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for year, ids in ids_by_year.items():
        year_q_i |= Q(enterprise_id__in=ids, submitted_at__year=year)
        year_q_h |= Q(enterprise_id__in=ids, reported_at__year=year)
        year_q_a |= Q(enterprise_id__in=ids, occurred_on__year=year)
    for row in (Inspection.objects.filter(year_q_i).values("enterprise_id", "submitted_at__year")
                .annotate(n=Count("pk"))):
        inspections[(row["enterprise_id"], row["submitted_at__year"])] = row["n"]
    for row in (Hazard.objects.filter(year_q_h).values("enterprise_id", "reported_at__year")
                .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=Hazard.Status.VERIFIED)))):
        hazards[(row["enterprise_id"], row["reported_at__year"])] = row["n"]
        closed[(row["enterprise_id"], row["reported_at__year"])] = row["done"]
    for row in (AccidentReport.objects.filter(year_q_a).values("enterprise_id", "occurred_on__year")
                .annotate(n=Count("pk"))):
        accidents[(row["enterprise_id"], row["occurred_on__year"])] = row["n"]
    scores = []
    for entry in entries:
        key = (entry.enterprise_id, entry.year)
        score = Score(entry=entry, inspections=inspections.get(key, 0), hazards=hazards.get(key, 0),
                      closed=closed.get(key, 0), accidents=accidents.get(key, 0))
        closure = 40 if not score.hazards else int((Decimal(40) * score.closed / score.hazards)
                                                     .quantize(Decimal(1), ROUND_HALF_UP))
        score.parts = [min(5 * score.inspections, 40), closure, max(20 - 10 * score.accidents, 0)]
        scores.append(score)
    return sorted(scores, key=lambda s: (-s.total, s.entry.enterprise.name))


# --- dashboard ------------------------------------------------------------------------------------

def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class DistrictRow:
    district: Organization | None
    label: str
    enterprises: int = 0
    resumed: int = 0
    plans_submitted: int = 0
    plans_approved: int = 0
    plans_returned: int = 0
    open_general: int = 0
    open_serious: int = 0
    open_major: int = 0
    overdue: int = 0
    found: int = 0
    closed: int = 0
    close_days: list[float] = field(default_factory=list)

    @property
    def plans_missing(self) -> int:
        return max(self.enterprises - self.plans_submitted - self.plans_approved - self.plans_returned, 0)

    @property
    def plan_coverage(self) -> Decimal:
        return _percent(self.plans_approved, self.enterprises)

    @property
    def open_total(self) -> int:
        return self.open_general + self.open_serious + self.open_major

    @property
    def closure_rate(self) -> Decimal:
        return _percent(self.closed, self.found)

    @property
    def median_days(self) -> Decimal | None:
        if not self.close_days:
            return None
        return Decimal(str(statistics.median(self.close_days))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def dashboard_districts(user) -> QuerySet[Organization]:
    return Organization.objects.filter(org_scope_q(user), org_type=Organization.Type.COUNTY).order_by("code")


def dashboard_rows(user, start: date, end: date) -> tuple[list[DistrictRow], DistrictRow]:
    """One row per county-level union in the user's subtree, and the total (a fixed number of queries)."""
    districts = list(dashboard_districts(user))
    rows = {d.pk: DistrictRow(district=d, label=d.name) for d in districts}
    ids = list(rows)
    today = timezone.localdate()
    since, until = period_bounds(start, end)
    for row in Enterprise.objects.filter(district_id__in=ids).values("district_id").annotate(n=Count("pk")):
        rows[row["district_id"]].enterprises = row["n"]
    plans = (ResumptionPlan.objects.filter(enterprise__district_id__in=ids).values("enterprise__district_id")
             .annotate(submitted=Count("pk", filter=Q(status=ResumptionPlan.Status.SUBMITTED)),
                       approved=Count("pk", filter=Q(status=ResumptionPlan.Status.APPROVED)),
                       returned=Count("pk", filter=Q(status=ResumptionPlan.Status.RETURNED)),
                       resumed=Count("pk", filter=Q(status=ResumptionPlan.Status.APPROVED,
                                                    resumed_on__lte=today))))
    for row in plans:
        target = rows[row["enterprise__district_id"]]
        target.plans_submitted, target.plans_approved = row["submitted"], row["approved"]
        target.plans_returned, target.resumed = row["returned"], row["resumed"]
    hazards = (Hazard.objects.filter(enterprise__district_id__in=ids).values("enterprise__district_id")
               .annotate(general=Count("pk", filter=Q(status__in=Hazard.OPEN, level=Hazard.Level.GENERAL)),
                         serious=Count("pk", filter=Q(status__in=Hazard.OPEN, level=Hazard.Level.SERIOUS)),
                         major=Count("pk", filter=Q(status__in=Hazard.OPEN, level=Hazard.Level.MAJOR)),
                         overdue=Count("pk", filter=Q(status__in=Hazard.OPEN, deadline__lt=today)),
                         found=Count("pk", filter=Q(reported_at__gte=since, reported_at__lt=until)),
                         closed=Count("pk", filter=Q(reported_at__gte=since, reported_at__lt=until,
                                                     status=Hazard.Status.VERIFIED))))
    for row in hazards:
        target = rows[row["enterprise__district_id"]]
        target.open_general, target.open_serious, target.open_major = row["general"], row["serious"], row["major"]
        target.overdue, target.found, target.closed = row["overdue"], row["found"], row["closed"]
    closings = Hazard.objects.filter(enterprise__district_id__in=ids, status=Hazard.Status.VERIFIED,
                                     verified_at__gte=since, verified_at__lt=until).values_list(
        "enterprise__district_id", "reported_at", "verified_at")
    for district_id, reported_at, verified_at in closings.iterator(chunk_size=2000):
        rows[district_id].close_days.append(round((verified_at - reported_at).total_seconds() / 86400, 1))
    total = DistrictRow(district=None, label="合计")
    for row in rows.values():
        for name in ("enterprises", "resumed", "plans_submitted", "plans_approved", "plans_returned", "open_general",
                     "open_serious", "open_major", "overdue", "found", "closed"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.close_days.extend(row.close_days)
    return list(rows.values()), total


# --- indicators -----------------------------------------------------------------------------------

def _link(url_name: str, **params):
    def build(organization: Organization, start: date, end: date) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return (f"{reverse(url_name)}?org={organization.pk}&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
                + (f"&{query}" if query else ""))

    return build


def _within(queryset, field_name, start, end, *, date_field=False):
    if date_field:
        return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lte": end})
    since, until = period_bounds(start, end)
    return queryset.filter(**{f"{field_name}__gte": since, f"{field_name}__lt": until})


def _plans_approved(organizations, start, end):
    return subtree_totals(_within(ResumptionPlan.objects.filter(status=ResumptionPlan.Status.APPROVED),
                                  "reviewed_at", start, end), org_field="enterprise__district",
                          organizations=organizations)


def _inspections_done(organizations, start, end):
    return subtree_totals(_within(Inspection.objects.all(), "submitted_at", start, end),
                          org_field="enterprise__district", organizations=organizations)


def _hazards_found(organizations, start, end):
    return subtree_totals(_within(Hazard.objects.all(), "reported_at", start, end),
                          org_field="enterprise__district", organizations=organizations)


def _hazards_closed(organizations, start, end):
    return subtree_totals(_within(Hazard.objects.filter(status=Hazard.Status.VERIFIED), "verified_at", start, end),
                          org_field="enterprise__district", organizations=organizations)


def _closure_rate(organizations, start, end):
    found_in_period = _within(Hazard.objects.all(), "reported_at", start, end)
    found = subtree_totals(found_in_period, org_field="enterprise__district", organizations=organizations)
    closed = subtree_totals(found_in_period.filter(status=Hazard.Status.VERIFIED),
                            org_field="enterprise__district", organizations=organizations)
    return {pk: _percent(closed.get(pk, 0), total) for pk, total in found.items()}


def _overdue(organizations, start, end):
    as_of = min(end, timezone.localdate())
    return subtree_totals(overdue_hazards(as_of), org_field="enterprise__district", organizations=organizations)


def _visits(organizations, start, end):
    return subtree_totals(_within(SupervisionVisit.objects.all(), "visited_on", start, end, date_field=True),
                          org_field="enterprise__district", organizations=organizations)


def _ankang_entrants(organizations, start, end):
    return subtree_totals(AnkangEntry.objects.filter(year__gte=start.year, year__lte=end.year),
                          org_field="enterprise__district", organizations=organizations)


INDICATORS = [
    Indicator(key="protection.plans_approved", label="复工方案审核通过数", unit="份", compute=_plans_approved,
              link=_link("protection:plan_list", status="approved")),
    Indicator(key="protection.inspections_done", label="企业自查次数", unit="次", compute=_inspections_done,
              link=_link("protection:inspection_list")),
    Indicator(key="protection.hazards_found", label="发现风险隐患数", unit="项", compute=_hazards_found,
              link=_link("protection:hazard_list")),
    Indicator(key="protection.hazards_closed", label="隐患整改销号数", unit="项", compute=_hazards_closed,
              link=_link("protection:hazard_list", status="verified")),
    Indicator(key="protection.closure_rate", label="隐患整改销号率", unit="%", compute=_closure_rate,
              link=_link("protection:hazard_list"),
              description="期间内发现的隐患中已销号的比例"),
    Indicator(key="protection.overdue_hazards", label="逾期未整改隐患数", unit="项", compute=_overdue,
              link=_link("protection:hazard_list", status="overdue"), description="截至期末（或今天）"),
    Indicator(key="protection.visits", label="监督检查次数", unit="次", compute=_visits,
              link=_link("protection:visit_list")),
    Indicator(key="protection.ankang_entrants", label="安康杯参赛企业数", unit="家", compute=_ankang_entrants,
              link=lambda organization, start, end: f"{reverse('protection:ankang_list')}?year={end.year}"),
]


def staff_sees_enterprise(user, enterprise: Enterprise) -> bool:
    return is_staff_member(user) and enterprises_for_user(user).filter(pk=enterprise.pk).exists()


def period(params) -> tuple[date, date]:
    """core's period parser, clamped to years a record can have (``9999-12-31`` would overflow a day later)."""
    from apps.core.indicators import period_from_params

    start, end = period_from_params(params)
    low, high = date(2000, 1, 1), date(2100, 12, 31)
    return min(max(start, low), high), min(max(end, low), high)
