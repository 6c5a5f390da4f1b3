"""A volunteer's, a wisher's and a donor's own records: their copy (PIPL art. 45), and what closing
the account does (art. 47).

Closing frees what is pending through the services (a sign-up to a coming activity is cancelled and
the waiting list moves up; a wish nobody has claimed is withdrawn; a wish the person claimed but has
not delivered goes back on the list) and erases what the person wrote (skills, availability, the
reason behind a wish). Service hours stay with the volunteer number (the union's volunteer-service
statistics and other volunteers' certificates and rankings rest on them), and wishes a donor took
up stay as the record of a gift between two people and the union.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.registry import ClosureNote, DataSection

from .models import Signup, Volunteer, Wish


def my_volunteer_data(user) -> list[DataSection]:
    """Registration, sign-ups with check-ins and hours, wishes posted, wishes claimed: four queries."""
    from . import selectors

    sections = []
    volunteer = selectors.volunteer_of(user)
    if volunteer is not None:
        signups = list(selectors.my_signups(user))
        total = sum((s.hours for s in signups), Decimal("0"))
        sections.append(DataSection(
            title="志愿者登记",
            columns=["编号", "审核工会", "服务县（市、区）", "特长技能", "可服务时间", "状态", "登记时间", "审核时间",
                     "累计服务时长（小时）"],
            rows=[[volunteer.number, volunteer.union.name, volunteer.district.name, volunteer.skills,
                   volunteer.availability, volunteer.get_status_display(), volunteer.created_at, volunteer.approved_at,
                   total]]))
        sections.append(DataSection(
            title="志愿服务活动",
            columns=["活动", "服务类型", "组织单位", "开始时间", "结束时间", "地点", "报名状态", "报名时间", "签到时间",
                     "签退时间", "时长（小时）"],
            rows=[[s.activity.title, s.activity.get_kind_display(), s.activity.organiser.name, s.activity.starts_at,
                   s.activity.ends_at, s.activity.place or s.activity.online_link, s.get_status_display(), s.created_at,
                   s.checked_in_at, s.checked_out_at, s.hours] for s in signups]))
    wishes = list(selectors.my_wishes(user).select_related("union"))
    if wishes:
        sections.append(DataSection(
            title="我的微心愿",
            columns=["心愿", "缘由", "价值（元）", "所属工会", "状态", "登记时间", "发布时间", "认领时间",
                     "确认实现时间"],
            rows=[[w.what, w.why, w.value, w.union.name, w.get_status_display(), w.created_at, w.published_at,
                   w.claimed_at, w.confirmed_at] for w in wishes]))
    claims = list(selectors.my_claims(user))
    if claims:
        sections.append(DataSection(
            title="我认领的微心愿",
            columns=["心愿", "价值（元）", "所属工会", "状态", "认领时间", "实现期限", "送达时间", "确认实现时间"],
            rows=[[w.what, w.value, w.union.name, w.get_status_display(), w.claimed_at, w.due_at, w.fulfilled_at,
                   w.confirmed_at] for w in claims]))
    return sections


def _close_volunteer(user, note: ClosureNote) -> None:
    from .services import signup_cancel

    volunteer = Volunteer.objects.select_for_update().filter(user=user).first()
    if volunteer is None:
        return
    coming = list(Signup.objects.filter(volunteer=volunteer, activity__starts_at__gt=timezone.now(),
                                        status__in=[Signup.Status.CONFIRMED, Signup.Status.WAITING])
                  .order_by("activity_id"))
    for signup in coming:
        signup_cancel(user=user, signup=signup, account_closing=True)
    deleted, _ = Signup.objects.filter(volunteer=volunteer, status=Signup.Status.CANCELLED).delete()
    if deleted:
        note.erased.append(f"已取消的志愿服务活动报名 {deleted} 条" + (
            f"（其中尚未开始的 {len(coming)} 项先行取消，名额已按候补顺序递补）" if coming else ""))
    if volunteer.status != Volunteer.Status.APPROVED:
        audit_record(actor=None, action="volunteers.volunteer.deleted_on_closing", target=volunteer,
                     organization=volunteer.union)
        volunteer.delete()
        note.erased.append("未通过审核或待审核的志愿者登记已删除")
        return
    if volunteer.skills or volunteer.availability:
        volunteer.skills = volunteer.availability = ""
        volunteer.save(update_fields=["skills", "availability"])
        note.erased.append("志愿者登记中的特长技能和可服务时间")
    note.kept.append("志愿者编号、服务县区和已参加活动的签到、签退和服务时长计入工会志愿服务统计和排行，保留，"
                     "不含您的姓名和联系方式。")


def _close_wishes(user, note: ClosureNote) -> None:
    from .services import wish_release, wish_withdraw

    open_wishes = list(Wish.objects.filter(wisher=user, status__in=[Wish.Status.DRAFT, Wish.Status.PUBLISHED]))
    for wish in open_wishes:
        wish_withdraw(actor=user, wish=wish)
    if Wish.objects.filter(wisher=user, status=Wish.Status.WITHDRAWN).exclude(what="", why="").update(what="", why=""):
        note.erased.append("已撤回的微心愿的内容和缘由" + (
            f"（其中尚未被认领的 {len(open_wishes)} 个先行撤回）" if open_wishes else ""))
    if Wish.objects.filter(wisher=user).exclude(why="").update(why=""):
        note.erased.append("已被认领的微心愿的缘由")
    if Wish.objects.filter(wisher=user).exclude(status=Wish.Status.WITHDRAWN).exists():
        note.kept.append("已被认领的微心愿（心愿内容、价值、认领和实现时间）是爱心捐赠的记录，保留；工会将继续协助实现。")
    claimed = list(Wish.objects.filter(donor=user, status=Wish.Status.CLAIMED))
    for wish in claimed:
        wish_release(actor=user, wish=wish)
    if claimed:
        note.erased.append(f"您与 {len(claimed)} 个已认领、尚未送达的微心愿的认领关系（心愿已重新开放认领）")
    if Wish.objects.filter(donor=user).exists():
        note.kept.append("您帮助实现的微心愿是心愿人和工会的受赠记录，保留；认领人显示为“已注销用户”。")


@transaction.atomic
def volunteer_records_close(*, user) -> ClosureNote | None:
    """Inside the account-closing transaction: free what is pending, erase what the person wrote."""
    note = ClosureNote(app="志愿服务")
    _close_volunteer(user, note)
    _close_wishes(user, note)
    return note if note.erased or note.kept else None
