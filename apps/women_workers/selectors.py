"""Reads scoped to the user: she sees her own; her union and the department of its subtree see theirs."""
from __future__ import annotations

from datetime import date

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.models import Organization
from apps.core.scoping import is_staff_member, org_scope_q

from .models import Arrangement, Booking, CareFamily, CareNeed, CareVisit, Commendation, CounsellingSlot

STAFF_PERMS = ("women_workers.negotiate_arrangement", "women_workers.view_women_affairs")


def arrangements_for_staff(user) -> QuerySet[Arrangement]:
    if not (is_staff_member(user) and any(user.has_perm(p) for p in STAFF_PERMS)):
        return Arrangement.objects.none()
    return Arrangement.objects.filter(org_scope_q(user, "union")).select_related("worker", "union")


def get_arrangement_for_staff(user, pk: int) -> Arrangement:
    """Load and check; an outsider learns nothing (404). A staff view is written to the audit trail."""
    arrangement = arrangements_for_staff(user).filter(pk=pk).first()
    if arrangement is None:
        raise Http404
    audit_record(actor=user, action="women.arrangement.viewed", target=arrangement, organization=arrangement.union)
    return arrangement


def my_arrangements(user) -> QuerySet[Arrangement]:
    return Arrangement.objects.filter(worker=user).select_related("union") if user.is_authenticated \
        else Arrangement.objects.none()


def get_my_arrangement(user, pk: int) -> Arrangement:
    arrangement = my_arrangements(user).filter(pk=pk).first()
    if arrangement is None:
        raise Http404
    return arrangement


def arrangement_counts(user) -> list[dict]:
    """Counts by employer and outcome, for the county-level union (one grouped query)."""
    rows = (arrangements_for_staff(user).order_by().values("employer_name", "status")
            .annotate(total=Count("pk")).order_by("employer_name"))
    table: dict[str, dict] = {}
    for row in rows:
        entry = table.setdefault(row["employer_name"], {"employer": row["employer_name"], "total": 0})
        entry[row["status"]] = row["total"]
        entry["total"] += row["total"]
    for entry in table.values():
        entry["cells"] = [entry.get(value, 0) for value in Arrangement.Status.values]
    return sorted(table.values(), key=lambda e: (-e["total"], e["employer"]))


# ---------------------------------------------------------------- counselling
def open_slots() -> QuerySet[CounsellingSlot]:
    """Future slots nobody holds (one query with the counsellor)."""
    return (CounsellingSlot.objects.filter(is_withdrawn=False, starts_at__gt=timezone.now())
            .exclude(bookings__status__in=Booking.ACTIVE).select_related("counsellor").order_by("starts_at"))


def get_open_slot(pk: int) -> CounsellingSlot:
    slot = CounsellingSlot.objects.filter(pk=pk, is_withdrawn=False).select_related("counsellor").first()
    if slot is None:
        raise Http404
    return slot


def my_bookings(user) -> QuerySet[Booking]:
    return Booking.objects.filter(person=user).select_related("slot__counsellor")


def get_booking_for_user(user, pk: int) -> Booking:
    """The person who booked, or the counsellor; nobody else (404)."""
    booking = (Booking.objects.filter(Q(person=user) | Q(slot__counsellor=user), pk=pk)
               .select_related("slot__counsellor", "person").first()) if user.is_authenticated else None
    if booking is None:
        raise Http404
    return booking


def counsellor_slots(user) -> QuerySet[CounsellingSlot]:
    return CounsellingSlot.objects.filter(counsellor=user).order_by("starts_at")


def counsellor_bookings(user) -> QuerySet[Booking]:
    return Booking.objects.filter(slot__counsellor=user).select_related("person", "slot").order_by("starts_at")


def crisis_bookings(user) -> QuerySet[Booking]:
    """The department sees that a crisis was flagged and whom to reach, never the counsellor's note."""
    if not (is_staff_member(user) and user.has_perm("women_workers.manage_counselling")):
        return Booking.objects.none()
    return (Booking.objects.filter(crisis=True).select_related("person", "slot__counsellor")
            .order_by("-crisis_flagged_at"))


