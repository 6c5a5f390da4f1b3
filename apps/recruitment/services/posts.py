"""Services: posts."""
from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Enterprise
from apps.notifications.services import notify

from ..models import (
    WELCOME_CODES,
    Category,
    JobPost,
    JobPostKeyGroup,
    Recommendation,
)
from ..permissions import can_review_for, is_member, staff_can_manage
from ..search import build_document
from .common import (
    POST_FIELDS,
    POST_TRANSITIONS,
    _check_transition,
    _delete_file_after_commit,
    _employer_user_ids,
    _replace_codes,
)
from .employers import enterprise_is_verified
from .matching import recommendations_drop_for_post
from .seekers import _enqueue_post_matching


# ---------------------------------------------------------------- posts
def validate_post_fields(data: dict, *, is_new_date: bool = True) -> None:
    """The post rules, shared by the form and the service: raise a ValidationError per field."""
    errors: dict[str, str] = {}
    low, high = data.get("salary_min"), data.get("salary_max")
    if low is not None and high is not None and low > high:
        errors["salary_min"] = "月薪下限不能高于上限。"
    if data.get("headcount") is not None and data["headcount"] < 1:
        errors["headcount"] = "招聘人数至少为 1 人。"
    valid_until = data.get("valid_until")
    if valid_until is not None and is_new_date and valid_until < timezone.localdate():
        errors["valid_until"] = "有效期不能早于今天。"
    if valid_until is not None and valid_until > timezone.localdate() + timedelta(days=366):
        errors["valid_until"] = "有效期最长一年。"
    groups = data.get("key_groups") or []
    if not isinstance(groups, (list, tuple, set)) or any(g not in WELCOME_CODES for g in groups):
        errors["key_groups"] = "重点群体选择有误。"
    if errors:
        raise ValidationError(errors)


def refresh_search_document(post: JobPost) -> str:
    post.search_document = build_document(
        post.title, Category(post.category).label if post.category in Category.values else "",
        post.enterprise.name, post.district.name.replace("总工会", "") if post.district_id else "",
        post.address, post.description, post.benefits,
    )
    return post.search_document


def _matching_fields(post: JobPost) -> tuple:
    """The columns recommendations depend on (services.score_pair); the welcomed groups are compared
    where they are written (_replace_codes)."""
    return post.category, post.district_id, post.salary_max, post.valid_until


def _apply_post_data(post: JobPost, data: dict) -> None:
    for key in POST_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "video" and value is None:
            continue
        if key == "video" and value is False:
            value = ""
        setattr(post, key, value)


def _may_write_post(actor, enterprise: Enterprise) -> bool:
    if is_member(actor, enterprise):
        return True
    return actor.has_perm("recruitment.post_on_behalf") and staff_can_manage(actor, enterprise)


@transaction.atomic
def post_create(*, actor, enterprise: Enterprise, data: dict, submit: bool = True) -> JobPost:
    """A new post, saved as a draft or sent for review (a reviewer posting in their area publishes at once)."""
    if not _may_write_post(actor, enterprise):
        raise PermissionDenied("无权为该企业发布岗位。")
    validate_post_fields(data)
    post = JobPost(enterprise=enterprise, created_by=actor, district=data.get("district") or enterprise.district)
    _apply_post_data(post, data)
    refresh_search_document(post)
    post.full_clean()
    post.save()
    _replace_codes(post.key_groups, data.get("key_groups") or [])
    audit_record(actor=actor, action="recruitment.post.created", target=post, organization=enterprise.district)
    if submit:
        post_submit(actor=actor, post=post)
        post.refresh_from_db()
    return post


def _bump_if_public(*statuses: str) -> None:
    """Drop the kept search results and job pages (the "jobs" version) when the post was or is
    published: a draft or a post in review shows on no public page, so its edits leave them kept
    (during a campaign employers edit drafts all day)."""
    if JobPost.Status.PUBLISHED in statuses:
        pagecache.bump("jobs")


@transaction.atomic
def post_update(*, actor, post: JobPost, data: dict) -> JobPost:
    """Edit a post; a published post goes back to review (unless a reviewer of its area edits it)."""
    post = JobPost.objects.select_for_update().select_related("enterprise", "district").get(pk=post.pk)
    if not _may_write_post(actor, post.enterprise):
        raise PermissionDenied("无权修改该岗位。")
    if post.status in (JobPost.Status.CLOSED, JobPost.Status.EXPIRED):
        raise ValidationError("已关闭或已过期的岗位不能修改，可复制后重新发布。")
    validate_post_fields(data, is_new_date=data.get("valid_until") != post.valid_until)
    before = {"title": post.title, "status": post.status}
    matched_on = _matching_fields(post)
    old_video = post.video.name or ""
    _apply_post_data(post, data)
    refresh_search_document(post)
    post.full_clean()
    fields = [*POST_FIELDS, "search_document", "updated_at"]
    if post.status == JobPost.Status.PUBLISHED and not can_review_for(actor, post.enterprise):
        post.status = JobPost.Status.PENDING
        fields.append("status")
    post.save(update_fields=fields)
    groups_changed = "key_groups" in data and _replace_codes(post.key_groups, data["key_groups"] or [])
    _bump_if_public(before["status"], post.status)
    if post.status != JobPost.Status.PUBLISHED or groups_changed or _matching_fields(post) != matched_on:
        recommendations_drop_for_post(post)  # recomputed after commit when still published
    if old_video and post.video.name != old_video:
        _delete_file_after_commit(JobPost, "video", old_video)
    audit_record(actor=actor, action="recruitment.post.updated", target=post, before=before,
                 after={"title": post.title, "status": post.status}, organization=post.enterprise.district)
    if post.status == JobPost.Status.PUBLISHED:
        _enqueue_post_matching(post.pk)
    return post


