"""Scoped reads of the volunteers app, and its indicators."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.models import Organization
from apps.core.scoping import org_scope_q

from .models import Activity, Signup, Volunteer, Wish

PUBLIC_WISH_STATES = [Wish.Status.PUBLISHED, Wish.Status.CLAIMED, Wish.Status.FULFILLED, Wish.Status.CONFIRMED]


# --- public -----------------------------------------------------------------------------------

def public_activities(*, kind: str = "", upcoming: bool = True) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("organiser")
    if kind in Activity.Kind.values:
        activities = activities.filter(kind=kind)
    if upcoming:
        activities = activities.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")
    return activities


def get_public_activity(pk: int) -> Activity:
    activity = Activity.objects.select_related("organiser").filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def public_wishes(*, status: str = "") -> QuerySet[Wish]:
    """Wishes the public may see: never the wisher (only() leaves the person out of the query)."""
    wishes = Wish.objects.filter(status__in=PUBLIC_WISH_STATES).select_related("union").only(
        "pk", "what", "why", "value", "status", "published_at", "union__name", "union__path")
    if status in [s.value for s in PUBLIC_WISH_STATES]:
        wishes = wishes.filter(status=status)
    return wishes.order_by("-published_at", "-pk")


def get_public_wish(pk: int) -> Wish:
    wish = public_wishes().filter(pk=pk).first()
    if wish is None:
        raise Http404
    return wish


def leaderboard(*, limit: int = 20) -> list[dict]:
    """Volunteer hours by district: one grouped query."""
    rows = (Signup.objects.filter(hours__gt=0).values("volunteer__district__name")
            .annotate(total=Sum("hours"), people=Count("volunteer", distinct=True)).order_by("-total")[:limit])
    return [{"district": r["volunteer__district__name"], "hours": r["total"], "people": r["people"]} for r in rows]


def top_volunteers(*, limit: int = 10) -> list[dict]:
    """Anonymous top volunteers: their number and district only."""
    rows = (Signup.objects.filter(hours__gt=0).values("volunteer__number", "volunteer__district__name")
            .annotate(total=Sum("hours")).order_by("-total", "volunteer__number")[:limit])
    return [{"number": r["volunteer__number"], "district": r["volunteer__district__name"], "hours": r["total"]}
            for r in rows]


# --- the person's own -------------------------------------------------------------------------

def volunteer_of(user) -> Volunteer | None:
    if not user.is_authenticated:
        return None
    return Volunteer.objects.select_related("district", "union").filter(user=user).first()


def my_signups(user) -> QuerySet[Signup]:
    return (Signup.objects.filter(volunteer__user=user).select_related("activity", "activity__organiser")
            .order_by("-activity__starts_at"))


def hours_of(volunteer: Volunteer) -> Decimal:
    return volunteer.signups.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def get_signup_for_user(user, pk: int) -> Signup:
    signup = Signup.objects.select_related("activity", "volunteer").filter(pk=pk, volunteer__user=user).first()
    if signup is None:
        raise Http404
    return signup


def my_wishes(user) -> QuerySet[Wish]:
    return Wish.objects.filter(wisher=user).order_by("-created_at")


def my_claims(user) -> QuerySet[Wish]:
    return Wish.objects.filter(donor=user).select_related("union").order_by("-claimed_at")


def get_claimed_wish_for_user(user, pk: int) -> Wish:
    wish = Wish.objects.filter(pk=pk, donor=user).first()
    if wish is None:
        raise Http404
    return wish


# --- staff ------------------------------------------------------------------------------------

def volunteers_for_user(user) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(org_scope_q(user, "union")).select_related("user", "district", "union")


def get_volunteer_for_user(user, pk: int) -> Volunteer:
    volunteer = volunteers_for_user(user).filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


def activities_for_user(user) -> QuerySet[Activity]:
    return Activity.objects.filter(org_scope_q(user, "organiser")).select_related("organiser")


def get_activity_for_user(user, pk: int) -> Activity:
    activity = activities_for_user(user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def roster(activity: Activity) -> QuerySet[Signup]:
    return (activity.signups.exclude(status=Signup.Status.CANCELLED)
            .select_related("volunteer", "volunteer__user").order_by("status", "created_at", "pk"))


def get_roster_signup_for_user(user, pk: int) -> Signup:
    signup = (Signup.objects.filter(org_scope_q(user, "activity__organiser"), pk=pk)
              .select_related("activity", "volunteer").first())
    if signup is None:
        raise Http404
    return signup


def wishes_for_user(user) -> QuerySet[Wish]:
    return Wish.objects.filter(org_scope_q(user, "union")).select_related("union", "wisher", "donor")


def get_wish_for_user(user, pk: int) -> Wish:
    wish = wishes_for_user(user).filter(pk=pk).first()
    if wish is None:
        raise Http404
    return wish


# --- indicators -------------------------------------------------------------------------------

def _volunteers(organizations: Sequence[Organization], start: date, end: date):
    low, high = period_bounds(start, end)
    return subtree_totals(Volunteer.objects.filter(status=Volunteer.Status.APPROVED, approved_at__gte=low,
                                                   approved_at__lt=high),
                          org_field="union", organizations=organizations)


def _activities(organizations, start, end):
    low, high = period_bounds(start, end)
    return subtree_totals(Activity.objects.filter(starts_at__gte=low, starts_at__lt=high, ends_at__lte=timezone.now()),
                          org_field="organiser", organizations=organizations)


def _hours(organizations, start, end):
    low, high = period_bounds(start, end)
    return subtree_totals(Signup.objects.filter(activity__starts_at__gte=low, activity__starts_at__lt=high),
                          org_field="activity__organiser", organizations=organizations, value="hours")


def _wishes_published(organizations, start, end):
    low, high = period_bounds(start, end)
    return subtree_totals(Wish.objects.filter(published_at__gte=low, published_at__lt=high),
                          org_field="union", organizations=organizations)


def _wishes_fulfilled(organizations, start, end):
    low, high = period_bounds(start, end)
    return subtree_totals(Wish.objects.filter(status=Wish.Status.CONFIRMED, confirmed_at__gte=low,
                                              confirmed_at__lt=high),
                          org_field="union", organizations=organizations)


def _link(name: str, query: str = ""):
    def link(organization, start, end) -> str:
        return reverse(name) + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}{query}"
    return link


INDICATORS = [
    Indicator("volunteers.volunteers", "注册志愿者数", "人", _volunteers, _link("volunteers:console_volunteers"),
              "期内经工会审核通过的志愿者"),
    Indicator("volunteers.activities", "开展志愿服务活动数", "场", _activities,
              _link("volunteers:console_activities"), "期内已举办的志愿服务活动"),
    Indicator("volunteers.hours", "志愿服务时长", "小时", _hours, _link("volunteers:console_activities"),
              "期内活动登记的服务时长合计"),
    Indicator("volunteers.wishes_published", "发布微心愿数", "个", _wishes_published,
              _link("volunteers:console_wishes"), "期内发布的微心愿"),
    Indicator("volunteers.wishes_fulfilled", "实现微心愿数", "个", _wishes_fulfilled,
              _link("volunteers:console_wishes", "&status=confirmed"), "期内经工会确认实现的微心愿"),
]


def status_counts(queryset, field: str = "status") -> dict[str, int]:
    return dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))


