"""Scoped reads of the organizing app, and ``union_of`` — the link between a worker and a union."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.core.models import Organization
from apps.core.scoping import org_scope_q

from .models import Membership, MembershipApplication

# --- the link between a worker and their union ------------------------------------------------

def _member_q(user) -> Q:
    query = Q(user_id=user.pk)
    digest = getattr(user, "id_number_digest", None)
    if digest:
        # Members imported from a union's list are found by the ID number on the worker's account.
        query |= Q(user__isnull=True, id_digest=digest)
    return query


def membership_of(user) -> Membership | None:
    """The user's membership (active or not), or None; one query."""
    if user is None or not user.is_authenticated:
        return None
    return (Membership.objects.filter(_member_q(user)).select_related("union", "enterprise")
            .order_by("user_id").first())


def union_of(user) -> Organization | None:
    """The union the user is an active member of, or None (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = (Membership.objects.filter(_member_q(user), status=Membership.Status.ACTIVE)
                  .select_related("union").first())
    return membership.union if membership else None


def unions_of(users) -> dict[int, Organization]:
    """``{user_id: union}`` for the active members among ``users`` (two queries at most)."""
    users = list(users)
    if not users:
        return {}
    ids = [getattr(u, "pk", u) for u in users]
    found = {m.user_id: m.union for m in Membership.objects.filter(user_id__in=ids, status=Membership.Status.ACTIVE)
             .select_related("union")}
    digests = {u.id_number_digest: u.pk for u in users
               if hasattr(u, "id_number_digest") and u.id_number_digest and u.pk not in found}
    if digests:
        for membership in Membership.objects.filter(user__isnull=True, id_digest__in=list(digests),
                                                    status=Membership.Status.ACTIVE).select_related("union"):
            found[digests[membership.id_digest]] = membership.union
    return found


# --- applications and members -----------------------------------------------------------------

def applications_for_staff(user) -> QuerySet[MembershipApplication]:
    return (MembershipApplication.objects.filter(org_scope_q(user, "union"))
            .select_related("union", "enterprise"))


def get_application_for_staff(user, pk: int) -> MembershipApplication:
    return get_object_or_404(applications_for_staff(user), pk=pk)


def applications_of(user) -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.filter(user=user).select_related("union", "enterprise")


def get_application_for_worker(user, pk: int) -> MembershipApplication:
    return get_object_or_404(applications_of(user), pk=pk)


def members_for_staff(user) -> QuerySet[Membership]:
    return Membership.objects.filter(org_scope_q(user, "union")).select_related("union", "enterprise")


def get_member_for_staff(user, pk: int) -> Membership:
    return get_object_or_404(members_for_staff(user), pk=pk)


def get_card_for_user(user, pk: int) -> Membership:
    """A member card: only its own member may open it."""
    membership = membership_of(user)
    if membership is None or membership.pk != pk:
        raise Http404
    return membership


def get_card_by_token(token: str) -> Membership:
    """The public verification page: unknown tokens answer 404 and reveal nothing."""
    if not token or len(token) > 32 or "\x00" in token:
        raise Http404
    return get_object_or_404(Membership.objects.select_related("union"), verify_token=token)


# --- census, enterprises without a union, founding plans ---------------------------------------

READY_TO_FOUND = 3  # workers of one enterprise without a union who joined online: 以入会促建会


def census_imports_for_staff(user) -> QuerySet:
    from .models import CensusImport

    return CensusImport.objects.filter(org_scope_q(user, "organization")).select_related("uploaded_by")


def get_census_import_for_staff(user, pk: int):

    return get_object_or_404(census_imports_for_staff(user), pk=pk)


def enterprises_without_union(user, *, district=None, industry: str = "", size: str = "",
                              ready_only: bool = False) -> QuerySet:
    """Enterprises of the user's districts without a union, 25 employees or more first, with the
    number of their workers who have joined (a catch-all union) and their founding plan."""
    from django.db.models import Case, Count, IntegerField, Value, When

    from apps.core.models import Enterprise

    found = (Enterprise.objects.filter(org_scope_q(user, "district"), has_union=False)
             .select_related("district", "founding_plan")
             .annotate(joined=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE,
                                                            memberships__joined_online=True)),
                       big=Case(When(employee_count__gte=25, then=Value(0)), default=Value(1),
                                output_field=IntegerField())))
    if district is not None:
        found = found.filter(district=district)
    if industry:
        found = found.filter(industry__contains=industry)
    if size:
        found = found.filter(size=size)
    if ready_only:
        found = found.filter(joined__gte=READY_TO_FOUND)
    return found.order_by("big", "-employee_count", "pk")


def get_unorganized_enterprise_for_staff(user, pk: int):
    from apps.core.models import Enterprise

    return get_object_or_404(Enterprise.objects.filter(org_scope_q(user, "district"))
                .select_related("district", "union"), pk=pk)


def plans_for_staff(user) -> QuerySet:
    from .models import FoundingPlan

    return FoundingPlan.objects.filter(org_scope_q(user, "county")).select_related("enterprise", "county", "union")


# --- coverage --------------------------------------------------------------------------------

def coverage_rows(user) -> list[dict]:
    """Per county-level union in the user's scope: enterprises with a union ÷ all, employees covered
    ÷ all (two queries whatever the number of enterprises)."""
    from django.db.models import Count, Sum

    from apps.core.models import Enterprise

    counties = list(Organization.objects.filter(org_scope_q(user), org_type=Organization.Type.COUNTY)
                    .order_by("code"))
    totals = {row["district"]: row for row in Enterprise.objects.filter(district__in=counties).order_by()
              .values("district").annotate(
                  enterprises=Count("pk"), with_union=Count("pk", filter=Q(has_union=True)),
                  employees=Sum("employee_count"), covered=Sum("employee_count", filter=Q(has_union=True)))}
    rows = []
    for county in counties:
        row = totals.get(county.pk, {})
        enterprises, with_union = row.get("enterprises", 0), row.get("with_union", 0)
        employees, covered = row.get("employees") or 0, row.get("covered") or 0
        rows.append({"county": county, "enterprises": enterprises, "with_union": with_union,
                     "employees": employees, "covered": covered,
                     "union_rate": round(100 * with_union / enterprises, 1) if enterprises else None,
                     "employee_rate": round(100 * covered / employees, 1) if employees else None})
    return rows


# --- postponed elections, social workers ---------------------------------------------------------

def election_rows(user, epidemic) -> QuerySet:
    """Unions in the user's scope whose term ends during the epidemic (or that postponed)."""
    from .models import UnionProfile

    found = UnionProfile.objects.filter(org_scope_q(user, "organization")).select_related("organization", "county")
    if epidemic is None:
        return found.filter(election_postponed_on__isnull=False).order_by("election_postponed_on", "pk")
    during = Q(term_end__gte=epidemic.started_on)
    if epidemic.ended_on:
        during &= Q(term_end__lte=epidemic.ended_on)
    return found.filter(during | Q(election_postponed_on__isnull=False)).order_by("term_end", "pk")


