"""Postponed union elections (换届延期) and social union workers (社会化工会工作者)."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.validators import normalize_mobile
from apps.notifications.services import notify

from ..models import EpidemicPeriod, SocialWorker, UnionProfile
from .common import check_scope, message_key, transition

TERM_YEARS = 5


def current_epidemic() -> EpidemicPeriod | None:
    return EpidemicPeriod.objects.order_by("-started_on", "-id").first()


def _reasonable(value: dt.date | None, field: str) -> None:
    if value is not None and not (2000 <= value.year <= 2100):
        raise ValidationError({field: "日期超出合理范围。"})


def _profile(union: Organization) -> UnionProfile:
    profile, _ = UnionProfile.objects.get_or_create(organization=union, defaults={"county": union.county})
    return UnionProfile.objects.select_for_update().get(pk=profile.pk)


@transaction.atomic
def term_set(*, actor, union: Organization, term_start: dt.date, term_end: dt.date) -> UnionProfile:
    """Record a union's current term."""
    check_scope(actor, union)
    _reasonable(term_start, "term_start")
    _reasonable(term_end, "term_end")
    if term_end <= term_start:
        raise ValidationError({"term_end": "任期届满日期应晚于开始日期。"})
    profile = _profile(union)
    before = {"term_start": str(profile.term_start), "term_end": str(profile.term_end)}
    profile.term_start, profile.term_end = term_start, term_end
    profile.save(update_fields=["term_start", "term_end"])
    audit_record(actor=actor, action="organizing.term.set", target=union, before=before,
                 after={"term_start": str(term_start), "term_end": str(term_end)}, organization=union)
    return profile


@transaction.atomic
def election_postpone(*, actor, union: Organization, reason: str) -> UnionProfile:
    """Record that a union whose term ends during the epidemic postpones its election."""
    check_scope(actor, union)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200 or "\x00" in reason:
        raise ValidationError({"reason": "请填写延期原因（不超过200字）。"})
    epidemic = current_epidemic()
    profile = _profile(union)
    if epidemic is None or profile.term_end is None or profile.term_end < epidemic.started_on or (
            epidemic.ended_on and profile.term_end > epidemic.ended_on):
        raise ValidationError("该工会任期不在疫情期间届满，无需延期换届。")
    if profile.election_postponed_on:
        raise ValidationError("已登记延期换届。")
    profile.election_postponed_on, profile.postponement_reason = timezone.localdate(), reason
    if epidemic.ended_on:
        profile.election_due_by = epidemic.ended_on + dt.timedelta(days=epidemic.election_deadline_days)
    profile.save(update_fields=["election_postponed_on", "postponement_reason", "election_due_by"])
    audit_record(actor=actor, action="organizing.election.postponed", target=union, after={"reason": reason},
                 organization=union)
    return profile


@transaction.atomic
def election_record(*, actor, union: Organization, held_on: dt.date) -> UnionProfile:
    """The union has held its election: a new term starts."""
    check_scope(actor, union)
    _reasonable(held_on, "held_on")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "换届日期不能晚于今天。"})
    profile = _profile(union)
    if not profile.election_postponed_on:
        raise ValidationError("该工会没有登记延期换届。")
    if profile.election_held_on:
        raise ValidationError("已登记换届。")
    profile.election_held_on, profile.term_start = held_on, held_on
    profile.term_end = dt.date(held_on.year + TERM_YEARS, held_on.month, min(held_on.day, 28))
    profile.save(update_fields=["election_held_on", "term_start", "term_end"])
    audit_record(actor=actor, action="organizing.election.held", target=union, after={"held_on": str(held_on)},
                 organization=union)
    return profile


def _union_staff(union_ids) -> list[int]:
    return list(get_user_model().objects.filter(organization_id__in=list(union_ids), is_active=True)
                .values_list("pk", flat=True))


