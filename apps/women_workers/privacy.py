"""A woman worker's own records (special-period arrangements, counselling) and a counsellor's or a
helper's: their copy (PIPL art. 45), and what closing the account does (art. 47).

Pregnancy, nursing and counselling are health information, sensitive under PIPL art. 28: closing
erases everything she wrote and everything written about her that no duty keeps (her reasons, her
child's birth date, the union's negotiation notes, the counsellor's confidential note, the topic
and phone of a booking). What stays, without any of that, are the outcomes the union counts and
reports (an arrangement agreed or refused by an employer, a session held, that a crisis alert was
raised and acted on). The copy shows what the app shows her: never the counsellor's confidential
note nor a crisis flag, never another person's contact details.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.registry import ClosureNote, DataSection

from .models import Arrangement, Booking, CareFamily, CareNeed, CareVisit, CounsellingSlot

MODES = dict(Booking.Mode.choices)
# How long, after a crisis alert, the department may still need to reach a person who closed her account.
CRISIS_CONTACT_HOLD_DAYS = 7


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def my_women_data(user) -> list[DataSection]:
    """Six queries at most, whatever the number of records."""
    sections = []
    arrangements = Arrangement.objects.filter(worker=user).select_related("union").order_by("created_at", "pk")
    rows = [[a.created_at, "本人提交" if a.submitted_by_id == user.pk else "工会代为提交", a.employer_name,
             str(a.union), a.get_kind_display(), a.get_period_display(), a.child_birth_date, a.starts_on, a.ends_on,
             a.reason, a.get_status_display(), a.outcome_note, a.decided_at] for a in arrangements]
    if rows:
        sections.append(DataSection(
            title="特殊时期工作安排",
            columns=["提交时间", "提交方式", "用人单位", "所在工会", "安排方式", "特殊时期", "子女出生日期", "开始日期",
                     "结束日期", "我的说明", "状态", "工会的答复", "结果时间"],
            rows=rows))
    bookings = Booking.objects.filter(person=user).select_related("slot__counsellor").order_by("starts_at", "pk")
    rows = [[b.starts_at, b.ends_at, b.get_mode_display(), b.slot.place if b.mode == Booking.Mode.IN_PERSON else "",
             _name(b.slot.counsellor), b.topic, b.contact_phone, b.get_status_display(), b.created_at, b.cancelled_at]
            for b in bookings]
    if rows:
        sections.append(DataSection(
            title="心理咨询预约",
            columns=["开始时间", "结束时间", "咨询方式", "面谈地点", "咨询师", "想聊的话题", "联系电话", "状态",
                     "预约时间", "取消时间"],
            rows=rows))
    slots = (CounsellingSlot.objects.filter(counsellor=user).order_by("starts_at", "pk")
             .annotate(held=Count("bookings", filter=Q(bookings__status=Booking.Status.HELD)),
                       booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED))))
    rows = [[s.starts_at, s.ends_at, "、".join(MODES.get(m, m) for m in s.modes.split(",")), s.place,
             "已撤下" if s.is_withdrawn else "已咨询" if s.held else "已预约" if s.booked else "空闲"]
            for s in slots]
    if rows:
        sections.append(DataSection(title="我发布的咨询时段（咨询师）",
                                    columns=["开始时间", "结束时间", "可选方式", "面谈地点", "情况"], rows=rows))
    families = CareFamily.objects.filter(helpers=user).select_related("district").order_by("created_at", "pk")
    rows = [[str(f), f.member_role, str(f.district), f.created_at] for f in families]
    if rows:
        sections.append(DataSection(title="结对帮扶（我是帮扶人）", columns=["帮扶家庭", "一线女职工岗位", "所属工会",
                                                                            "登记时间"], rows=rows))
    visits = CareVisit.objects.filter(helper=user).select_related("family").order_by("visited_on", "pk")
    rows = [[v.visited_on, str(v.family), v.help_given, v.created_at] for v in visits]
    if rows:
        sections.append(DataSection(title="我记录的帮扶走访", columns=["走访日期", "帮扶家庭", "帮扶内容", "记录时间"],
                                    rows=rows))
    needs = CareNeed.objects.filter(solved_by=user).select_related("family").order_by("solved_at", "pk")
    rows = [[str(n.family), n.description, n.solved_at] for n in needs]
    if rows:
        sections.append(DataSection(title="我解决的帮扶需求", columns=["帮扶家庭", "困难与需求", "解决时间"],
                                    rows=rows))
    return sections


def _close_arrangements(user, note: ClosureNote) -> None:
    from .services import arrangement_withdraw

    pending = list(Arrangement.objects.filter(worker=user).exclude(status__in=Arrangement.CLOSED))
    for arrangement in pending:
        arrangement_withdraw(actor=user, arrangement=arrangement)
    deleted, _ = Arrangement.objects.filter(worker=user, status=Arrangement.Status.WITHDRAWN).delete()
    if deleted:
        note.erased.append(f"已撤回的特殊时期工作安排申请 {deleted} 份" + (
            f"（其中进行中的 {len(pending)} 份先行撤回）" if pending else ""))
    outcomes = Arrangement.objects.filter(worker=user, status__in=Arrangement.OUTCOMES)
    erased = (outcomes.filter(~Q(reason="") | Q(child_birth_date__isnull=False) | ~Q(negotiation_note="")
                              | ~Q(outcome_note=""))
              .update(reason="", child_birth_date=None, negotiation_note="", outcome_note=""))
    if erased:
        note.erased.append("特殊时期工作安排中您写的说明、子女出生日期，以及工会的协商记录和答复")
    if outcomes.exists():
        note.kept.append("已有结果的特殊时期工作安排（用人单位、安排方式、期间、结果）作为工会女职工劳动保护的工作统计保留，"
                         "已不含您的姓名、说明、子女出生日期和协商记录。")


def _close_bookings(user, note: ClosureNote) -> None:
    from .services import booking_cancel

    upcoming = list(Booking.objects.filter(person=user, status=Booking.Status.BOOKED, starts_at__gt=timezone.now()))
    for booking in upcoming:
        booking_cancel(actor=user, booking=booking)
    deleted, _ = Booking.objects.filter(person=user, status=Booking.Status.CANCELLED).delete()
    if deleted:
        note.erased.append(f"已取消的心理咨询预约 {deleted} 次" + (
            f"（其中尚未进行的 {len(upcoming)} 次先行取消，时段已释放给其他人）" if upcoming else ""))
    remaining = Booking.objects.filter(person=user)
    # A crisis alert still being acted on keeps one way to reach her (PIPL art. 13(4)): the booking's
    # phone, else the account's, which is about to go. purge_crisis_contacts erases it when the hold ends.
    hold_since = timezone.now() - timedelta(days=CRISIS_CONTACT_HOLD_DAYS)
    holding = remaining.filter(crisis=True, crisis_flagged_at__gte=hold_since)
    if user.phone:
        holding.filter(contact_phone="").update(contact_phone=user.phone)
    erased = (remaining.filter(~Q(topic="") | ~Q(note="")).update(topic="", note="")
              + remaining.exclude(contact_phone="").exclude(pk__in=holding.values("pk")).update(contact_phone=""))
    if erased:
        note.erased.append("心理咨询的话题、联系电话和咨询师的保密记录")
    left = remaining.aggregate(total=Count("pk"), crisis=Count("pk", filter=Q(crisis=True)),
                               holding=Count("pk", filter=Q(pk__in=holding.values("pk"))))
    if left["total"]:
        note.kept.append("已进行的心理咨询只保留时间、方式和咨询师，计入工会心理服务次数。")
    if left["crisis"]:
        note.kept.append("咨询中发出的危机预警只保留预警时间，作为工会开展心理危机干预的工作记录。")
    if left["holding"]:
        days = CRISIS_CONTACT_HOLD_DAYS
        note.kept.append(f"最近 {days} 天内发出的心理危机预警仍在处置：为保护您的生命健康（《个人信息保护法》"
                         f"第十三条第四项），预警所需的联系电话保留到预警发出后第 {days} 天，届时自动删除。")


def _close_counsellor(user, note: ClosureNote) -> None:
    from .services import counsellor_slots_withdraw

    withdrawn = counsellor_slots_withdraw(counsellor=user)
    if withdrawn:
        note.erased.append(f"您发布的 {withdrawn} 个未来咨询时段已撤下，已预约的来访者已收到取消通知")
    if Booking.objects.filter(slot__counsellor=user, status=Booking.Status.HELD).exists():
        note.kept.append("您作为咨询师进行的咨询及记录属于来访者的保密档案，保留；咨询师显示为“已注销用户”。")


def _close_helper(user, note: ClosureNote) -> None:
    through = CareFamily.helpers.through
    families = list(through.objects.filter(user=user).values_list("carefamily_id", flat=True))
    if families:
        through.objects.filter(user=user).delete()
        audit_record(actor=None, action="women.family.helper_left", after={"families": families})
        note.erased.append(f"您与 {len(families)} 户一线女职工家庭的结对关系（请所属工会另行安排帮扶人）")
    if CareVisit.objects.filter(helper=user).exists() or CareNeed.objects.filter(solved_by=user).exists():
        note.kept.append("您记录的帮扶走访和解决的需求是被帮扶家庭的帮扶档案，保留；记录人显示为“已注销用户”。")


@transaction.atomic
def women_records_close(*, user) -> ClosureNote | None:
    """Inside the account-closing transaction: withdraw and cancel what is pending, erase the rest."""
    note = ClosureNote(app="女职工关爱")
    _close_arrangements(user, note)
    _close_bookings(user, note)
    _close_counsellor(user, note)
    _close_helper(user, note)
    return note if note.erased or note.kept else None


@transaction.atomic
def crisis_contacts_purge(*, now=None) -> int:
    """Erase the phone kept on a crisis alert of a closed account once the hold is over; idempotent."""
    now = now or timezone.now()
    return (Booking.objects.filter(person__is_active=False, crisis=True,
                                   crisis_flagged_at__lt=now - timedelta(days=CRISIS_CONTACT_HOLD_DAYS))
            .exclude(contact_phone="").update(contact_phone=""))
