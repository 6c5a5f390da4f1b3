"""A member's own organizing records: their copy (PIPL art. 45), and what closing the account does.

Closing the portal account is not leaving the union. An active member stays on the union's roll
(name, ID number kept encrypted and as a keyed hash so nobody joins twice, member number, union,
history): only the link to the account, the phone number and the e-card's verification address go.
A membership that has already ended is kept as a fact of the roll's history without the person's
name, ID number or phone. Join applications still pending are withdrawn through the service;
applications that never made anyone a member are deleted.
"""
from __future__ import annotations

from django.db import transaction

from apps.core.audit import audit_record
from apps.core.registry import ClosureNote, DataSection

from .models import Membership, MembershipApplication, MembershipEvent, SocialWorker, _verify_token

CLOSED_NAME = "已注销用户"
A = MembershipApplication.Status


def _social_workers(user):
    """Registrations as a social union worker carry no account: they are the person's when the phone
    number on them is the one the account proved it owns."""
    if not user.phone or not user.phone_verified_at:
        return SocialWorker.objects.none()
    return SocialWorker.objects.filter(phone=user.phone)


def my_membership_data(user) -> list[DataSection]:
    """Membership, its history, join applications, social-worker registration: at most four queries."""
    from .selectors import membership_of

    sections = []
    membership = membership_of(user)
    if membership is not None:
        sections.append(DataSection(
            title="工会会员",
            columns=["会员编号", "姓名", "身份证号码", "手机号码", "所在工会", "工作单位", "职业（岗位）",
                     "新就业形态", "入会方式", "状态", "入会时间", "退会/终止时间", "退会/终止原因"],
            rows=[[membership.member_number, membership.real_name, membership.id_masked, membership.phone,
                   str(membership.union), str(membership.enterprise or "无固定工作单位"), membership.occupation,
                   membership.get_new_form_work_display(), "网上入会" if membership.joined_online else "工会登记",
                   membership.get_status_display(), membership.joined_at, membership.ended_at,
                   membership.end_reason]],
        ))
        events = MembershipEvent.objects.filter(membership=membership).select_related("from_union", "to_union")
        sections.append(DataSection(
            title="会籍变动", columns=["时间", "事项", "原工会", "新工会", "说明"],
            rows=[[e.created_at, e.get_kind_display(), str(e.from_union or ""), str(e.to_union or ""), e.reason]
                  for e in events],
        ))
    applications = (MembershipApplication.objects.filter(user=user).select_related("union", "enterprise")
                    .order_by("created_at", "pk"))
    rows = [[a.created_at, a.real_name, a.id_masked, a.phone, a.employer_label, a.occupation,
             a.get_new_form_work_display(), str(a.union), a.get_status_display(), a.return_reason, a.reviewed_at]
            for a in applications]
    if rows:
        sections.append(DataSection(
            title="入会申请",
            columns=["提交时间", "姓名", "身份证号码", "手机号码", "工作单位", "职业（岗位）", "新就业形态", "受理工会",
                     "状态", "退回原因", "审核时间"],
            rows=rows,
        ))
    workers = _social_workers(user).select_related("union").order_by("created_at", "pk")
    rows = [[w.name, w.phone, str(w.union), w.team, w.team_role, w.assigned_since, w.get_status_display(),
             w.created_at] for w in workers]
    if rows:
        sections.append(DataSection(
            title="社会化工会工作者登记",
            columns=["姓名", "手机号码", "所属工会", "防控队伍", "承担任务", "派驻起始日期", "状态", "登记时间"],
            rows=rows,
        ))
    return sections


def _close_membership(user, note: ClosureNote) -> None:
    from .selectors import _member_q

    membership = Membership.objects.select_for_update().filter(_member_q(user)).order_by("user_id").first()
    if membership is None:
        return
    before = {"status": membership.status, "linked": membership.user_id is not None}
    membership.user = None
    membership.phone = ""
    membership.verify_token = _verify_token()
    fields = ["user", "phone", "verify_token"]
    if membership.is_active:
        note.erased.append("会籍与平台账号的关联、会籍登记的手机号码；电子会员卡及其核验二维码随之失效")
        note.kept.append(
            "注销平台账号不等于退会：您仍是工会会员。会员名册中的会员编号、姓名、所在工会、工作单位和会籍变动记录由工会"
            "依照会员会籍管理的规定保存，身份证号码只以加密件和摘要保存，用于防止重复入会。如需退会，请联系所在工会办理。")
    else:
        membership.real_name = CLOSED_NAME
        membership.id_digest = f"closed-{membership.pk}"
        membership.id_cipher = ""
        membership.id_masked = ""
        membership.occupation = ""
        fields += ["real_name", "id_digest", "id_cipher", "id_masked", "occupation"]
        note.erased.append("已结束会籍中的姓名、身份证号码、手机号码和职业")
        note.kept.append("已结束的会籍（会员编号、所在工会、入会和退会时间、会籍变动记录）作为工会会员名册的历史保留，"
                         "已不含您的姓名、身份证号码和手机号码。")
    membership.save(update_fields=fields)
    audit_record(actor=None, action="organizing.membership.account_closed", target=membership,
                 organization=membership.union, before=before, after={"status": membership.status, "linked": False})


@transaction.atomic
def membership_records_close(*, user) -> ClosureNote | None:
    """Inside the account-closing transaction: withdraw, delete or anonymise; the roll stays."""
    from .services import application_withdraw

    note = ClosureNote(app="工会会员")
    pending = list(MembershipApplication.objects.filter(user=user, status=A.SUBMITTED))
    for application in pending:
        application_withdraw(user=user, application=application)
    if pending:
        note.erased.append("待审核的入会申请已撤回")
    deleted, _ = MembershipApplication.objects.filter(user=user).exclude(status=A.APPROVED).delete()
    if deleted:
        note.erased.append(f"未通过或已撤回的入会申请 {deleted} 份（含姓名、身份证号码、手机号码）已删除")
    # An approved application is the admission on the roll; the membership holds whatever the roll needs.
    anonymised = (MembershipApplication.objects.filter(user=user, status=A.APPROVED).exclude(real_name=CLOSED_NAME)
                  .update(real_name=CLOSED_NAME, id_digest="", id_cipher="", id_masked="", phone=""))
    if anonymised:
        note.erased.append("已通过的入会申请中的姓名、身份证号码和手机号码")
    if MembershipApplication.objects.filter(user=user).exists():
        note.kept.append("已通过的入会申请（受理工会、审核时间）作为入会审批记录保留，已不含您的姓名、身份证号码和手机号码。")
    _close_membership(user, note)
    if _social_workers(user).exists():
        note.kept.append("社会化工会工作者登记是聘用工会的用工和派驻记录，由所属工会管理，不随平台账号注销删除；"
                         "如需更正或删除，请联系所属工会。")
    return note if note.erased or note.kept else None
