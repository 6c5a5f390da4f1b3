"""Services: seekers."""
from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.outbox import enqueue
from apps.core.scoping import is_staff_member
from apps.notifications.services import notify

from ..models import (
    Category,
    JobPost,
    Recommendation,
    SavedJob,
    SavedSearch,
    SeekerProfile,
)
from ..selectors import forget_saved
from .common import _delete_file_after_commit, _key, _replace_codes

WISH_FIELDS = ("desired_categories", "desired_districts")


# ---------------------------------------------------------------- seekers
@transaction.atomic
def seeker_profile_save(*, user, data: dict) -> SeekerProfile:
    """Create or update the person's 求职登记; recommendations are then recomputed in the background."""
    if is_staff_member(user):
        raise ValidationError("工会工作人员账号不能登记求职。")
    categories, districts = _clean_wishes(data)
    profile = SeekerProfile.objects.select_for_update().filter(user=user).first() or SeekerProfile(user=user)
    old_resume = profile.resume_pdf.name or ""
    wanted_before = _wishes(profile) if profile.pk else None
    for key, value in data.items():
        if key in WISH_FIELDS:
            continue
        if key == "resume_pdf" and value is None:
            continue
        if key == "resume_pdf" and value is False:
            value = ""
        setattr(profile, key, value)
    profile.full_clean()
    created = profile.pk is None
    profile.save()
    if categories is not None:
        _replace_codes(profile.desired_categories, categories)
    if districts is not None:
        profile.desired_districts.set(districts)
    if not created and _wishes(profile) != wanted_before:
        # Posts matched to the old wishes go at once; the new ones are computed after commit.
        Recommendation.objects.filter(profile=profile).delete()
    if old_resume and profile.resume_pdf.name != old_resume:
        _delete_file_after_commit(SeekerProfile, "resume_pdf", old_resume)
    audit_record(actor=user, action="recruitment.seeker.registered" if created else "recruitment.seeker.updated",
                 target=profile, organization=profile.district)
    profile_id = profile.pk
    enqueue(_recompute_profile_task(), profile_id)
    return profile


@transaction.atomic
def seeker_admin_changed(*, actor, profile: SeekerProfile) -> None:
    """After a 求职登记 was edited in the Django admin (wishes, consent): its recommendations go at once and
    are computed again after commit; the edit is audited."""
    Recommendation.objects.filter(profile_id=profile.pk).delete()
    audit_record(actor=actor, action="recruitment.seeker.admin_changed", target=profile,
                 organization=profile.district)
    enqueue(_recompute_profile_task(), profile.pk)


@transaction.atomic
def seeker_resume_clear(*, user) -> bool:
    """The seeker takes their résumé PDF down. False when there was none (nothing written then)."""
    profile = SeekerProfile.objects.select_for_update().filter(user=user).first()
    if profile is None or not profile.resume_pdf.name:
        return False
    name = profile.resume_pdf.name
    profile.resume_pdf = ""
    profile.save(update_fields=["resume_pdf", "updated_at"])
    audit_record(actor=user, action="recruitment.seeker.resume_removed", target=profile,
                 organization=profile.district)
    _delete_file_after_commit(SeekerProfile, "resume_pdf", name)
    return True


def _clean_wishes(data: dict) -> tuple[set[str] | None, list[int] | None]:
    """The wanted trades and counties of ``data`` (None: not given, keep them), checked like the form does."""
    errors = {}
    categories = districts = None
    if "desired_categories" in data:
        value = data["desired_categories"] or []
        if isinstance(value, str) or any(code not in Category.values for code in value):
            errors["desired_categories"] = "期望职业选择有误。"
        else:
            categories = set(value)
    if "desired_districts" in data:
        value = data["desired_districts"] or []
        ids = None if isinstance(value, str) else {getattr(item, "pk", item) for item in value}
        if ids is None or any(not isinstance(pk, int) for pk in ids) or len(ids) != Organization.objects.filter(
                pk__in=ids, org_type=Organization.Type.COUNTY).count():
            errors["desired_districts"] = "期望工作地区选择有误。"
        else:
            districts = sorted(ids)
    if errors:
        raise ValidationError(errors)
    return categories, districts


