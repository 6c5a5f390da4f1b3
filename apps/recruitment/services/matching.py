"""Services: matching."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, FilteredRelation, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.scoping import can_act_for, is_staff_member
from apps.notifications.services import notify

from ..models import (
    Application,
    BrokeredMatch,
    JobPost,
    KeyGroup,
    Recommendation,
    SeekerDesiredCategory,
    SeekerProfile,
)
from .common import _employer_user_ids


# ---------------------------------------------------------------- matching
@transaction.atomic
def match_create(*, actor, seeker: SeekerProfile, post: JobPost, note: str = "") -> BrokeredMatch:
    """点对点对接: staff put a seeker in touch with an employer for a post; both are told."""
    if not actor.has_perm("recruitment.broker_match") or not is_staff_member(actor):
        raise PermissionDenied
    if not seeker.allow_recommendation:
        raise ValidationError("该求职者未同意工会推荐。")
    if post.status != JobPost.Status.PUBLISHED:
        raise ValidationError("只能对接已发布的岗位。")
    if BrokeredMatch.objects.filter(seeker=seeker, post=post).exists():
        raise ValidationError("已为该求职者对接过这个岗位。")
    organization = actor.organization or Organization.objects.filter(parent=None).first()
    match = BrokeredMatch(seeker=seeker, post=post, broker=actor, organization=organization, note=note)
    match.full_clean()
    match.save()
    Application.objects.filter(post=post, seeker_id=seeker.user_id, source=Application.Source.DIRECT).update(
        source=Application.Source.BROKERED)
    audit_record(actor=actor, action="recruitment.match.created", target=match)
    notify(recipients=[seeker.user_id], title=f"工会为您推荐岗位：{post.title}",
           body=f"{post.enterprise.name}，{post.salary_text}。{note}",
           link=reverse("recruitment:job_detail", args=[post.pk]), channels=("site", "sms"))
    notify(recipients=_employer_user_ids(post.enterprise_id), title=f"工会推荐求职者：{seeker.real_name}",
           body=f"岗位：{post.title}。{note}", link=reverse("recruitment:employer_candidates", args=[post.pk]))
    return match


@transaction.atomic
def match_set_outcome(*, actor, match: BrokeredMatch, outcome: str) -> BrokeredMatch:
    match = BrokeredMatch.objects.select_for_update().get(pk=match.pk)
    if not can_act_for(actor, match.organization):
        raise PermissionDenied
    if outcome not in BrokeredMatch.Outcome.values:
        raise ValidationError("结果选择有误。")
    before = match.outcome
    match.outcome = outcome
    match.outcome_at = timezone.now()
    match.save(update_fields=["outcome", "outcome_at", "updated_at"])
    audit_record(actor=actor, action="recruitment.match.outcome", target=match, before={"outcome": before},
                 after={"outcome": outcome})
    return match


def score_pair(profile: SeekerProfile, post: JobPost) -> tuple[int, list[str]]:
    """How well a post fits a seeker, with the reasons a person can read."""
    score, reasons = 0, []
    if post.category in profile.desired_category_codes:
        score += 40
        reasons.append(f"职业对口：{post.get_category_display()}")
    if post.district_id in profile.desired_district_ids or post.district_id == profile.district_id:
        score += 25
        reasons.append(f"地区合适：{post.district.name.replace('总工会', '')}")
    if profile.desired_salary and post.salary_max >= profile.desired_salary:
        score += 20
        reasons.append(f"薪资达到期望：{post.salary_text}")
    elif not profile.desired_salary:
        score += 10
    if profile.key_group in post.key_group_codes:
        score += 15
        reasons.append(f"欢迎{KeyGroup(profile.key_group).label}")
    return score, reasons


MIN_SCORE = 40
KEEP = 30


def _seeker_score(post: JobPost):
    """score_pair's points for every seeker at once, in SQL, so the best are found over the whole pool."""
    wants_district = SeekerProfile.desired_districts.through.objects.filter(
        seekerprofile_id=OuterRef("pk"), organization_id=post.district_id)
    district = Q(district_id=post.district_id) | Q(Exists(wants_district))
    return (Value(40)
            + Case(When(district, then=Value(25)), default=Value(0))
            + Case(When(desired_salary=0, then=Value(10)), When(desired_salary__lte=post.salary_max, then=Value(20)),
                   default=Value(0))
            + Case(When(key_group__in=post.key_group_codes or [""], then=Value(15)), default=Value(0)))


