"""Writes of the recruitment app: every rule lives here, views and tasks only call these."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Enterprise, Organization
from apps.core.outbox import enqueue
from apps.core.scoping import can_act_for, is_staff_member
from apps.core.validators import normalize_credit_code, normalize_phone, validate_web_link
from apps.notifications.services import notify

from .models import (
    Application,
    ApplicationEvent,
    BrokeredMatch,
    Category,
    EmployerMembership,
    EmployerProfile,
    FairParticipation,
    Interview,
    JobFair,
    JobPost,
    KeyGroup,
    LiveSession,
    Recommendation,
    SavedJob,
    SavedSearch,
    SeekerProfile,
    pack_codes,
)
from .search import build_document, has_code

# ---------------------------------------------------------------- state tables
POST_TRANSITIONS: dict[str, set[str]] = {
    JobPost.Status.DRAFT: {JobPost.Status.PENDING, JobPost.Status.PUBLISHED, JobPost.Status.CLOSED},
    JobPost.Status.RETURNED: {JobPost.Status.PENDING, JobPost.Status.PUBLISHED, JobPost.Status.CLOSED},
    JobPost.Status.PENDING: {JobPost.Status.PUBLISHED, JobPost.Status.RETURNED, JobPost.Status.CLOSED},
    JobPost.Status.PUBLISHED: {JobPost.Status.PENDING, JobPost.Status.CLOSED, JobPost.Status.EXPIRED},
    JobPost.Status.CLOSED: set(),
    JobPost.Status.EXPIRED: set(),
}

S = Application.Status
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.VIEWED, S.INTERVIEW, S.OFFERED, S.REJECTED, S.WITHDRAWN},
    S.VIEWED: {S.INTERVIEW, S.OFFERED, S.REJECTED, S.WITHDRAWN},
    S.INTERVIEW: {S.OFFERED, S.REJECTED, S.WITHDRAWN},
    S.OFFERED: {S.HIRED, S.REJECTED, S.WITHDRAWN},
    S.HIRED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
SEEKER_MOVES = {S.WITHDRAWN}
EMPLOYER_MOVES = {S.VIEWED, S.INTERVIEW, S.OFFERED, S.HIRED, S.REJECTED}
OPEN_INTERVIEW = (Interview.Status.PROPOSED, Interview.Status.ACCEPTED, Interview.Status.RESCHEDULE)

POST_FIELDS = ["title", "category", "district", "address", "salary_min", "salary_max", "headcount", "description",
               "benefits", "key_groups", "contact_name", "contact_phone", "valid_until", "video"]


def _key(text: str) -> uuid.UUID:
    """A stable notification key, so a retried task delivers a message once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, text)


def _delete_file_after_commit(model, field_name: str, name: str) -> None:
    """Remove a replaced or cleared private file once the row no longer points at it."""
    if not name:
        return
    storage = model._meta.get_field(field_name).storage
    transaction.on_commit(lambda: storage.delete(name))


def _check_transition(table: dict, current: str, target: str, label) -> None:
    if target not in table.get(current, set()):
        raise ValidationError(f"当前状态“{label(current).label}”不能变为“{label(target).label}”。", code="transition")


def _employer_user_ids(enterprise_id: int) -> list[int]:
    return list(EmployerMembership.objects.filter(
        enterprise_id=enterprise_id, status=EmployerMembership.Status.ACTIVE).values_list("user_id", flat=True))


def is_member(user, enterprise: Enterprise) -> bool:
    return user.is_authenticated and EmployerMembership.objects.filter(
        user=user, enterprise=enterprise, status=EmployerMembership.Status.ACTIVE).exists()


def _staff_can_manage(user, enterprise: Enterprise) -> bool:
    return is_staff_member(user) and (can_act_for(user, enterprise.district) or can_act_for(user, enterprise.union))


def _can_reviewer_act(user, enterprise: Enterprise) -> bool:
    return is_staff_member(user) and user.has_perm("recruitment.review_post") and can_act_for(
        user, enterprise.district)