@transaction.atomic
def epidemic_record(*, actor, started_on: dt.date, ended_on: dt.date | None, deadline_days: int) -> EpidemicPeriod:
    """The city office records the epidemic period; when it records the end, every union that
    postponed its election is told the date by which to hold it."""
    if not actor.has_perm("organizing.manage_elections"):
        raise PermissionDenied("只有市总工会办公室可以登记疫情期间。")
    _reasonable(started_on, "started_on")
    _reasonable(ended_on, "ended_on")
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": "结束日期不能早于开始日期。"})
    if not 1 <= deadline_days <= 365:
        raise ValidationError({"deadline_days": "应为1到365天。"})
    period = EpidemicPeriod.objects.select_for_update().order_by("-started_on", "-id").first()
    newly_ended = ended_on is not None and (period is None or period.ended_on != ended_on)
    if period is None:
        period = EpidemicPeriod(started_on=started_on)
    period.started_on, period.ended_on = started_on, ended_on
    period.election_deadline_days, period.recorded_by = deadline_days, actor
    period.full_clean()
    period.save()
    audit_record(actor=actor, action="organizing.epidemic.recorded", target=period,
                 after={"started_on": str(started_on), "ended_on": str(ended_on), "days": deadline_days})
    if newly_ended:
        due = ended_on + dt.timedelta(days=deadline_days)
        waiting = UnionProfile.objects.filter(election_postponed_on__isnull=False, election_held_on__isnull=True)
        union_ids = list(waiting.values_list("organization_id", flat=True))
        waiting.update(election_due_by=due)
        notify(recipients=_union_staff(union_ids), title="疫情已结束，请按期完成工会换届",
               body=f"请于 {due:%Y年%m月%d日} 前完成换届选举，并在平台登记。",
               link=reverse("organizing:election_list"), key=message_key(f"epidemic-ended-{period.pk}-{ended_on}"))
    return period


def remind_overdue_elections(*, today: dt.date | None = None) -> int:
    """Daily: remind unions past their due date that have not held the election (once a day each)."""
    today = today or timezone.localdate()
    overdue = list(UnionProfile.objects.filter(election_due_by__lt=today, election_held_on__isnull=True,
                                               election_postponed_on__isnull=False)
                   .values_list("organization_id", flat=True))
    if overdue:
        notify(recipients=_union_staff(overdue), title="工会换届已逾期", body="请尽快完成换届选举并在平台登记。",
               link=reverse("organizing:election_list"), key=message_key(f"overdue-{today}"))
    return len(overdue)


# --- social union workers ----------------------------------------------------------------------

SOCIAL_TRANSITIONS = {SocialWorker.Status.PENDING: (SocialWorker.Status.APPROVED, SocialWorker.Status.REJECTED)}


@transaction.atomic
def social_worker_register(*, actor, data: dict) -> SocialWorker:
    union = data["union"]
    check_scope(actor, union)
    try:
        phone = normalize_mobile(data["phone"])
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    _reasonable(data["assigned_since"], "assigned_since")
    worker = SocialWorker(name=data["name"], phone=phone, union=union, team=data["team"],
                          assigned_since=data["assigned_since"], team_role=data["team_role"], registered_by=actor)
    worker.full_clean()
    worker.save()
    audit_record(actor=actor, action="organizing.social_worker.registered", target=worker, organization=union)
    return worker


@transaction.atomic
def social_worker_review(*, actor, worker: SocialWorker, approve: bool) -> SocialWorker:
    """Approved (or not) by their union: staff of that union or above it."""
    worker = SocialWorker.objects.select_for_update().select_related("union").get(pk=worker.pk)
    check_scope(actor, worker.union)
    old = transition(worker, SOCIAL_TRANSITIONS,
                     SocialWorker.Status.APPROVED if approve else SocialWorker.Status.REJECTED, label="登记")
    worker.approved_by = actor
    worker.save(update_fields=["status", "approved_by"])
    audit_record(actor=actor, action=f"organizing.social_worker.{worker.status}", target=worker,
                 before={"status": old}, after={"status": worker.status}, organization=worker.union)
    return worker