def _wishes(profile: SeekerProfile) -> tuple:
    """What the seeker's recommendations depend on (services.score_pair), and consent to be recommended."""
    return (tuple(profile.desired_category_codes), tuple(profile.desired_district_ids), profile.desired_salary,
            profile.key_group, profile.district_id, profile.allow_recommendation)


def _recompute_profile_task():
    from ..tasks import recompute_profile_recommendations

    return recompute_profile_recommendations


def _enqueue_post_matching(post_id: int) -> None:
    from ..tasks import recompute_post_recommendations

    enqueue(recompute_post_recommendations, post_id)


def saved_job_toggle(*, user, post: JobPost) -> bool:
    """Save or unsave a post; returns True when it is now saved."""
    forget_saved([user.pk])
    deleted, _ = SavedJob.objects.filter(user=user, post=post).delete()
    if deleted:
        return False
    SavedJob.objects.get_or_create(user=user, post=post)
    return True


def saved_search_create(*, user, name: str, params: dict, alert: bool) -> SavedSearch:
    if SavedSearch.objects.filter(user=user).count() >= 20:
        raise ValidationError("最多保存 20 个搜索条件，请先删除不用的。")
    clean = {k: v for k, v in params.items() if v not in (None, "", [])}
    search = SavedSearch(user=user, name=(name or "我的搜索")[:60], params=clean, alert=alert,
                         last_alerted_at=timezone.now())
    search.full_clean(exclude=["params"])  # no condition at all is allowed: every new post
    search.save()
    return search


@transaction.atomic
def saved_search_update(*, user, search: SavedSearch, name: str | None = None,
                        alert: bool | None = None) -> SavedSearch:
    """Rename a saved search and/or switch its daily alert; only its owner may.

    Switching the alert on starts from now: the next alert tells of posts published after this moment,
    not of everything since the search was saved.
    """
    search = SavedSearch.objects.select_for_update().filter(pk=search.pk, user=user).first()
    if search is None:
        raise PermissionDenied("这不是您保存的搜索。")
    fields = []
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise ValidationError({"name": "请填写名称。"})
        if name != search.name:
            search.name = name[:60]
            fields.append("name")
    if alert is not None and alert != search.alert:
        search.alert = alert
        fields.append("alert")
        if alert:
            search.last_alerted_at = timezone.now()
            fields.append("last_alerted_at")
    if fields:
        search.full_clean(exclude=["params"])
        search.save(update_fields=fields)
    return search


def saved_search_alert(*, search_id: int, now: datetime | None = None) -> int:
    """Tell the person about posts published since the last alert. Idempotent per run window."""
    from ..selectors import search_posts

    now = now or timezone.now()
    with transaction.atomic():
        search = SavedSearch.objects.select_for_update().filter(pk=search_id, alert=True).first()
        if search is None:
            return 0
        since = search.last_alerted_at or search.created_at
        posts = list(search_posts(search.params).filter(published_at__gt=since, published_at__lte=now)
                     .select_related("enterprise")[:10])
        search.last_alerted_at = now
        search.save(update_fields=["last_alerted_at"])
        if posts:
            titles = "、".join(f"{p.title}（{p.enterprise.name}）" for p in posts[:5])
            query = "&".join(f"{k}={v}" for k, v in search.params.items())
            notify(recipients=[search.user_id], title=f"“{search.name}”有 {len(posts)} 个新岗位",
                   body=titles, link=reverse("recruitment:job_list") + (f"?{query}" if query else ""),
                   key=_key(f"recruitment-alert-{search.pk}-{now:%Y%m%d%H%M}"))
    return len(posts)