# ---------------------------------------------------------------- employers
@transaction.atomic
def employer_register(*, user, credit_code: str, name: str, district: Organization, industry: str,
                      address: str = "", contact_name: str = "", contact_phone: str = "", job_title: str = "",
                      introduction: str = "") -> EmployerMembership:
    """An ordinary account asks to recruit for an enterprise (found by credit code, or registered now)."""
    if is_staff_member(user):
        raise ValidationError("工会工作人员请在工作台代企业发布岗位，无需申请企业招聘账号。")
    raw = "".join((credit_code or "").split()).upper()
    enterprise = Enterprise.objects.filter(credit_code=raw).first()
    if enterprise is None:
        code = normalize_credit_code(raw)
        # Typed by the applicant, so not counted anywhere until union staff verify it.
        enterprise = Enterprise(name=name, credit_code=code, district=district, industry=industry,
                                size=Enterprise.Size.SMALL, address=address, contact_name=contact_name,
                                contact_phone=contact_phone, is_verified=False)
        enterprise.full_clean()
        enterprise.save()
    profile, _ = EmployerProfile.objects.get_or_create(enterprise=enterprise,
                                                       defaults={"introduction": introduction})
    membership, created = EmployerMembership.objects.get_or_create(user=user, enterprise=enterprise,
                                                                   defaults={"job_title": job_title})
    if not created and membership.status == EmployerMembership.Status.ACTIVE:
        raise ValidationError("您已是该企业的招聘账号。")
    if not created:
        membership.status = EmployerMembership.Status.PENDING
        membership.save(update_fields=["status"])
    audit_record(actor=user, action="recruitment.employer.registered", target=membership,
                 organization=enterprise.district, after={"enterprise": enterprise.pk})
    return membership


@transaction.atomic
def employer_verify(*, actor, membership: EmployerMembership, approve: bool, note: str = "") -> EmployerMembership:
    """Union staff of the enterprise's area verify the account and, with it, the enterprise."""
    membership = EmployerMembership.objects.select_for_update().select_related("enterprise").get(pk=membership.pk)
    enterprise = membership.enterprise
    if not (actor.has_perm("recruitment.verify_employer") and _staff_can_manage(actor, enterprise)):
        raise PermissionDenied("只能核实本区域的企业。")
    before = membership.status
    membership.status = EmployerMembership.Status.ACTIVE if approve else EmployerMembership.Status.REJECTED
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    if approve:
        employer_profile_verify(actor=actor, enterprise=enterprise, note=note)
    audit_record(actor=actor, action="recruitment.employer.verified" if approve else "recruitment.employer.rejected",
                 target=membership, before={"status": before}, after={"status": membership.status, "note": note})
    notify(recipients=[membership.user_id], title="企业招聘账号已核实" if approve else "企业招聘账号未通过核实",
           body=f"{enterprise.name}。{note}".strip(), link=reverse("recruitment:employer_home"))
    return membership


@transaction.atomic
def employer_profile_verify(*, actor, enterprise: Enterprise, note: str = "") -> EmployerProfile:
    if not (actor.has_perm("recruitment.verify_employer") and _staff_can_manage(actor, enterprise)):
        raise PermissionDenied("只能核实本区域的企业。")
    profile, _ = EmployerProfile.objects.select_for_update().get_or_create(enterprise=enterprise)
    if profile.status != EmployerProfile.Status.VERIFIED:
        profile.status = EmployerProfile.Status.VERIFIED
        profile.verified_by = actor
        profile.verified_at = timezone.now()
        profile.note = note[:200]
        profile.save(update_fields=["status", "verified_by", "verified_at", "note"])
        pagecache.bump("jobs")  # the job page marks the employer 已核实
        audit_record(actor=actor, action="recruitment.enterprise.verified", target=profile)
    if not enterprise.is_verified:
        Enterprise.objects.filter(pk=enterprise.pk).update(is_verified=True)
        enterprise.is_verified = True
    return profile


def enterprise_is_verified(enterprise: Enterprise) -> bool:
    return EmployerProfile.objects.filter(enterprise=enterprise, status=EmployerProfile.Status.VERIFIED).exists()


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
    if isinstance(groups, (list, tuple)) and any(g not in KeyGroup.values for g in groups):
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
    """What recommendations depend on (services.score_pair)."""
    return post.category, post.district_id, post.salary_max, post.key_groups, post.valid_until


def _apply_post_data(post: JobPost, data: dict) -> None:
    for key in POST_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "key_groups" and isinstance(value, (list, tuple)):
            value = pack_codes(value)
        if key == "video" and value is None:
            continue
        if key == "video" and value is False:
            value = ""
        setattr(post, key, value)