# ---------------------------------------------------------------- care pairings
def families_for_user(user) -> QuerySet[CareFamily]:
    """Staff of the subtree (manage_care), or a helper their own families."""
    if not user.is_authenticated:
        return CareFamily.objects.none()
    scope = Q(helpers=user)
    if is_staff_member(user) and user.has_perm("women_workers.manage_care"):
        scope |= org_scope_q(user, "district")
    ids = CareFamily.objects.filter(scope).values("pk")
    return CareFamily.objects.filter(pk__in=ids).select_related("district")


def get_family_for_user(user, pk: int) -> CareFamily:
    family = families_for_user(user).filter(pk=pk).first()
    if family is None:
        raise Http404
    return family


def open_needs_by_district(user) -> list[dict]:
    """Open needs and how long they have been open, per county (one grouped query)."""
    today = timezone.localdate()
    counties = {o.path: o for o in Organization.objects.filter(org_scope_q(user),
                                                             org_type=Organization.Type.COUNTY)}
    rows = (CareNeed.objects.filter(solved_at__isnull=True, family__in=families_for_user(user))
            .order_by().values("family__district__path").annotate(total=Count("pk"), oldest=Min("created_at")))
    table: dict[str, dict] = {}
    for row in rows:
        path = row["family__district__path"]
        county = next((c for p, c in counties.items() if path.startswith(p)), None)
        name = county.name if county else "其他"
        entry = table.setdefault(name, {"district": name, "open": 0, "oldest_days": 0})
        entry["open"] += row["total"]
        entry["oldest_days"] = max(entry["oldest_days"], (today - timezone.localtime(row["oldest"]).date()).days)
    return sorted(table.values(), key=lambda e: -e["open"])


def commendations_for_user(user) -> QuerySet[Commendation]:
    if not (is_staff_member(user) and any(user.has_perm(p) for p in (
            "women_workers.recommend_commendation", "women_workers.view_women_affairs"))):
        return Commendation.objects.none()
    return Commendation.objects.filter(org_scope_q(user, "organization")).select_related("organization")


# ---------------------------------------------------------------- indicators
def _between(field: str, start: date, end: date) -> Q:
    low, high = period_bounds(start, end)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def _link(name: str):
    return lambda organization, start, end: reverse(name)


INDICATORS = [
    Indicator("women_workers.arrangements_agreed", "达成特殊时期工作安排", "件",
              lambda orgs, s, e: subtree_totals(
                  Arrangement.objects.filter(_between("decided_at", s, e),
                                             status__in=[Arrangement.Status.AGREED, Arrangement.Status.PARTLY_AGREED]),
                  org_field="union", organizations=orgs),
              link=_link("women_workers:arrangement_list")),
    Indicator("women_workers.counselling_held", "开展心理咨询", "次",
              lambda orgs, s, e: _city_only(orgs, Booking.objects.filter(
                  _between("starts_at", s, e), status=Booking.Status.HELD).count()),
              description="心理咨询由全市咨询师统一提供，计入市总工会。"),
    Indicator("women_workers.crisis_alerts", "危机预警", "次",
              lambda orgs, s, e: _city_only(orgs, Booking.objects.filter(
                  _between("crisis_flagged_at", s, e), crisis=True).count()),
              link=_link("women_workers:crisis_list"), description="心理咨询由全市咨询师统一提供，计入市总工会。"),
    Indicator("women_workers.families_paired", "结对帮扶家庭", "户",
              lambda orgs, s, e: subtree_totals(
                  CareFamily.objects.filter(_between("created_at", s, e),
                                            pk__in=CareFamily.helpers.through.objects.values("carefamily_id")),
                  org_field="district", organizations=orgs),
              link=_link("women_workers:family_list")),
    Indicator("women_workers.visits_made", "帮扶走访", "次",
              lambda orgs, s, e: subtree_totals(
                  CareVisit.objects.filter(visited_on__gte=s, visited_on__lte=e),
                  org_field="family__district", organizations=orgs),
              link=_link("women_workers:family_list")),
    Indicator("women_workers.needs_solved", "解决困难需求", "项",
              lambda orgs, s, e: subtree_totals(
                  CareNeed.objects.filter(_between("solved_at", s, e)),
                  org_field="family__district", organizations=orgs),
              link=_link("women_workers:family_list")),
]


def _city_only(organizations, value: int) -> dict[int, int]:
    return {o.pk: value if o.parent_id is None else 0 for o in organizations}
