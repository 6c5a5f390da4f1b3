"""Writes of the women workers' app: atomic, locked, audited; every rule refused here, not only in forms."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role, user_has_role
from apps.core.audit import audit_record
from apps.core.consent import require_consent
from apps.core.models import Organization
from apps.core.registry import membership
from apps.core.scoping import can_act_for, is_staff_member
from apps.core.services import consent_record, consent_withdraw

from .consents import ARRANGEMENT, COUNSELLING
from .models import Arrangement, Booking, CareFamily, CareNeed, CareVisit, Commendation, CounsellingSlot

MAX_REPEAT_WEEKS = 12
LATEST_YEAR_AHEAD = 2


def _key(name: str) -> uuid.UUID:
    """The same message key for the same event, so a retried call sends it once."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"jzgh:{name}")


def _notify(**kwargs) -> None:
    from apps.notifications.services import notify

    notify(**kwargs)


def first_birthday(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + 1)
    except ValueError:  # born on 29 February
        return date(birth.year + 1, 3, 1)


def _check_period(*, period: str, starts_on: date, ends_on: date, child_birth_date: date | None) -> None:
    errors = {}
    today = timezone.localdate()
    if ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    elif ends_on > today + timedelta(days=366 * LATEST_YEAR_AHEAD):
        errors["ends_on"] = f"结束日期不能晚于{LATEST_YEAR_AHEAD}年之后。"
    if period == Arrangement.Period.NURSING:
        if child_birth_date is None:
            errors["child_birth_date"] = "哺乳期安排请填写子女出生日期。"
        elif child_birth_date > today:
            errors["child_birth_date"] = "子女出生日期不能晚于今天。"
        elif "ends_on" not in errors and ends_on >= first_birthday(child_birth_date):
            errors["ends_on"] = (f"哺乳期安排只到子女满一周岁，结束日期须早于 "
                                 f"{first_birthday(child_birth_date):%Y-%m-%d}。")
        elif starts_on < child_birth_date:
            errors["starts_on"] = "哺乳期安排不能早于子女出生日期。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def arrangement_request(*, actor, worker=None, data: dict) -> Arrangement:
    """A woman worker asks for an arrangement, or her union asks on her behalf.

    ``data["sensitive_consent"]``: her separate consent (PIPL art. 29), or on her behalf the staff member's
    confirmation that her written consent was obtained; recorded with the arrangement.
    """
    worker = worker or actor
    require_consent(data.get("sensitive_consent"), attested=worker.pk != actor.pk)
    union = membership.union_of(worker)
    if union is None:
        raise ValidationError({"__all__": "系统中没有查到您的工会会员信息，请先加入工会，或联系所在工会代为申请。"})
    if worker.pk != actor.pk and not (actor.has_perm("women_workers.negotiate_arrangement")
                                      and can_act_for(actor, union)):
        raise PermissionDenied
    _check_period(period=data["period"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                  child_birth_date=data.get("child_birth_date"))
    arrangement = Arrangement(worker=worker, union=union, submitted_by=actor,
                              employer_name=data["employer_name"], kind=data["kind"], period=data["period"],
                              child_birth_date=data.get("child_birth_date")
                              if data["period"] == Arrangement.Period.NURSING else None,
                              starts_on=data["starts_on"], ends_on=data["ends_on"], reason=data.get("reason", ""))
    arrangement.full_clean()
    arrangement.save()
    consent_record(subject=worker, actor=actor, purpose=ARRANGEMENT, given=data.get("sensitive_consent"),
                   target=arrangement)
    audit_record(actor=actor, action="women.arrangement.requested", target=arrangement, organization=union,
                 after={"kind": arrangement.kind, "period": arrangement.period, "on_behalf": worker.pk != actor.pk})
    if worker.pk != actor.pk:
        _notify(recipients=[worker], title="工会已为您提交特殊时期工作安排申请",
                body=f"{arrangement.get_kind_display()}，{arrangement.starts_on} 至 {arrangement.ends_on}。",
                link=reverse("women_workers:my_arrangement", args=[arrangement.pk]),
                key=_key(f"women-arrangement-requested-{arrangement.pk}"))
    return arrangement


# Which status may follow which: recording the negotiation, then an outcome; she may withdraw while open.
ARRANGEMENT_TRANSITIONS = {
    Arrangement.Status.SUBMITTED: {Arrangement.Status.NEGOTIATING, Arrangement.Status.WITHDRAWN,
                                   *Arrangement.OUTCOMES},
    Arrangement.Status.NEGOTIATING: {Arrangement.Status.NEGOTIATING, Arrangement.Status.WITHDRAWN,
                                     *Arrangement.OUTCOMES},
}


def _lock(arrangement: Arrangement) -> Arrangement:
    return Arrangement.objects.select_for_update().get(pk=arrangement.pk)


def _move(arrangement: Arrangement, new_status: str) -> None:
    if new_status not in ARRANGEMENT_TRANSITIONS.get(arrangement.status, set()):
        raise ValidationError({"status": f"“{arrangement.get_status_display()}”的申请不能再改为"
                                         f"“{Arrangement.Status(new_status).label}”。"})


@transaction.atomic
def arrangement_record_negotiation(*, actor, arrangement: Arrangement, outcome: str, note: str,
                                   outcome_note: str = "") -> Arrangement:
    """Her union records its talk with the employer and, when known, the outcome; she is told."""
    arrangement = _lock(arrangement)
    if not (actor.has_perm("women_workers.negotiate_arrangement") and can_act_for(actor, arrangement.union)):
        raise PermissionDenied
    if outcome not in (Arrangement.Status.NEGOTIATING, *Arrangement.OUTCOMES):
        raise ValidationError({"outcome": "请选择协商进展。"})
    if not note.strip():
        raise ValidationError({"note": "请填写与企业协商的情况。"})
    _move(arrangement, outcome)
    before = {"status": arrangement.status}
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    arrangement.negotiation_note = (arrangement.negotiation_note + "\n" if arrangement.negotiation_note else "") + \
        f"[{stamp} {actor.get_full_name() or actor.get_username()}] {note.strip()}"
    arrangement.status = outcome
    arrangement.handled_by = actor
    fields = ["negotiation_note", "status", "handled_by"]
    if outcome in Arrangement.OUTCOMES:
        arrangement.outcome_note = outcome_note.strip()
        arrangement.decided_at = timezone.now()
        fields += ["outcome_note", "decided_at"]
    arrangement.save(update_fields=fields)
    audit_record(actor=actor, action="women.arrangement.negotiated", target=arrangement,
                 organization=arrangement.union, before=before, after={"status": outcome})
    title = ("工会正在与单位协商您的特殊时期工作安排" if outcome == Arrangement.Status.NEGOTIATING
             else f"您的特殊时期工作安排：{arrangement.get_status_display()}")
    _notify(recipients=[arrangement.worker], title=title, body=outcome_note or note,
            link=reverse("women_workers:my_arrangement", args=[arrangement.pk]), channels=("site", "sms"),
            key=_key(f"women-arrangement-{arrangement.pk}-{outcome}-{len(arrangement.negotiation_note)}"))
    return arrangement


@transaction.atomic
def arrangement_withdraw(*, actor, arrangement: Arrangement) -> Arrangement:
    arrangement = _lock(arrangement)
    if arrangement.worker_id != actor.pk:
        raise PermissionDenied
    _move(arrangement, Arrangement.Status.WITHDRAWN)
    arrangement.status = Arrangement.Status.WITHDRAWN
    arrangement.save(update_fields=["status"])
    audit_record(actor=actor, action="women.arrangement.withdrawn", target=arrangement, organization=arrangement.union)
    consent_withdraw(subject=actor, purpose=ARRANGEMENT, target=arrangement)
    return arrangement


# ---------------------------------------------------------------- counselling
def is_counsellor(user) -> bool:
    return user.is_authenticated and user_has_role(user, Role.COUNSELLOR)


@transaction.atomic
def slots_publish(*, actor, starts_at: datetime, minutes: int, repeat_weeks: int = 1, modes: list[str],
                  place: str = "") -> list[CounsellingSlot]:
    """A counsellor offers a time, once or on the same weekday for several weeks; existing times are skipped."""
    if not is_counsellor(actor):
        raise PermissionDenied
    errors = {}
    now = timezone.now()
    if starts_at <= now:
        errors["starts_at"] = "开始时间须晚于现在。"
    elif starts_at > now + timedelta(days=366):
        errors["starts_at"] = "只能发布一年以内的时段。"
    if not 15 <= minutes <= 180:
        errors["minutes"] = "每次咨询时长须在 15 到 180 分钟之间。"
    if not 1 <= repeat_weeks <= MAX_REPEAT_WEEKS:
        errors["repeat_weeks"] = f"每周重复的周数须在 1 到 {MAX_REPEAT_WEEKS} 之间。"
    valid_modes = [m for m in modes if m in Booking.Mode.values]
    if not valid_modes or len(valid_modes) != len(modes):
        errors["modes"] = "请至少选择一种咨询方式。"
    if Booking.Mode.IN_PERSON in valid_modes and not place.strip():
        errors["place"] = "提供面谈时请填写面谈地点。"
    if errors:
        raise ValidationError(errors)
    starts = [starts_at + timedelta(weeks=week) for week in range(repeat_weeks)]
    taken = set(CounsellingSlot.objects.filter(counsellor=actor, starts_at__in=starts)
                .values_list("starts_at", flat=True))
    created = CounsellingSlot.objects.bulk_create([
        CounsellingSlot(counsellor=actor, starts_at=start, ends_at=start + timedelta(minutes=minutes),
                        modes=",".join(valid_modes), place=place.strip())
        for start in starts if start not in taken])
    audit_record(actor=actor, action="women.slots.published", after={"count": len(created), "first": starts_at})
    return created


def _overlapping(person, starts_at, ends_at, exclude_pk=None):
    qs = Booking.objects.filter(person=person, status__in=Booking.ACTIVE, starts_at__lt=ends_at,
                                ends_at__gt=starts_at)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


@transaction.atomic
def booking_create(*, actor, slot: CounsellingSlot, mode: str, sensitive_consent: bool, topic: str = "",
                   contact_phone: str = "") -> Booking:
    """Book a slot, with the person's separate consent (PIPL art. 29). The slot row is locked; the
    database's constraints refuse a double booking anyway."""
    require_consent(sensitive_consent)
    slot = CounsellingSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.counsellor_id == actor.pk:
        raise ValidationError({"__all__": "不能预约自己发布的时段。"})
    if slot.is_withdrawn or slot.starts_at <= timezone.now():
        raise ValidationError({"__all__": "这个时段已经过去或已撤下，请选择其他时段。"})
    if mode not in slot.modes.split(","):
        raise ValidationError({"mode": "这个时段不提供所选的咨询方式。"})
    if mode == Booking.Mode.PHONE and not contact_phone.strip():
        raise ValidationError({"contact_phone": "电话咨询请留下联系电话。"})
    if Booking.objects.filter(slot=slot).exclude(status=Booking.Status.CANCELLED).exists():
        raise ValidationError({"__all__": "这个时段刚刚已被预约，请选择其他时段。"})
    # Lock the person's own bookings so two of her requests cannot both pass the overlap check.
    list(Booking.objects.select_for_update().filter(person=actor, status=Booking.Status.BOOKED).values_list("pk"))
    if _overlapping(actor, slot.starts_at, slot.ends_at).exists():
        raise ValidationError({"__all__": "您在这个时间已有其他咨询预约，同一时间只能预约一次。"})
    booking = Booking(slot=slot, person=actor, starts_at=slot.starts_at, ends_at=slot.ends_at, mode=mode,
                      topic=topic.strip(), contact_phone=contact_phone.strip())
    booking.full_clean(exclude=["slot"])
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        raise ValidationError({"__all__": "这个时段刚刚已被预约，或与您的其他预约时间重叠。"}) from error
    consent_record(subject=actor, purpose=COUNSELLING, given=sensitive_consent, target=booking)
    audit_record(actor=actor, action="women.booking.created", target=booking)
    _notify(recipients=[slot.counsellor], title="有新的心理咨询预约",
            body=f"{timezone.localtime(slot.starts_at):%m-%d %H:%M}，{booking.get_mode_display()}",
            link=reverse("women_workers:counsellor_home"), key=_key(f"women-booking-new-{booking.pk}"))
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: Booking) -> Booking:
    """The person or the counsellor cancels; the slot is free again."""
    booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if actor.pk not in (booking.person_id, booking.slot.counsellor_id):
        raise PermissionDenied
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError({"__all__": "只能取消尚未进行的预约。"})
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    audit_record(actor=actor, action="women.booking.cancelled", target=booking)
    if actor.pk == booking.person_id:
        consent_withdraw(subject=actor, purpose=COUNSELLING, target=booking)
    other = booking.slot.counsellor if actor.pk == booking.person_id else booking.person
    _notify(recipients=[other], title="心理咨询预约已取消",
            body=f"{timezone.localtime(booking.starts_at):%m-%d %H:%M} 的预约已取消。",
            link=reverse("women_workers:counselling"), key=_key(f"women-booking-cancel-{booking.pk}"))
    return booking


