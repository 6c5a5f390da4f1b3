"""Services: interviews."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.validators import normalize_phone, validate_web_link
from apps.notifications.services import notify

from ..models import (
    Application,
    Interview,
)
from ..permissions import is_member
from .applications import _record_event
from .common import OPEN_INTERVIEW, S, _employer_user_ids, _key


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


