"""Supervision visits, health monitoring figures, accident reports and the 安康杯 competition."""
from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Enterprise
from apps.core.scoping import scope_root
from apps.notifications.services import notify

from ..models import MAX_FIGURE, AccidentReport, AnkangEntry, HealthDailyFigure, HealthRules, SupervisionVisit
from ..permissions import can_judge_ankang
from .common import lock_enterprise, message_key, require_enterprise, require_perm

EARLIEST = date(2020, 1, 1)


def _not_future(value: date | None, field: str, label: str) -> None:
    if value is not None and not (EARLIEST <= value <= timezone.localdate()):
        raise ValidationError({field: f"{label}须在 2020 年以后且不晚于今天。"})


@transaction.atomic
def visit_record(*, actor, enterprise: Enterprise, visited_on: date, visitors: str, findings: str,
                 follow_up_on: date | None = None) -> SupervisionVisit:
    require_perm(actor, "protection.record_visit")
    require_enterprise(actor, enterprise)
    _not_future(visited_on, "visited_on", "检查日期")
    if follow_up_on is not None and (follow_up_on <= visited_on or (follow_up_on - visited_on).days > 366):
        raise ValidationError({"follow_up_on": "复查日期须在检查日期之后一年以内。"})
    visit = SupervisionVisit(enterprise=enterprise, organization=scope_root(actor), visited_on=visited_on,
                             visitors=visitors.strip(), findings=findings.replace("\x00", "").strip(),
                             follow_up_on=follow_up_on, created_by=actor)
    visit.full_clean()
    visit.save()
    audit_record(actor=actor, action="protection.visit.recorded", target=visit,
                 after={"enterprise": enterprise.pk, "visited_on": str(visited_on)})
    return visit


def visits_send_follow_up_reminders(*, today: date | None = None) -> int:
    """Remind the recorder on the follow-up date; each visit once (the row is marked under a lock)."""
    today = today or timezone.localdate()
    sent = 0
    due = SupervisionVisit.objects.filter(follow_up_on__lte=today, reminder_sent_at__isnull=True).values_list(
        "pk", flat=True)
    for visit_id in list(due):
        with transaction.atomic():
            visit = (SupervisionVisit.objects.select_for_update().select_related("enterprise")
                     .filter(pk=visit_id, reminder_sent_at__isnull=True).first())
            if visit is None:
                continue
            visit.reminder_sent_at = timezone.now()
            visit.save(update_fields=["reminder_sent_at"])
            notify(recipients=[visit.created_by_id], title=f"复查提醒：{visit.enterprise.name}",
                   body=f"{visit.visited_on:%Y-%m-%d} 监督检查约定 {visit.follow_up_on:%Y-%m-%d} 复查。",
                   link=reverse("protection:visit_detail", args=[visit.pk]),
                   key=message_key(f"protection:visit:{visit.pk}:follow-up"))
            sent += 1
    return sent


@transaction.atomic
def health_rules_save(*, actor, enterprise: Enterprise, monitoring: str, entry: str, canteen: str,
                      hygiene: str) -> HealthRules:
    require_perm(actor, "protection.report_health")
    require_enterprise(actor, enterprise)
    texts = {"monitoring": monitoring, "entry": entry, "canteen": canteen, "hygiene": hygiene}
    texts = {key: value.replace("\x00", "").strip()[:3000] for key, value in texts.items()}
    empty = {key: "请填写本项制度。" for key, value in texts.items() if not value}
    if empty:
        raise ValidationError(empty)
    enterprise = lock_enterprise(enterprise)
    rules, _ = HealthRules.objects.select_for_update().update_or_create(
        enterprise=enterprise, defaults={**texts, "updated_by": actor})
    audit_record(actor=actor, action="protection.health.rules_saved", target=rules)
    return rules


