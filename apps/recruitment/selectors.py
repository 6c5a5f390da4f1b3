"""Reads of the recruitment app, already scoped to the person asking; and its indicators."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from apps.core import pagecache, personcache
from apps.core.indicators import Indicator, period_bounds, subtree_totals
from apps.core.models import Enterprise, Organization
from apps.core.params import parse_id
from apps.core.scoping import is_staff_member, org_scope_q
from apps.core.selectors import counties

from .codelists import codes_of
from .models import (
    Application,
    BrokeredMatch,
    EmployerMembership,
    Interview,
    JobFair,
    JobPost,
    JobPostKeyGroup,
    KeyGroup,
    Recommendation,
    SavedJob,
    SeekerDesiredCategory,
    SeekerProfile,
)
from .search import district_lexeme, filter_keyword

PUBLIC_STATUSES = (JobPost.Status.PUBLISHED, JobPost.Status.CLOSED, JobPost.Status.EXPIRED)
DAYS_CHOICES = (1, 3, 7, 30)


# ---------------------------------------------------------------- public search
def district_choices() -> list[tuple[int, str]]:
    """The eleven districts for filters, cached: the list page must not spend a query on them (nor,
    for a couple of seconds, a round trip to the cache: core.pagecache.local_value)."""
    return pagecache.local_value("recruitment:district_choices", lambda: cache.get_or_set(
        "recruitment:district_choices",
        lambda: [(o.pk, o.name.replace("总工会", "")) for o in counties()],
        600,
    ))


def with_key_groups(posts: QuerySet[JobPost]) -> QuerySet[JobPost]:
    """The posts with their welcomed groups in the same query: ``post.key_group_codes`` costs none."""
    return posts.annotate(key_group_list=codes_of(JobPostKeyGroup, "post"))


def with_wishes(profiles: QuerySet[SeekerProfile]) -> QuerySet[SeekerProfile]:
    """Seekers with their wanted trades and counties in the same query (``desired_*`` properties cost none)."""
    return profiles.annotate(
        desired_category_list=codes_of(SeekerDesiredCategory, "seeker"),
        desired_district_list=codes_of(SeekerProfile.desired_districts.through, "seekerprofile", "organization_id"))


def welcoming(group: str) -> Exists:
    """Posts that welcome ``group``: a probe of the (code, post) index; a post is never repeated."""
    return Exists(JobPostKeyGroup.objects.filter(code=group, post=OuterRef("pk")))


def published_posts() -> QuerySet[JobPost]:
    return JobPost.objects.filter(status=JobPost.Status.PUBLISHED, valid_until__gte=timezone.localdate())


def search_posts(params: dict) -> QuerySet[JobPost]:
    """Published posts matching the cleaned search ``params`` (see forms.JobSearchForm)."""
    posts = published_posts()
    posts = filter_keyword(posts, params.get("q") or "")
    if params.get("district") and params.get("q") and connection.vendor == "postgresql":
        posts = posts.filter(district_lexeme(int(params["district"])))  # one GIN scan with the keyword
    elif params.get("district"):
        posts = posts.filter(district_id=params["district"])
    if params.get("category"):
        posts = posts.filter(category=params["category"])
    if params.get("salary"):
        posts = posts.filter(salary_max__gte=params["salary"])
    if params.get("group"):
        posts = posts.filter(welcoming(params["group"]))
    if params.get("days"):
        posts = posts.filter(published_at__gte=timezone.now() - timedelta(days=int(params["days"])))
    ordering = ("-salary_max", "-id") if params.get("sort") == "salary" else ("-published_at", "-id")
    return posts.order_by(*ordering)  # the page reads ids; its cards come by posts_by_pk


def posts_by_pk(pks) -> QuerySet[JobPost]:
    """The posts ``pks`` names, whatever their state, with what a result card prints (views.public)."""
    return with_key_groups(JobPost.objects.filter(pk__in=list(pks)).select_related("enterprise", "district"))


def for_paging(results: QuerySet[JobPost], params: dict) -> QuerySet[JobPost]:
    """``search_posts`` rows phrased for reading one page in order.

    With a keyword and a district, the district is named by its column too, so that the
    (district, newest) index walks the page (14 ms → 1 ms for 电工 in a district at 200,000 posts).
    Not for counting: there the planner would AND that index with the keyword's, instead of testing
    the district in the same GIN scan.
    """
    if params.get("district") and params.get("q") and connection.vendor == "postgresql":
        return results.filter(district_id=params["district"])
    return results


def search_sort(params: dict) -> str:
    """The order asked for; by default 相关度 with a keyword (see search.RelevancePaginator), else newest."""
    return params.get("sort") or ("relevance" if params.get("q") else "newest")


def get_public_post(pk: int) -> JobPost:
    return get_object_or_404(
        with_key_groups(JobPost.objects.select_related("enterprise", "district", "enterprise__employer_profile")),
        pk=pk, status__in=PUBLIC_STATUSES)


# The namespace of what a job page shows of its employer's profile (the 已核实 badge): bumped by
# the services that change a profile, named by the job page's parts (views.public.job_detail).
EMPLOYERS = "employers"
OTHER_POSTS = 6  # a job page lists this many of its employer's other open posts


def public_post_stamps(pk: int) -> list[tuple] | None:
    """What a job page's content depends on, read by two light indexed queries: ``(pk, status,
    updated_at)`` of the post while it is public, then of the employer's other open posts the page
    lists (as :func:`other_posts_of_employer` picks them). None when the post is not public."""
    own = (JobPost.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
           .values_list("pk", "status", "updated_at", "enterprise_id").first())
    if own is None:
        return None
    return [own[:3], *_other_open_posts(own[3], pk).values_list("pk", "status", "updated_at")[:OTHER_POSTS]]


def _other_open_posts(enterprise_id: int, pk: int) -> QuerySet[JobPost]:
    """The employer's open posts other than ``pk``, in the order a job page lists them."""
    return published_posts().filter(enterprise_id=enterprise_id).exclude(pk=pk).order_by("-published_at", "-id")


