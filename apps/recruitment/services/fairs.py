"""Services: fairs."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Enterprise, Organization
from apps.notifications.services import notify

from ..models import (
    FairParticipation,
    JobFair,
    JobPost,
    LiveSession,
)
from ..permissions import is_member, staff_can_manage
from .common import _employer_user_ids


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
        if not staff_can_manage(actor, enterprise) and not actor.is_superuser:
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