@transaction.atomic
def post_admin_changed(*, actor, post: JobPost) -> JobPost:
    """After a post was edited in the Django admin, which writes the row and its welcomed groups without
    the services: rebuild its search text, drop the cached result pages and its recommendations (computed
    again after commit while it is published), and audit the edit."""
    post = JobPost.objects.select_for_update().select_related("enterprise", "district").get(pk=post.pk)
    before = post.search_document
    if refresh_search_document(post) != before:
        post.save(update_fields=["search_document", "updated_at"])
    pagecache.bump("jobs")
    recommendations_drop_for_post(post)
    audit_record(actor=actor, action="recruitment.post.admin_changed", target=post,
                 after={"title": post.title, "status": post.status}, organization=post.enterprise.district)
    if post.status == JobPost.Status.PUBLISHED:
        _enqueue_post_matching(post.pk)
    return post


@transaction.atomic
def post_submit(*, actor, post: JobPost) -> JobPost:
    post = JobPost.objects.select_for_update().select_related("enterprise").get(pk=post.pk)
    if not _may_write_post(actor, post.enterprise):
        raise PermissionDenied("无权提交该岗位。")
    if post.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": "有效期已过，请先修改有效期。"})
    if can_review_for(actor, post.enterprise) and enterprise_is_verified(post.enterprise):
        return _publish(actor=actor, post=post, note="工会代发布")
    _check_transition(POST_TRANSITIONS, post.status, JobPost.Status.PENDING, JobPost.Status)
    post.status = JobPost.Status.PENDING
    post.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="recruitment.post.submitted", target=post, organization=post.enterprise.district)
    return post


def _publish(*, actor, post: JobPost, note: str) -> JobPost:
    _check_transition(POST_TRANSITIONS, post.status, JobPost.Status.PUBLISHED, JobPost.Status)
    before = post.status
    post.status = JobPost.Status.PUBLISHED
    post.review_note = note[:200]
    if post.published_at is None:
        post.published_at = timezone.now()
    post.save(update_fields=["status", "review_note", "published_at", "updated_at"])
    pagecache.bump("jobs")
    audit_record(actor=actor, action="recruitment.post.published", target=post, before={"status": before},
                 after={"status": post.status}, organization=post.enterprise.district)
    _enqueue_post_matching(post.pk)
    return post


@transaction.atomic
def post_review(*, actor, post: JobPost, approve: bool, note: str = "") -> JobPost:
    """The enterprise's district union (or the city) publishes a post or returns it with a reason."""
    post = JobPost.objects.select_for_update().select_related("enterprise").get(pk=post.pk)
    if not can_review_for(actor, post.enterprise):
        raise PermissionDenied("只能审核本区域企业的岗位。")
    if post.status != JobPost.Status.PENDING:
        raise ValidationError("该岗位不在待审核状态，可能已被他人审核。")
    if approve:
        if not enterprise_is_verified(post.enterprise):
            raise ValidationError("该企业尚未核实，请先在“招聘企业”中核实企业。")
        _publish(actor=actor, post=post, note=note)
        title = f"岗位已发布：{post.title}"
    else:
        if not note.strip():
            raise ValidationError({"note": "退回时请写明原因。"})
        post.status = JobPost.Status.RETURNED
        post.review_note = note[:200]
        post.save(update_fields=["status", "review_note", "updated_at"])
        audit_record(actor=actor, action="recruitment.post.returned", target=post, after={"note": note},
                     organization=post.enterprise.district)
        title = f"岗位被退回修改：{post.title}"
    notify(recipients=_employer_user_ids(post.enterprise_id), title=title, body=note,
           link=reverse("recruitment:employer_home"))
    return post