def get_post_for_reader(user, pk: int) -> JobPost:
    """The public post; or, for its employer and the union staff of its area, any state (a preview)."""
    try:
        return get_public_post(pk)
    except Http404:
        if not user.is_authenticated:
            raise
    for candidates in (posts_for_employer(user), posts_for_staff(user)):
        post = with_key_groups(candidates.select_related("enterprise__employer_profile").filter(pk=pk)).first()
        if post is not None:
            return post
    raise Http404


def other_posts_of_employer(post: JobPost, limit: int = OTHER_POSTS) -> list[JobPost]:
    return list(_other_open_posts(post.enterprise_id, post.pk).select_related("district")[:limit])


def saved_jobs_for_user(user) -> QuerySet[SavedJob]:
    """The person's saved posts, last saved first; ``post_key_group_list`` is the post's welcomed groups."""
    return (SavedJob.objects.filter(user=user).select_related("post", "post__enterprise", "post__district")
            .annotate(post_key_group_list=codes_of(JobPostKeyGroup, "post", outer="post_id"))
            .order_by("-created_at", "-id"))


SAVED_SECONDS = 300
SAVED_KEPT_MAX = 500  # a person saving more is asked the database page by page
_SAVED_KEY = "recruitment:saved:{}"


def saved_post_ids(user, post_ids) -> set[int]:
    """Which of ``post_ids`` the person saved. Every result page and job page asks, so the person's
    saved posts are kept in the cache (read with their other per-person values, core.personcache) and
    dropped by every service that saves, unsaves or erases them (:func:`forget_saved`)."""
    if not user.is_authenticated:
        return set()
    key = _SAVED_KEY.format(user.pk)
    saved = personcache.get(user.pk, key)
    if saved is None:
        ids = list(SavedJob.objects.filter(user=user).values_list("post_id", flat=True)[:SAVED_KEPT_MAX + 1])
        saved = frozenset(ids) if len(ids) <= SAVED_KEPT_MAX else False
        personcache.set(user.pk, key, saved, SAVED_SECONDS)
    if saved is False:
        return set(SavedJob.objects.filter(user=user, post_id__in=list(post_ids)).values_list("post_id", flat=True))
    return {pk for pk in post_ids if pk in saved}