@transaction.atomic
def counsellor_slots_withdraw(*, counsellor) -> int:
    """Take down every future time a counsellor offers; whoever booked one is told it is cancelled.

    Used when the counsellor's account closes. Returns how many slots were taken down.
    """
    now = timezone.now()
    slots = list(CounsellingSlot.objects.select_for_update()
                 .filter(counsellor=counsellor, is_withdrawn=False, starts_at__gt=now).values_list("pk", flat=True))
    for booking in Booking.objects.filter(slot_id__in=slots, status=Booking.Status.BOOKED):
        booking_cancel(actor=counsellor, booking=booking)
    if slots:
        CounsellingSlot.objects.filter(pk__in=slots).update(is_withdrawn=True)
        audit_record(actor=counsellor, action="women.slots.withdrawn", after={"count": len(slots)})
    return len(slots)


def crisis_recipients():
    """The women workers' department: staff holding manage_counselling at the county level and above."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(content_type__app_label="women_workers", codename="manage_counselling")
    return get_user_model().objects.filter(
        Q(groups__permissions=perm) | Q(user_permissions=perm), is_active=True,
        organization__isnull=False).exclude(organization__org_type=Organization.Type.GRASSROOTS).distinct()


@transaction.atomic
def booking_record_session(*, actor, booking: Booking, note: str, crisis: bool) -> Booking:
    """The counsellor records a short confidential note; a crisis alerts the department at once."""
    booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if booking.slot.counsellor_id != actor.pk:
        raise PermissionDenied
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError({"__all__": "已取消的预约不能记录。"})
    if booking.starts_at > timezone.now():
        raise ValidationError({"__all__": "咨询开始后才能记录。"})
    if not note.strip():
        raise ValidationError({"note": "请填写简要咨询记录。"})
    newly_crisis = crisis and not booking.crisis
    booking.note = note.strip()
    booking.status = Booking.Status.HELD
    fields = ["note", "status"]
    if newly_crisis:
        booking.crisis, booking.crisis_flagged_at = True, timezone.now()
        fields += ["crisis", "crisis_flagged_at"]
    booking.save(update_fields=fields)
    audit_record(actor=actor, action="women.booking.held", target=booking, after={"crisis": booking.crisis})
    if newly_crisis:
        audit_record(actor=actor, action="women.booking.crisis_flagged", target=booking)
        _notify(recipients=list(crisis_recipients()), title="【危机预警】心理咨询中发现需要紧急干预的情况",
                body=f"咨询师 {actor.get_full_name() or actor.get_username()} 于 "
                     f"{timezone.localtime(booking.crisis_flagged_at):%m-%d %H:%M} 发出危机预警，请立即联系处置。",
                link=reverse("women_workers:crisis_list"), channels=("site", "sms"),
                key=_key(f"women-crisis-{booking.pk}"))
    return booking


def booking_ics(booking: Booking) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//焦作职工服务平台//心理咨询//CN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"counselling-{booking.pk}@jzgh")
    event.add("summary", f"心理咨询（{booking.get_mode_display()}）")
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("dtstamp", timezone.now())
    if booking.mode == Booking.Mode.IN_PERSON:
        event.add("location", booking.slot.place)
    event.add("description", f"咨询师：{booking.slot.counsellor.get_full_name()}。如需取消请在“我的”页面操作。")
    calendar.add_component(event)
    return calendar.to_ical()


def bookings_remind(*, within_hours: int = 24) -> int:
    """Remind people of bookings starting soon, once each (idempotent by the reminder time)."""
    now = timezone.now()
    sent = 0
    due = Booking.objects.filter(status=Booking.Status.BOOKED, reminder_sent_at__isnull=True,
                                 starts_at__gt=now, starts_at__lte=now + timedelta(hours=within_hours))
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            booking = Booking.objects.select_for_update().filter(pk=pk, reminder_sent_at__isnull=True).first()
            if booking is None:
                continue
            _notify(recipients=[booking.person_id], title="心理咨询预约提醒",
                    body=f"您预约的{booking.get_mode_display()}咨询将于 "
                         f"{timezone.localtime(booking.starts_at):%m-%d %H:%M} 开始，可下载日历文件。",
                    link=reverse("women_workers:booking_ics", args=[booking.pk]), channels=("site", "sms"),
                    key=_key(f"women-booking-reminder-{booking.pk}"))
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


# ---------------------------------------------------------------- care pairings
def _care_allowed(actor, organization) -> None:
    if not (is_staff_member(actor) and actor.has_perm("women_workers.manage_care")
            and can_act_for(actor, organization)):
        raise PermissionDenied


@transaction.atomic
def family_register(*, actor, data: dict, needs: list[str]) -> CareFamily:
    _care_allowed(actor, data.get("district"))
    family = CareFamily(registered_by=actor, **data)
    family.full_clean()
    family.save()
    for text in needs:
        if text.strip():
            CareNeed.objects.create(family=family, description=text.strip()[:200])
    audit_record(actor=actor, action="women.family.registered", target=family, organization=family.district)
    return family


@transaction.atomic
def family_assign_helpers(*, actor, family: CareFamily, helpers: list) -> CareFamily:
    family = CareFamily.objects.select_for_update().get(pk=family.pk)
    _care_allowed(actor, family.district)
    family.helpers.set(helpers)
    audit_record(actor=actor, action="women.family.helpers_assigned", target=family, organization=family.district,
                 after={"helpers": [h.pk for h in helpers]})
    _notify(recipients=helpers, title="您已被安排结对帮扶一线女职工家庭", body=str(family),
            link=reverse("women_workers:family_detail", args=[family.pk]),
            key=_key(f"women-family-helpers-{family.pk}-{'-'.join(str(h.pk) for h in helpers)}"))
    return family


def _may_log(actor, family: CareFamily) -> bool:
    return family.helpers.filter(pk=actor.pk).exists() or (
        actor.has_perm("women_workers.manage_care") and can_act_for(actor, family.district))


@transaction.atomic
def visit_log(*, actor, family: CareFamily, visited_on: date, help_given: str) -> CareVisit:
    if not _may_log(actor, family):
        raise PermissionDenied
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "走访日期不能晚于今天。"})
    if visited_on < family.created_at.date() - timedelta(days=365):
        raise ValidationError({"visited_on": "走访日期太早，请检查。"})
    visit = CareVisit(family=family, helper=actor, visited_on=visited_on, help_given=help_given.strip())
    visit.full_clean()
    visit.save()
    audit_record(actor=actor, action="women.family.visited", target=family, organization=family.district)
    return visit


@transaction.atomic
def need_solve(*, actor, need: CareNeed) -> CareNeed:
    need = CareNeed.objects.select_for_update().select_related("family").get(pk=need.pk)
    if not _may_log(actor, need.family):
        raise PermissionDenied
    if need.solved_at is not None:
        raise ValidationError({"__all__": "这项需求已经标记为解决。"})
    need.solved_at, need.solved_by = timezone.now(), actor
    need.save(update_fields=["solved_at", "solved_by"])
    audit_record(actor=actor, action="women.need.solved", target=need, organization=need.family.district)
    return need


# ---------------------------------------------------------------- commendations
COMMENDATION_TRANSITIONS = {
    Commendation.Status.RECOMMENDED: {Commendation.Status.UNDER_REVIEW, Commendation.Status.DECLINED},
    Commendation.Status.UNDER_REVIEW: {Commendation.Status.APPROVED, Commendation.Status.DECLINED},
}


@transaction.atomic
def commendation_recommend(*, actor, data: dict) -> Commendation:
    if not (actor.has_perm("women_workers.recommend_commendation") and can_act_for(actor, data.get("organization"))):
        raise PermissionDenied
    commendation = Commendation(recommended_by=actor, **data)
    commendation.full_clean()
    commendation.save()
    audit_record(actor=actor, action="women.commendation.recommended", target=commendation,
                 organization=commendation.organization)
    return commendation


@transaction.atomic
def commendation_review(*, actor, commendation: Commendation, status: str) -> Commendation:
    """The department one level up (or the city) moves the review on."""
    commendation = Commendation.objects.select_for_update().select_related("organization").get(pk=commendation.pk)
    if not (actor.has_perm("women_workers.view_women_affairs") and can_act_for(actor, commendation.organization)
            and actor.organization_id != commendation.organization_id or actor.is_superuser):
        raise PermissionDenied
    if status not in COMMENDATION_TRANSITIONS.get(commendation.status, set()):
        raise ValidationError({"status": "当前审核状态不能改为所选状态。"})
    before = commendation.status
    commendation.status = status
    commendation.save(update_fields=["status"])
    audit_record(actor=actor, action="women.commendation.reviewed", target=commendation,
                 organization=commendation.organization, before={"status": before}, after={"status": status})
    return commendation