@transaction.atomic
def post_close(*, actor, post: JobPost) -> JobPost:
    post = JobPost.objects.select_for_update().select_related("enterprise").get(pk=post.pk)
    if not _may_write_post(actor, post.enterprise):
        raise PermissionDenied("无权关闭该岗位。")
    _check_transition(POST_TRANSITIONS, post.status, JobPost.Status.CLOSED, JobPost.Status)
    before = post.status
    post.status = JobPost.Status.CLOSED
    post.save(update_fields=["status", "updated_at"])
    _bump_if_public(before)
    recommendations_drop_for_post(post)
    audit_record(actor=actor, action="recruitment.post.closed", target=post, before={"status": before},
                 organization=post.enterprise.district)
    return post


@transaction.atomic
def post_copy(*, actor, post: JobPost) -> JobPost:
    """A new draft with the same content; the validity starts again from today."""
    if not _may_write_post(actor, post.enterprise):
        raise PermissionDenied("无权复制该岗位。")
    copy = JobPost(enterprise=post.enterprise, created_by=actor, status=JobPost.Status.DRAFT)
    for key in POST_FIELDS:
        if key != "video":
            setattr(copy, key, getattr(post, key))
    copy.title = post.title[:55] + "（副本）" if not post.title.endswith("（副本）") else post.title
    copy.valid_until = max(post.valid_until, timezone.localdate() + timedelta(days=30))
    refresh_search_document(copy)
    copy.full_clean()
    copy.save()
    JobPostKeyGroup.objects.bulk_create([JobPostKeyGroup(post=copy, code=code) for code in post.key_group_codes])
    audit_record(actor=actor, action="recruitment.post.copied", target=copy, after={"from": post.pk},
                 organization=post.enterprise.district)
    return copy


@transaction.atomic
def post_remove_video(*, actor, post: JobPost) -> bool:
    """Take the video off a post (any state: the employer may always withdraw its film).

    Returns False when there was no video (a repeated click): nothing is written or audited then.
    The file leaves private storage only after the commit, so a rollback keeps it.
    """
    post = JobPost.objects.select_for_update().select_related("enterprise").get(pk=post.pk)
    if not _may_write_post(actor, post.enterprise):
        raise PermissionDenied("无权修改该岗位。")
    name = post.video.name or ""
    if not name:
        return False
    post.video = ""
    post.save(update_fields=["video", "updated_at"])
    pagecache.bump("jobs")
    audit_record(actor=actor, action="recruitment.post.video_removed", target=post, before={"video": name},
                 after={"video": ""}, organization=post.enterprise.district)
    _delete_file_after_commit(JobPost, "video", name)
    return True


STALE_BATCH = 500
STALE_MAX_BATCHES = 20


def posts_refresh_stale_search(*, batch_size: int = STALE_BATCH, max_batches: int = STALE_MAX_BATCHES) -> int:
    """Rewrite the search text of posts whose enterprise was renamed in core since it was built.

    Core does not know about recruitment, so nothing tells us of a rename: a post is stale when its
    document no longer holds `` <enterprise name> `` (build_document puts the name between the
    category and the district, both never empty). Bounded keyset batches, rows locked with
    SKIP LOCKED so an employer's concurrent edit wins; idempotent (a fresh post is not selected).
    Returns how many documents changed.
    """
    from django.db.models import F
    from django.db.models.functions import Concat, Lower

    changed, last_pk = 0, 0
    for _ in range(max_batches):
        with transaction.atomic():
            stale_ids = list(
                JobPost.objects.annotate(marker=Concat(Value(" "), Lower(F("enterprise__name")), Value(" ")))
                .exclude(search_document__contains=F("marker")).filter(pk__gt=last_pk)
                .order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not stale_ids:
                break
            last_pk = stale_ids[-1]
            posts = list(JobPost.objects.select_for_update(skip_locked=True, of=("self",))
                         .filter(pk__in=stale_ids).select_related("enterprise", "district").order_by("pk"))
            dirty = []
            for post in posts:
                before = post.search_document
                if refresh_search_document(post) != before:
                    dirty.append(post)
            if dirty:
                JobPost.objects.bulk_update(dirty, ["search_document"])
                changed += len(dirty)
                pagecache.bump("jobs")
        if len(stale_ids) < batch_size:
            break
    if changed:
        audit_record(actor=None, action="recruitment.post.search_refreshed", after={"count": changed})
    return changed


def posts_expire(*, today=None) -> int:
    """Published posts past their date become expired. Idempotent; returns how many changed."""
    today = today or timezone.localdate()
    expired = 0
    with transaction.atomic():
        due = list(JobPost.objects.select_for_update(skip_locked=True)
                   .filter(status=JobPost.Status.PUBLISHED, valid_until__lt=today).values_list("pk", flat=True)[:5000])
        if due:
            expired = JobPost.objects.filter(pk__in=due).update(status=JobPost.Status.EXPIRED,
                                                                updated_at=timezone.now())
            Recommendation.objects.filter(post_id__in=due).delete()
            audit_record(actor=None, action="recruitment.post.expired", after={"count": expired, "ids": due[:50]})
            pagecache.bump("jobs")
    return expired