def saved_keys(person_pk: int) -> list[str]:
    """The person's saved posts (apps.core.personcache reads them with the person's other keys)."""
    return [_SAVED_KEY.format(person_pk)]


def forget_saved(user_ids) -> None:
    """Drop the kept saved posts of these people, now and again after commit."""
    personcache.forget(_SAVED_KEY.format(pk) for pk in user_ids)


def public_fairs() -> QuerySet[JobFair]:
    return JobFair.objects.filter(is_published=True).select_related("organizer")


def get_public_fair(pk: int) -> JobFair:
    return get_object_or_404(public_fairs(), pk=pk)


# ---------------------------------------------------------------- employers
def employer_enterprises(user) -> QuerySet[Enterprise]:
    """Enterprises for which ``user`` holds an active employer membership."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(
        employer_memberships__user=user, employer_memberships__status=EmployerMembership.Status.ACTIVE
    ).select_related("district", "employer_profile")


def is_employer(user) -> bool:
    return user.is_authenticated and EmployerMembership.objects.filter(
        user=user, status=EmployerMembership.Status.ACTIVE).exists()


def posts_for_employer(user) -> QuerySet[JobPost]:
    return JobPost.objects.filter(
        enterprise__employer_memberships__user=user,
        enterprise__employer_memberships__status=EmployerMembership.Status.ACTIVE,
    ).select_related("enterprise", "district")


def get_post_for_employer(user, pk: int) -> JobPost:
    return get_object_or_404(with_key_groups(posts_for_employer(user)), pk=pk)


def applications_for_employer(user) -> QuerySet[Application]:
    return Application.objects.filter(
        post__enterprise__employer_memberships__user=user,
        post__enterprise__employer_memberships__status=EmployerMembership.Status.ACTIVE,
    ).select_related("post", "post__enterprise", "seeker", "seeker__seeker_profile")


def get_application_for_employer(user, pk: int) -> Application:
    return get_object_or_404(applications_for_employer(user), pk=pk)


def candidates_for_post(post: JobPost, limit: int = 30) -> list[Recommendation]:
    return list(Recommendation.objects.filter(post=post, profile__allow_recommendation=True)
                .select_related("profile", "profile__district").order_by("-score", "-id")[:limit])


# ---------------------------------------------------------------- seekers
def applications_for_seeker(user) -> QuerySet[Application]:
    return Application.objects.filter(seeker=user).select_related("post", "post__enterprise")


def get_application_for_seeker(user, pk: int) -> Application:
    return get_object_or_404(applications_for_seeker(user), pk=pk)


def get_interview_for_user(user, pk: int) -> Interview:
    """The seeker's own interview, or one of the employer's; anyone else gets 404."""
    employer_q = Q(
        application__post__enterprise__employer_memberships__user=user,
        application__post__enterprise__employer_memberships__status=EmployerMembership.Status.ACTIVE,
    )
    return get_object_or_404(Interview.objects.filter(pk=pk).filter(Q(application__seeker=user) | employer_q)
                .select_related("application", "application__post", "application__post__enterprise",
                                "application__seeker").distinct())


def recommendations_for_seeker(user, limit: int = 20) -> list[Recommendation]:
    today = timezone.localdate()
    return list(Recommendation.objects.filter(
        profile__user=user, post__status=JobPost.Status.PUBLISHED, post__valid_until__gte=today,
    ).select_related("post", "post__enterprise", "post__district").order_by("-score", "-id")[:limit])


# ---------------------------------------------------------------- staff
def _enterprise_scope(user, prefix: str) -> Q:
    return org_scope_q(user, f"{prefix}district") | org_scope_q(user, f"{prefix}union")


def posts_for_staff(user) -> QuerySet[JobPost]:
    return JobPost.objects.filter(_enterprise_scope(user, "enterprise__")).select_related("enterprise", "district")


def get_post_for_staff(user, pk: int) -> JobPost:
    return get_object_or_404(posts_for_staff(user), pk=pk)


def posts_awaiting_review(user) -> QuerySet[JobPost]:
    """Review belongs to the enterprise's district union or the city, not to grassroots unions."""
    if not user.has_perm("recruitment.review_post"):
        return JobPost.objects.none()
    return JobPost.objects.filter(org_scope_q(user, "enterprise__district"), status=JobPost.Status.PENDING)