def _may_write_post(actor, enterprise: Enterprise) -> bool:
    if is_member(actor, enterprise):
        return True
    return actor.has_perm("recruitment.post_on_behalf") and _staff_can_manage(actor, enterprise)


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
    audit_record(actor=actor, action="recruitment.post.created", target=post, organization=enterprise.district)
    if submit:
        post_submit(actor=actor, post=post)
        post.refresh_from_db()
    return post


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
    fields = [f for f in fields if f != "key_groups"] + ["key_groups"]
    if post.status == JobPost.Status.PUBLISHED and not _can_reviewer_act(actor, post.enterprise):
        post.status = JobPost.Status.PENDING
        fields.append("status")
    post.save(update_fields=fields)
    pagecache.bump("jobs")
    if post.status != JobPost.Status.PUBLISHED or _matching_fields(post) != matched_on:
        recommendations_drop_for_post(post)  # recomputed after commit when still published
    if old_video and post.video.name != old_video:
        _delete_file_after_commit(JobPost, "video", old_video)
    audit_record(actor=actor, action="recruitment.post.updated", target=post, before=before,
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
    if _can_reviewer_act(actor, post.enterprise) and enterprise_is_verified(post.enterprise):
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
    if not _can_reviewer_act(actor, post.enterprise):
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
    pagecache.bump("jobs")
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
    from django.db.models import F, Value
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


# ---------------------------------------------------------------- seekers
@transaction.atomic
def seeker_profile_save(*, user, data: dict) -> SeekerProfile:
    """Create or update the person's 求职登记; recommendations are then recomputed in the background."""
    if is_staff_member(user):
        raise ValidationError("工会工作人员账号不能登记求职。")
    profile = SeekerProfile.objects.select_for_update().filter(user=user).first() or SeekerProfile(user=user)
    old_resume = profile.resume_pdf.name or ""
    wanted_before = _wishes(profile)
    for key, value in data.items():
        if key in ("desired_categories", "desired_districts") and isinstance(value, (list, tuple)):
            value = pack_codes([str(getattr(v, "pk", v)) for v in value])
        if key == "resume_pdf" and value is None:
            continue
        if key == "resume_pdf" and value is False:
            value = ""
        setattr(profile, key, value)
    profile.full_clean()
    created = profile.pk is None
    profile.save()
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


def _wishes(profile: SeekerProfile) -> tuple:
    """What the seeker's recommendations depend on (services.score_pair), and consent to be recommended."""
    return (profile.desired_categories, profile.desired_districts, profile.desired_salary, profile.key_group,
            profile.district_id, profile.allow_recommendation)


def _recompute_profile_task():
    from .tasks import recompute_profile_recommendations

    return recompute_profile_recommendations


def _enqueue_post_matching(post_id: int) -> None:
    from .tasks import recompute_post_recommendations

    enqueue(recompute_post_recommendations, post_id)


def saved_job_toggle(*, user, post: JobPost) -> bool:
    """Save or unsave a post; returns True when it is now saved."""
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
    from .selectors import search_posts

    now = now or timezone.now()
    with transaction.atomic():
        search = SavedSearch.objects.select_for_update().filter(pk=search_id, alert=True).first()
        if search is None:
            return 0
        since = search.last_alerted_at or search.created_at
        posts = list(search_posts(search.params).filter(published_at__gt=since, published_at__lte=now)[:10])
        search.last_alerted_at = now
        search.save(update_fields=["last_alerted_at"])
        if posts:
            titles = "、".join(f"{p.title}（{p.enterprise.name}）" for p in posts[:5])
            query = "&".join(f"{k}={v}" for k, v in search.params.items())
            notify(recipients=[search.user_id], title=f"“{search.name}”有 {len(posts)} 个新岗位",
                   body=titles, link=reverse("recruitment:job_list") + (f"?{query}" if query else ""),
                   key=_key(f"recruitment-alert-{search.pk}-{now:%Y%m%d%H%M}"))
    return len(posts)


# ---------------------------------------------------------------- applications
def _record_event(application: Application, before: str, actor, note: str = "") -> None:
    ApplicationEvent.objects.create(application=application, from_status=before, to_status=application.status,
                                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    note=note[:200])


@transaction.atomic
def application_submit(*, seeker, post: JobPost, cover_letter: str = "") -> Application:
    """Apply once to a published post; employers and staff cannot apply."""
    post = JobPost.objects.select_for_update().select_related("enterprise").get(pk=post.pk)
    if is_staff_member(seeker) or EmployerMembership.objects.filter(user=seeker).exists():
        raise ValidationError("企业招聘账号和工会工作人员账号不能投递简历，请使用个人求职账号。")
    if post.status != JobPost.Status.PUBLISHED or post.valid_until < timezone.localdate():
        raise ValidationError("该岗位已停止招聘，不能再投递。")
    profile = SeekerProfile.objects.filter(user=seeker).first()
    if profile is None:
        raise ValidationError("请先完成求职登记，再投递简历。")
    if Application.objects.filter(post=post, seeker=seeker).exists():
        raise ValidationError("您已投递过这个岗位，请在“我的求职”中查看进度。", code="duplicate")
    if BrokeredMatch.objects.filter(seeker=profile, post=post).exists():
        source = Application.Source.BROKERED
    elif Recommendation.objects.filter(profile=profile, post=post).exists():
        source = Application.Source.RECOMMENDED
    else:
        source = Application.Source.DIRECT
    try:
        with transaction.atomic():
            application = Application.objects.create(post=post, seeker=seeker, cover_letter=cover_letter[:2000],
                                                     source=source)
    except IntegrityError:
        raise ValidationError("您已投递过这个岗位，请在“我的求职”中查看进度。", code="duplicate") from None
    _record_event(application, "", seeker, "投递简历")
    audit_record(actor=seeker, action="recruitment.application.submitted", target=application,
                 organization=post.district)
    notify(recipients=_employer_user_ids(post.enterprise_id), title=f"新的求职申请：{post.title}",
           body=f"{profile.real_name} 投递了简历。",
           link=reverse("recruitment:employer_application", args=[application.pk]))
    return application


@transaction.atomic
def application_transition(*, actor, application: Application, to_status: str, note: str = "") -> Application:
    """Move an application along its pipeline; the other side is told, every step is kept."""
    application = Application.objects.select_for_update().select_related("post", "post__enterprise").get(
        pk=application.pk)
    is_seeker = application.seeker_id == actor.pk
    allowed_moves = SEEKER_MOVES if is_seeker else EMPLOYER_MOVES
    if not is_seeker and not is_member(actor, application.post.enterprise):
        raise PermissionDenied("无权处理该申请。")
    if to_status not in allowed_moves:
        raise PermissionDenied("无权进行该操作。")
    if application.status == to_status:
        return application  # a repeated click: nothing more to do
    _check_transition(APPLICATION_TRANSITIONS, application.status, to_status, Application.Status)
    before = application.status
    application.status = to_status
    fields = ["status", "updated_at"]
    if to_status == S.HIRED:
        application.hired_at = timezone.now()
        fields.append("hired_at")
    application.save(update_fields=fields)
    _record_event(application, before, actor, note)
    audit_record(actor=actor, action=f"recruitment.application.{to_status}", target=application,
                 before={"status": before}, after={"status": to_status}, organization=application.post.district)
    if to_status in (S.HIRED, S.REJECTED, S.WITHDRAWN, S.OFFERED):
        _sync_match_outcome(application)
    if to_status in (S.REJECTED, S.WITHDRAWN):
        Interview.objects.filter(application=application, status__in=OPEN_INTERVIEW).update(
            status=Interview.Status.CANCELLED)
    label = Application.Status(to_status).label
    if is_seeker:
        notify(recipients=_employer_user_ids(application.post.enterprise_id),
               title=f"求职者{label}：{application.post.title}", body=note,
               link=reverse("recruitment:employer_application", args=[application.pk]))
    else:
        notify(recipients=[application.seeker_id], title=f"求职进度：{application.post.title} {label}",
               body=note, link=reverse("recruitment:application_detail", args=[application.pk]),
               channels=("site", "sms") if to_status in (S.OFFERED, S.HIRED) else ("site",))
    return application


def application_mark_viewed(*, actor, application: Application) -> Application:
    if application.status == S.SUBMITTED:
        return application_transition(actor=actor, application=application, to_status=S.VIEWED)
    return application


def _sync_match_outcome(application: Application) -> None:
    outcome = {S.HIRED: BrokeredMatch.Outcome.HIRED, S.OFFERED: BrokeredMatch.Outcome.INTERVIEWING}.get(
        application.status, BrokeredMatch.Outcome.FAILED)
    BrokeredMatch.objects.filter(post=application.post, seeker__user_id=application.seeker_id).exclude(
        outcome=BrokeredMatch.Outcome.HIRED).update(outcome=outcome, outcome_at=timezone.now())


# ---------------------------------------------------------------- interviews
def _interview_address(value: str) -> str:
    text = " ".join((value or "").split())
    if "\x00" in text or len(text) > 300:
        raise ValidationError("地址无效或过长。")
    if len(text) < 4:
        raise ValidationError("请填写面试地址，写到门牌号，如：焦作市山阳区人民路 100 号 3 楼。")
    if "://" in text:
        raise ValidationError("现场面试请填写地址；视频面试请改选“视频面试”并填写会议链接。")
    return text


def _interview_link(value: str) -> str:
    text = (value or "").strip()
    if len(text) > 300:
        raise ValidationError("会议链接过长。")
    validate_web_link(text)
    return text


# What each kind of interview needs: a number to expect a call from, a meeting link, or an address.
INTERVIEW_PLACE = {
    Interview.Mode.PHONE: normalize_phone,
    Interview.Mode.VIDEO: _interview_link,
    Interview.Mode.ONSITE: _interview_address,
}


def interview_place(*, mode: str, location: str) -> str:
    """The phone number, link or address an interview of this mode needs, cleaned; or a clear refusal."""
    clean = INTERVIEW_PLACE.get(mode)
    if clean is None:
        raise ValidationError({"mode": "请选择面试方式。"})
    try:
        return clean(location)
    except ValidationError as error:
        raise ValidationError({"location": error.messages}) from None


@transaction.atomic
def interview_invite(*, actor, application: Application, scheduled_at: datetime, mode: str, location: str,
                     note: str = "") -> Interview:
    """The employer invites to an interview; an earlier open invitation is replaced."""
    location = interview_place(mode=mode, location=location)
    application = Application.objects.select_for_update().select_related("post", "post__enterprise").get(
        pk=application.pk)
    if not is_member(actor, application.post.enterprise):
        raise PermissionDenied("无权安排该面试。")
    if scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": "面试时间不能早于现在。"})
    location = (location or "").strip()
    if mode == Interview.Mode.VIDEO:
        try:  # shown to the seeker as a link
            validate_web_link(location)
        except ValidationError as error:
            messages = [f"视频面试的会议链接：{message}" for message in error.messages]
            raise ValidationError({"location": messages}) from None
    if application.status not in (S.SUBMITTED, S.VIEWED, S.INTERVIEW):
        raise ValidationError(f"申请状态为“{application.get_status_display()}”，不能再邀请面试。")
    Interview.objects.filter(application=application, status__in=OPEN_INTERVIEW).update(
        status=Interview.Status.CANCELLED)
    interview = Interview(application=application, scheduled_at=scheduled_at, mode=mode, location=location,
                          note=note, created_by=actor)
    interview.full_clean()
    interview.save()
    if application.status != S.INTERVIEW:
        before = application.status
        application.status = S.INTERVIEW
        application.save(update_fields=["status", "updated_at"])
        _record_event(application, before, actor, f"邀请{interview.get_mode_display()}")
    audit_record(actor=actor, action="recruitment.interview.invited", target=interview,
                 after={"at": scheduled_at.isoformat(), "mode": mode}, organization=application.post.district)
    when = timezone.localtime(scheduled_at)
    notify(recipients=[application.seeker_id], title=f"面试邀请：{application.post.title}",
           body=f"{when:%m月%d日 %H:%M}，{interview.get_mode_display()}。请确认或申请改期。",
           link=reverse("recruitment:application_detail", args=[application.pk]), channels=("site", "sms"))
    return interview


@transaction.atomic
def interview_respond(*, seeker, interview: Interview, accept: bool, note: str = "") -> Interview:
    """The seeker accepts the time, or asks for another one (with a note)."""
    interview = Interview.objects.select_for_update().select_related("application", "application__post").get(
        pk=interview.pk)
    if interview.application.seeker_id != seeker.pk:
        raise PermissionDenied("这不是您的面试。")
    if interview.status not in (Interview.Status.PROPOSED, Interview.Status.RESCHEDULE, Interview.Status.ACCEPTED):
        raise ValidationError("该面试已取消。")
    target = Interview.Status.ACCEPTED if accept else Interview.Status.RESCHEDULE
    if interview.status == target:
        return interview
    if not accept and not note.strip():
        raise ValidationError({"note": "请写明您方便的时间。"})
    interview.status = target
    interview.seeker_note = note[:300]
    interview.save(update_fields=["status", "seeker_note"])
    post = interview.application.post
    audit_record(actor=seeker, action=f"recruitment.interview.{target}", target=interview, organization=post.district)
    notify(recipients=_employer_user_ids(post.enterprise_id),
           title=f"求职者{'确认' if accept else '申请改期'}面试：{post.title}", body=note,
           link=reverse("recruitment:employer_application", args=[interview.application_id]))
    return interview


def interviews_send_reminders(*, now: datetime | None = None) -> int:
    """Remind both sides of interviews starting within the hour; each interview once."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(Interview.objects.select_for_update(skip_locked=True).filter(
            status__in=(Interview.Status.PROPOSED, Interview.Status.ACCEPTED), reminder_sent_at__isnull=True,
            scheduled_at__gt=now, scheduled_at__lte=now + timedelta(minutes=60),
        ).select_related("application", "application__post"))
        for interview in due:
            post = interview.application.post
            when = timezone.localtime(interview.scheduled_at)
            recipients = [interview.application.seeker_id, *_employer_user_ids(post.enterprise_id)]
            notify(recipients=recipients, title=f"面试提醒：{when:%H:%M} {post.title}",
                   body=f"{interview.get_mode_display()}：{interview.location}",
                   link=reverse("recruitment:application_detail", args=[interview.application_id]),
                   channels=("site", "sms"), key=_key(f"recruitment-interview-reminder-{interview.pk}"))
            interview.reminder_sent_at = now
            interview.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


def interview_ics(interview: Interview) -> bytes:
    """An .ics calendar file for the interview."""
    from icalendar import Calendar, Event

    post = interview.application.post
    calendar = Calendar()
    calendar.add("prodid", "-//焦作职工服务平台//招聘面试//CN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"interview-{interview.pk}@jzgh")
    event.add("summary", f"面试：{post.title}（{post.enterprise.name}）")
    event.add("dtstart", interview.scheduled_at)
    event.add("dtend", interview.scheduled_at + timedelta(minutes=45))
    event.add("dtstamp", timezone.now())
    event.add("location", interview.location)
    event.add("description", f"{interview.get_mode_display()}。{interview.note}".strip())
    calendar.add_component(event)
    return calendar.to_ical()


# ---------------------------------------------------------------- fairs
@transaction.atomic
def fair_save(*, actor, data: dict, fair: JobFair | None = None) -> JobFair:
    if not actor.has_perm("recruitment.manage_fairs"):
        raise PermissionDenied
    if data["ends_on"] < data["starts_on"]:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
    if fair is None and data["ends_on"] < timezone.localdate():
        raise ValidationError({"ends_on": "结束日期不能早于今天。"})
    fair = fair or JobFair(organizer=actor.organization or Organization.objects.filter(parent=None).first())
    for key, value in data.items():
        setattr(fair, key, value)
    fair.full_clean()
    fair.save()
    audit_record(actor=actor, action="recruitment.fair.saved", target=fair)
    return fair


@transaction.atomic
def fair_invite(*, actor, fair: JobFair, enterprises) -> int:
    invited = 0
    for enterprise in enterprises:
        if not _staff_can_manage(actor, enterprise) and not actor.is_superuser:
            raise PermissionDenied("只能邀请本区域的企业。")
        _, created = FairParticipation.objects.get_or_create(fair=fair, enterprise=enterprise)
        if created:
            invited += 1
            notify(recipients=_employer_user_ids(enterprise.pk), title=f"网络招聘会邀请：{fair.title}",
                   body=f"{fair.starts_on:%m月%d日}—{fair.ends_on:%m月%d日}，请选择参会岗位。",
                   link=reverse("recruitment:employer_fair", args=[fair.pk]))
    audit_record(actor=actor, action="recruitment.fair.invited", target=fair, after={"count": invited})
    return invited


@transaction.atomic
def fair_attach_posts(*, actor, fair: JobFair, enterprise: Enterprise, posts) -> FairParticipation:
    """An invited employer joins the fair with some of its published posts."""
    if not is_member(actor, enterprise):
        raise PermissionDenied
    participation = FairParticipation.objects.select_for_update().filter(fair=fair, enterprise=enterprise).first()
    if participation is None:
        raise ValidationError("贵单位未受邀参加该招聘会。")
    if fair.ends_on < timezone.localdate():
        raise ValidationError("招聘会已结束。")
    for post in posts:
        if post.enterprise_id != enterprise.pk or post.status != JobPost.Status.PUBLISHED:
            raise ValidationError("只能选择本企业已发布的岗位。")
    participation.posts.set(posts)
    participation.status = FairParticipation.Status.JOINED
    participation.save(update_fields=["status"])
    audit_record(actor=actor, action="recruitment.fair.joined", target=fair, after={"posts": [p.pk for p in posts]})
    return participation


@transaction.atomic
def live_session_add(*, actor, fair: JobFair, data: dict) -> LiveSession:
    if not actor.has_perm("recruitment.manage_fairs"):
        raise PermissionDenied
    posts = data.pop("posts", [])
    if any(p.enterprise_id != data["enterprise"].pk for p in posts):
        raise ValidationError({"posts": "带岗岗位须属于直播企业。"})
    session = LiveSession(fair=fair, **data)
    session.full_clean()
    session.save()
    session.posts.set(posts)
    audit_record(actor=actor, action="recruitment.fair.live_added", target=session)
    return session


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
    district = Q(district_id=post.district_id) | Q(desired_districts__contains=f"|{post.district_id}|")
    return (Value(40)
            + Case(When(district, then=Value(25)), default=Value(0))
            + Case(When(desired_salary=0, then=Value(10)), When(desired_salary__lte=post.salary_max, then=Value(20)),
                   default=Value(0))
            + Case(When(key_group__in=post.key_group_codes or [""], then=Value(15)), default=Value(0)))


def _post_score(profile: SeekerProfile, districts: list[int]):
    """score_pair's points for every post at once, in SQL."""
    group = has_code(JobPost, "key_groups", profile.key_group) if profile.key_group else Q(pk__in=[])
    salary = (Case(When(salary_max__gte=profile.desired_salary, then=Value(20)), default=Value(0))
              if profile.desired_salary else Value(10))
    return (Case(When(category__in=profile.desired_category_codes or [""], then=Value(40)), default=Value(0))
            + Case(When(district_id__in=districts, then=Value(25)), default=Value(0))
            + salary + Case(When(group, then=Value(15)), default=Value(0)))


def recommendations_for_profile(*, profile_id: int) -> int:
    """Recompute a seeker's ranked posts (run in the background). Idempotent.

    The score is computed by the database over every published post of the seeker's trades or
    places, and the best ``KEEP`` (newest first among equals) are kept, not the best of a sample.
    """
    from .selectors import published_posts

    profile = SeekerProfile.objects.filter(pk=profile_id).first()
    if profile is None:
        return 0
    categories = profile.desired_category_codes
    districts = sorted({*profile.desired_district_ids, profile.district_id})
    candidates = list(
        published_posts().filter(Q(category__in=categories) | Q(district_id__in=districts))
        .annotate(match_score=_post_score(profile, districts)).filter(match_score__gte=MIN_SCORE)
        .select_related("district").order_by("-match_score", "-published_at", "-id")[:KEEP])
    keep = [(score_pair(profile, post), post) for post in candidates]
    with transaction.atomic():
        Recommendation.objects.filter(profile=profile).exclude(post_id__in=[p.pk for _, p in keep]).delete()
        _upsert([(profile.pk, post.pk, score, reasons) for (score, reasons), post in keep])
    return len(keep)


def recommendations_for_post(*, post_id: int) -> int:
    """Recompute the seekers ranked for a published post (those who allowed recommendation). Idempotent.

    Only seekers wanting the post's trade can reach ``MIN_SCORE``; among all of them (an indexed
    query on PostgreSQL) the database ranks by score and the best ``KEEP`` are kept.
    """
    post = (JobPost.objects.select_related("district")
            .filter(pk=post_id, status=JobPost.Status.PUBLISHED, valid_until__gte=timezone.localdate()).first())
    if post is None:
        Recommendation.objects.filter(post_id=post_id).delete()
        return 0
    candidates = list(
        SeekerProfile.objects.filter(allow_recommendation=True)
        .filter(has_code(SeekerProfile, "desired_categories", post.category))
        .annotate(match_score=_seeker_score(post)).order_by("-match_score", "-updated_at", "-id")[:KEEP])
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