def check_figures(*, on_site: int, checked: int, abnormal: int, isolated: int) -> None:
    """Figures that cannot be true are refused, each with a message next to its field."""
    errors = {}
    for name, value in (("on_site", on_site), ("checked", checked), ("abnormal", abnormal), ("isolated", isolated)):
        if value is None or value < 0 or value > MAX_FIGURE:
            errors[name] = f"请填写 0 到 {MAX_FIGURE} 之间的整数。"
    if errors:
        raise ValidationError(errors)
    if checked > on_site:
        errors["checked"] = "监测人数不能多于在岗人数。"
    if abnormal > checked:
        errors["abnormal"] = "异常人数不能多于监测人数。"
    if isolated > on_site:
        errors["isolated"] = "隔离观察人数不能多于在岗人数。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def health_figure_report(*, actor, enterprise: Enterprise, day: date, on_site: int, checked: int, abnormal: int,
                         isolated: int) -> HealthDailyFigure:
    """Report (or correct) one day's aggregate figures."""
    require_perm(actor, "protection.report_health")
    require_enterprise(actor, enterprise)
    _not_future(day, "day", "日期")
    check_figures(on_site=on_site, checked=checked, abnormal=abnormal, isolated=isolated)
    enterprise = lock_enterprise(enterprise)
    existing = HealthDailyFigure.objects.select_for_update().filter(enterprise=enterprise, day=day).first()
    before = None
    if existing is not None:
        before = {"on_site": existing.on_site, "checked": existing.checked, "abnormal": existing.abnormal,
                  "isolated": existing.isolated}
    figure, _ = HealthDailyFigure.objects.update_or_create(
        enterprise=enterprise, day=day, defaults={"on_site": on_site, "checked": checked, "abnormal": abnormal,
                                                  "isolated": isolated, "reported_by": actor})
    audit_record(actor=actor, action="protection.health.figures_reported", target=figure, before=before,
                 after={"day": str(day), "on_site": on_site, "checked": checked, "abnormal": abnormal,
                        "isolated": isolated})
    return figure


@transaction.atomic
def accident_report(*, actor, enterprise: Enterprise, occurred_on: date, summary: str,
                    injured: int = 0) -> AccidentReport:
    if not (actor.has_perm("protection.register_ankang") or actor.has_perm("protection.handle_hazard")):
        raise PermissionDenied("没有权限进行此操作。")
    require_enterprise(actor, enterprise)
    _not_future(occurred_on, "occurred_on", "发生日期")
    report = AccidentReport(enterprise=enterprise, occurred_on=occurred_on, summary=summary.replace("\x00", "").strip(),
                            injured=injured, reported_by=actor)
    report.full_clean()
    report.save()
    audit_record(actor=actor, action="protection.accident.reported", target=report,
                 after={"occurred_on": str(occurred_on), "injured": injured})
    return report


@transaction.atomic
def ankang_register(*, actor, enterprise: Enterprise, year: int) -> AnkangEntry:
    require_perm(actor, "protection.register_ankang")
    require_enterprise(actor, enterprise)
    if year != timezone.localdate().year:
        raise ValidationError({"year": "只能报名本年度的安康杯竞赛。"})
    enterprise = lock_enterprise(enterprise)
    if AnkangEntry.objects.filter(enterprise=enterprise, year=year).exists():
        raise ValidationError({"enterprise": "该企业已报名本年度安康杯竞赛。"})
    entry = AnkangEntry.objects.create(enterprise=enterprise, year=year, registered_by=actor)
    audit_record(actor=actor, action="protection.ankang.registered", target=entry, after={"year": year})
    return entry


@transaction.atomic
def ankang_mark_winner(*, actor, entry: AnkangEntry, winner: bool) -> AnkangEntry:
    """The city federation marks (or unmarks) an entry as a winner."""
    if not can_judge_ankang(actor):
        raise PermissionDenied("只有市总工会可以评定安康杯优胜单位。")
    entry = AnkangEntry.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)
    if entry.is_winner == winner:
        return entry
    before = {"is_winner": entry.is_winner}
    entry.is_winner = winner
    entry.winner_marked_by, entry.winner_marked_at = (actor, timezone.now()) if winner else (None, None)
    entry.save(update_fields=["is_winner", "winner_marked_by", "winner_marked_at"])
    action = "protection.ankang.winner_marked" if winner else "protection.ankang.winner_unmarked"
    audit_record(actor=actor, action=action, target=entry, before=before, after={"is_winner": winner})
    return entry