def employer_memberships_for_staff(user) -> QuerySet[EmployerMembership]:
    return EmployerMembership.objects.filter(_enterprise_scope(user, "enterprise__")).select_related(
        "user", "enterprise", "enterprise__district", "enterprise__employer_profile")


def get_membership_for_staff(user, pk: int) -> EmployerMembership:
    return get_object_or_404(employer_memberships_for_staff(user), pk=pk)


def enterprises_for_posting(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(_enterprise_scope(user, "")).select_related("district").order_by("name")


def seekers_for_staff(user) -> QuerySet[SeekerProfile]:
    """Seekers who allowed recommendation and live in the staff member's area."""
    if not is_staff_member(user):
        return SeekerProfile.objects.none()
    return SeekerProfile.objects.filter(org_scope_q(user, "district"), allow_recommendation=True).select_related(
        "district", "user")


def get_seeker_for_staff(user, pk: int) -> SeekerProfile:
    return get_object_or_404(seekers_for_staff(user), pk=pk)


def recommendations_for_profile_id(profile_id: int, limit: int = 30) -> list[Recommendation]:
    today = timezone.localdate()
    return list(Recommendation.objects.filter(
        profile_id=profile_id, post__status=JobPost.Status.PUBLISHED, post__valid_until__gte=today,
    ).select_related("post", "post__enterprise", "post__district").order_by("-score", "-id")[:limit])


def matches_for_staff(user) -> QuerySet[BrokeredMatch]:
    return BrokeredMatch.objects.filter(org_scope_q(user, "organization")).select_related(
        "seeker", "post", "post__enterprise", "broker", "organization")


def get_match_for_staff(user, pk: int) -> BrokeredMatch:
    return get_object_or_404(matches_for_staff(user), pk=pk)


def fairs_for_staff(user) -> QuerySet[JobFair]:
    return JobFair.objects.filter(org_scope_q(user, "organizer")).select_related("organizer")


def get_fair_for_staff(user, pk: int) -> JobFair:
    return get_object_or_404(fairs_for_staff(user), pk=pk)


# ---------------------------------------------------------------- figures
DIRECT_SOURCES = (Application.Source.RECOMMENDED,)


def _seekers(start, end):
    since, until = period_bounds(start, end)
    return SeekerProfile.objects.filter(created_at__gte=since, created_at__lt=until)


def _posts(start, end):
    since, until = period_bounds(start, end)
    return JobPost.objects.filter(published_at__gte=since, published_at__lt=until)


def _applications(start, end):
    since, until = period_bounds(start, end)
    return Application.objects.filter(created_at__gte=since, created_at__lt=until)


def _interviews(start, end):
    since, until = period_bounds(start, end)
    return Interview.objects.filter(scheduled_at__gte=since, scheduled_at__lt=until).exclude(
        status=Interview.Status.CANCELLED)


def _hires(start, end):
    since, until = period_bounds(start, end)
    return Application.objects.filter(status=Application.Status.HIRED, hired_at__gte=since, hired_at__lt=until)


def _brokered_hires(start, end):
    """Hires recorded on brokered matches (an application made through one carries source=brokered
    and is counted here, through its match, not again as an application)."""
    since, until = period_bounds(start, end)
    return BrokeredMatch.objects.filter(outcome=BrokeredMatch.Outcome.HIRED, outcome_at__gte=since,
                                        outcome_at__lt=until)


def seekers_registered(organizations, start, end):
    return subtree_totals(_seekers(start, end), org_field="district", organizations=organizations)


def posts_published(organizations, start, end):
    return subtree_totals(_posts(start, end), org_field="district", organizations=organizations)


def vacancies_published(organizations, start, end):
    return subtree_totals(_posts(start, end), org_field="district", organizations=organizations, value="headcount")


def applications_received(organizations, start, end):
    return subtree_totals(_applications(start, end), org_field="post__district", organizations=organizations)


def interviews_held(organizations, start, end):
    return subtree_totals(_interviews(start, end), org_field="application__post__district",
                          organizations=organizations)


def hires_made(organizations, start, end):
    return subtree_totals(_hires(start, end), org_field="post__district", organizations=organizations)


def direct_hires(organizations, start, end):
    through_apps = subtree_totals(_hires(start, end).filter(source__in=DIRECT_SOURCES), org_field="post__district",
                                  organizations=organizations)
    through_matches = subtree_totals(_brokered_hires(start, end), org_field="post__district",
                                     organizations=organizations)
    return {pk: through_apps[pk] + through_matches[pk] for pk in through_apps}


def direct_match_rate(organizations, start, end):
    hires = direct_hires(organizations, start, end)
    seekers = seekers_registered(organizations, start, end)
    return {pk: _rate(hires[pk], seekers[pk]) for pk in hires}


def _rate(numerator, denominator) -> Decimal:
    if not denominator:
        return Decimal("0.0")
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


def _link(org, start, end) -> str:
    return reverse("recruitment:console_dashboard") + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"


INDICATORS = [
    Indicator(key="recruitment.seekers_registered", label="求职登记人数", unit="人", compute=seekers_registered,
              link=_link),
    Indicator(key="recruitment.posts_published", label="发布招聘岗位数", unit="个", compute=posts_published,
              link=_link),
    Indicator(key="recruitment.vacancies_published", label="提供就业岗位数（招聘人数）", unit="个",
              compute=vacancies_published, link=_link),
    Indicator(key="recruitment.applications", label="求职申请数", unit="份", compute=applications_received,
              link=_link),
    Indicator(key="recruitment.interviews", label="组织面试场次", unit="场", compute=interviews_held, link=_link),
    Indicator(key="recruitment.hires", label="达成就业人数", unit="人", compute=hires_made, link=_link),
    Indicator(key="recruitment.direct_hires", label="点对点对接及推荐就业人数", unit="人", compute=direct_hires,
              link=_link),
    Indicator(key="recruitment.direct_match_rate", label="点对点直接对接率", unit="%", compute=direct_match_rate,
              link=_link, description="经工会点对点对接或系统推荐实现就业的人数 ÷ 求职登记人数",
              numerator="recruitment.direct_hires", denominator="recruitment.seekers_registered"),
]


@dataclass
class DashboardRow:
    label: str
    seekers: int = 0
    posts: int = 0
    vacancies: int = 0
    applications: int = 0
    interviews: int = 0
    hires: int = 0
    direct_hires: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def rate(self) -> Decimal:
        return _rate(self.direct_hires, self.seekers)


def dashboard_districts(user) -> list[Organization]:
    districts = list(counties())
    if user.is_superuser:
        return districts
    root = user.organization
    return [d for d in districts if d.is_within(root) or root.is_within(d)] if root else []


def dashboard_by_district(user, start: date, end: date) -> tuple[list[DashboardRow], DashboardRow]:
    """One row per district the user may see (a fixed number of queries), and the total."""
    districts = dashboard_districts(user)
    figures = {
        "seekers": seekers_registered(districts, start, end),
        "posts": posts_published(districts, start, end),
        "vacancies": vacancies_published(districts, start, end),
        "applications": applications_received(districts, start, end),
        "interviews": interviews_held(districts, start, end),
        "hires": hires_made(districts, start, end),
        "direct_hires": direct_hires(districts, start, end),
    }
    rows = [DashboardRow(label=d.name.replace("总工会", ""), **{k: int(v[d.pk]) for k, v in figures.items()})
            for d in districts]
    total = DashboardRow(label="合计", **{k: sum(getattr(r, k) for r in rows) for k in figures})
    return rows, total


def dashboard_by_key_group(user, start: date, end: date) -> list[DashboardRow]:
    """The same figures per key group, within the user's area: seekers by their group, posts by groups welcomed."""
    districts = dashboard_districts(user)
    if not districts:
        return []
    area = Q()
    for d in districts:
        area |= Q(path__startswith=d.path)
    area_ids = list(Organization.objects.filter(area).values_list("pk", flat=True))
    seekers = dict(_seekers(start, end).filter(district_id__in=area_ids).values_list("key_group")
                   .annotate(n=Count("pk")))
    apps = dict(_applications(start, end).filter(post__district_id__in=area_ids)
                .values_list("seeker__seeker_profile__key_group").annotate(n=Count("pk")))
    interviews = dict(_interviews(start, end).filter(application__post__district_id__in=area_ids)
                      .values_list("application__seeker__seeker_profile__key_group").annotate(n=Count("pk")))
    hires = dict(_hires(start, end).filter(post__district_id__in=area_ids)
                 .values_list("seeker__seeker_profile__key_group").annotate(n=Count("pk")))
    direct = dict(_hires(start, end).filter(post__district_id__in=area_ids, source__in=DIRECT_SOURCES)
                  .values_list("seeker__seeker_profile__key_group").annotate(n=Count("pk")))
    brokered = dict(_brokered_hires(start, end).filter(post__district_id__in=area_ids)
                    .values_list("seeker__key_group").annotate(n=Count("pk")))
    # Posts and vacancies by the groups they welcome: one grouped query over the relation.
    welcomed = {row["code"]: row for row in JobPostKeyGroup.objects.filter(
        post__in=_posts(start, end).filter(district_id__in=area_ids)).order_by().values("code")
        .annotate(posts=Count("post"), vacancies=Sum("post__headcount"))}
    rows = []
    for code, label in KeyGroup.choices:
        posts = welcomed.get(code, {})
        rows.append(DashboardRow(
            label=label, seekers=seekers.get(code, 0), posts=posts.get("posts", 0),
            vacancies=posts.get("vacancies") or 0, applications=apps.get(code, 0), interviews=interviews.get(code, 0),
            hires=hires.get(code, 0), direct_hires=direct.get(code, 0) + brokered.get(code, 0),
        ))
    return rows


def describe_search(params: dict) -> str:
    """The saved conditions as a person reads them: 关键词“焊工” · 修武县 · 月薪不低于 5000 元."""
    from .models import Category, KeyGroup

    districts = dict(district_choices())
    parts = []
    if params.get("q"):
        parts.append(f"关键词“{params['q']}”")
    if params.get("district"):
        parts.append(districts.get(parse_id(params["district"]), ""))
    if params.get("category") in Category.values:
        parts.append(Category(params["category"]).label)
    if params.get("salary"):
        parts.append(f"月薪不低于 {params['salary']} 元")
    if params.get("group") in KeyGroup.values:
        parts.append(f"欢迎{KeyGroup(params['group']).label}")
    if params.get("days"):
        parts.append(f"{params['days']} 天内发布")
    if params.get("sort") == "salary":
        parts.append("薪资最高优先")
    return " · ".join(p for p in parts if p) or "全部岗位"