def _welcome_for(profile: SeekerProfile) -> FilteredRelation:
    """The post's welcomed-group row for the seeker's group, if any (a LEFT JOIN, one row at most).

    A join rather than EXISTS in the score: PostgreSQL prices a subplan in the score's CASE as if run
    for every candidate, which at 200,000 posts pushed the estimate past ``jit_above_cost`` and spent
    more time compiling than running (bench/recruitment.md).
    """
    return FilteredRelation("key_groups", condition=Q(key_groups__code=profile.key_group))


def _post_score(profile: SeekerProfile, districts: list[int]):
    """score_pair's points for every post at once, in SQL (on a queryset annotated ``welcome=_welcome_for``)."""
    salary = (Case(When(salary_max__gte=profile.desired_salary, then=Value(20)), default=Value(0))
              if profile.desired_salary else Value(10))
    return (Case(When(category__in=profile.desired_category_codes or [""], then=Value(40)), default=Value(0))
            + Case(When(district_id__in=districts, then=Value(25)), default=Value(0))
            + salary + Case(When(welcome__isnull=False, then=Value(15)), default=Value(0)))


def recommendations_for_profile(*, profile_id: int) -> int:
    """Recompute a seeker's ranked posts (run in the background). Idempotent.

    The score is computed by the database over every published post of the seeker's trades or
    places, and the best ``KEEP`` (newest first among equals) are kept, not the best of a sample.
    """
    from ..selectors import published_posts, with_key_groups, with_wishes

    profile = with_wishes(SeekerProfile.objects.filter(pk=profile_id)).first()
    if profile is None:
        return 0
    categories = profile.desired_category_codes
    districts = sorted({*profile.desired_district_ids, profile.district_id})
    # The districts (named in the reasons) are fetched after the ranking: joined into it, they kept
    # PostgreSQL from a top-N sort, and it sorted every candidate row on disk (bench/recruitment.md).
    candidates = list(with_key_groups(
        published_posts().filter(Q(category__in=categories) | Q(district_id__in=districts))
        .annotate(welcome=_welcome_for(profile))
        .annotate(match_score=_post_score(profile, districts)).filter(match_score__gte=MIN_SCORE)
        .order_by("-match_score", "-published_at", "-id")).prefetch_related("district")[:KEEP])
    keep = [(score_pair(profile, post), post) for post in candidates]
    with transaction.atomic():
        Recommendation.objects.filter(profile=profile).exclude(post_id__in=[p.pk for _, p in keep]).delete()
        _upsert([(profile.pk, post.pk, score, reasons) for (score, reasons), post in keep])
    return len(keep)


def recommendations_for_post(*, post_id: int) -> int:
    """Recompute the seekers ranked for a published post (those who allowed recommendation). Idempotent.

    Only seekers wanting the post's trade can reach ``MIN_SCORE``; among all of them (found from the
    (code, seeker) index of their wanted trades) the database ranks by score and the best ``KEEP`` are kept.
    """
    from ..selectors import with_key_groups, with_wishes

    post = with_key_groups(JobPost.objects.select_related("district").filter(
        pk=post_id, status=JobPost.Status.PUBLISHED, valid_until__gte=timezone.localdate())).first()
    if post is None:
        Recommendation.objects.filter(post_id=post_id).delete()
        return 0
    wants_trade = SeekerDesiredCategory.objects.filter(seeker=OuterRef("pk"), code=post.category)
    candidates = list(with_wishes(
        SeekerProfile.objects.filter(allow_recommendation=True).filter(Exists(wants_trade))
        .annotate(match_score=_seeker_score(post)).order_by("-match_score", "-updated_at", "-id"))[:KEEP])
    keep = [(score_pair(profile, post), profile) for profile in candidates]
    keep = [(s, profile) for s, profile in keep if s[0] >= MIN_SCORE]
    with transaction.atomic():
        Recommendation.objects.filter(post=post).exclude(profile_id__in=[p.pk for _, p in keep]).delete()
        _upsert([(profile.pk, post.pk, score, reasons) for (score, reasons), profile in keep])
    return len(keep)


def recommendations_drop_for_post(post: JobPost) -> int:
    """A post that stops qualifying (closed, expired, back to review, another trade) loses its matches now."""
    deleted, _ = Recommendation.objects.filter(post_id=post.pk).delete()
    return deleted


def _upsert(rows: list[tuple[int, int, int, list[str]]]) -> None:
    if not rows:
        return
    Recommendation.objects.bulk_create(
        [Recommendation(profile_id=p, post_id=j, score=s, reasons=r) for p, j, s, r in rows],
        update_conflicts=True, unique_fields=["profile", "post"], update_fields=["score", "reasons", "computed_at"],
    )
