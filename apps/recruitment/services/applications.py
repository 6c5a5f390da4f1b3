"""Services: applications."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import is_staff_member
from apps.notifications.services import notify

from ..models import (
    Application,
    ApplicationEvent,
    BrokeredMatch,
    EmployerMembership,
    Interview,
    JobPost,
    Recommendation,
    SeekerProfile,
)
from ..permissions import is_member
from .common import (
    APPLICATION_TRANSITIONS,
    EMPLOYER_MOVES,
    OPEN_INTERVIEW,
    SEEKER_MOVES,
    S,
    _check_transition,
    _employer_user_ids,
)


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