def get_union_for_staff(user, pk: int) -> Organization:
    return get_object_or_404(Organization.objects.filter(org_scope_q(user), org_type=Organization.Type.GRASSROOTS),
                             pk=pk)


def social_workers_for_staff(user) -> QuerySet:
    from .models import SocialWorker

    return SocialWorker.objects.filter(org_scope_q(user, "union")).select_related("union")


def get_social_worker_for_staff(user, pk: int):

    return get_object_or_404(social_workers_for_staff(user), pk=pk)


def social_workers_by_district(user) -> list[tuple[Organization, int]]:
    """Approved social union workers per county-level union in scope (one grouped query)."""
    from apps.core.indicators import subtree_totals

    from .models import SocialWorker

    counties = list(Organization.objects.filter(org_scope_q(user), org_type=Organization.Type.COUNTY)
                    .order_by("code"))
    totals = subtree_totals(SocialWorker.objects.filter(status=SocialWorker.Status.APPROVED), org_field="union",
                            organizations=counties)
    return [(county, totals.get(county.pk, 0)) for county in counties]


# --- indicators --------------------------------------------------------------------------------

def _joined_online(organizations, start, end):
    from apps.core.indicators import period_bounds, subtree_totals

    since, until = period_bounds(start, end)
    return subtree_totals(Membership.objects.filter(joined_online=True, joined_at__gte=since, joined_at__lt=until),
                          org_field="union", organizations=organizations)


def _unions_founded(organizations, start, end):
    from apps.core.indicators import subtree_totals

    from .models import FoundingPlan

    return subtree_totals(FoundingPlan.objects.filter(status=FoundingPlan.Status.FOUNDED, founded_on__gte=start,
                                                      founded_on__lte=end),
                          org_field="county", organizations=organizations)


def _without_union(organizations, start, end):
    from apps.core.indicators import subtree_totals
    from apps.core.models import Enterprise

    return subtree_totals(Enterprise.objects.filter(has_union=False), org_field="district", organizations=organizations)


def _coverage_rate(organizations, start, end):
    from decimal import Decimal

    from apps.core.indicators import subtree_totals
    from apps.core.models import Enterprise

    everyone = subtree_totals(Enterprise.objects.all(), org_field="district", organizations=organizations)
    organised = subtree_totals(Enterprise.objects.filter(has_union=True), org_field="district",
                               organizations=organizations)
    return {pk: (Decimal(100 * organised[pk]) / total).quantize(Decimal("0.1")) if total else Decimal(0)
            for pk, total in everyone.items()}


def _elections_held(organizations, start, end):
    from apps.core.indicators import subtree_totals

    from .models import UnionProfile

    return subtree_totals(UnionProfile.objects.filter(election_postponed_on__isnull=False,
                                                      election_held_on__gte=start, election_held_on__lte=end),
                          org_field="organization", organizations=organizations)


def _link(name):
    def link(organization, start, end):
        from django.urls import reverse

        return reverse(name)
    return link


def _indicators():
    from apps.core.indicators import Indicator

    return [
        Indicator(key="organizing.members_joined_online", label="网上入会人数", unit="人", compute=_joined_online,
                  link=_link("organizing:member_list")),
        Indicator(key="organizing.unions_founded", label="新建工会数", unit="个", compute=_unions_founded,
                  link=_link("organizing:plan_list")),
        Indicator(key="organizing.enterprises_without_union", label="未建会企业数（期末）", unit="家",
                  compute=_without_union, link=_link("organizing:unorganized_list")),
        Indicator(key="organizing.coverage_rate", label="企业建会率（期末）", unit="%", compute=_coverage_rate,
                  link=_link("organizing:coverage")),
        Indicator(key="organizing.elections_held_after_postponement", label="延期后完成换届的工会数", unit="个",
                  compute=_elections_held, link=_link("organizing:election_list")),
    ]


INDICATORS = _indicators()
