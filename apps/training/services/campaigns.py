"""Services: campaigns."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.scoping import can_act_for, is_staff_member

from ..models import (
    Achievement,
    Campaign,
    Criterion,
    Entry,
    Score,
    Stage,
)
from .common import _require_org

CAMPAIGN_TRANSITIONS = {
    Campaign.Status.DRAFT: {Campaign.Status.OPEN},
    Campaign.Status.OPEN: {Campaign.Status.JUDGING},
    Campaign.Status.JUDGING: {Campaign.Status.PUBLISHED},
    Campaign.Status.PUBLISHED: set(),
}

# 工人先锋号: the district reviews first, then the city.
PIONEER_TRANSITIONS = {
    ("submitted", "county_approve"): ("county_approved", "county"),
    ("submitted", "county_return"): ("returned", "county"),
    ("returned", "resubmit"): ("submitted", "applicant"),
    ("county_approved", "city_approve"): ("approved", "city"),
    ("county_approved", "city_reject"): ("rejected", "city"),
}


@transaction.atomic
def campaign_transition(*, actor, campaign: Campaign, to: str) -> Campaign:
    """Move a campaign along draft → open → judging → published; publishing ranks the entries."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_org(actor, campaign.organization)
    if to not in CAMPAIGN_TRANSITIONS[campaign.status]:
        raise ValidationError(f"活动当前为“{campaign.get_status_display()}”，不能改为该状态。")
    before = campaign.status
    campaign.status = to
    fields = ["status"]
    if to == Campaign.Status.PUBLISHED:
        _rank_entries(campaign)
        campaign.results_published_at = timezone.now()
        fields.append("results_published_at")
    campaign.save(update_fields=fields)
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.campaign.{to}", target=campaign, before={"status": before},
                 after={"status": to})
    return campaign


@transaction.atomic
def campaign_create(*, actor, data: dict) -> Campaign:
    """A union in the actor's subtree organises a competition or campaign (it starts as a draft)."""
    _require_org(actor, data["organization"])
    campaign = Campaign(**data, status=Campaign.Status.DRAFT)
    campaign.full_clean()
    campaign.save()
    pagecache.bump("training")
    audit_record(actor=actor, action="training.campaign.created", target=campaign)
    return campaign


@transaction.atomic
def campaign_add_part(*, actor, campaign: Campaign, part) -> None:
    """Add a stage or a scoring criterion; criteria are fixed once judging starts."""
    _require_org(actor, campaign.organization)
    if campaign.status == Campaign.Status.PUBLISHED:
        raise ValidationError("结果已公布，不能再修改活动的阶段和评分标准。")
    if isinstance(part, Criterion) and campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.OPEN):
        raise ValidationError("评审开始后不能再修改评分标准。")
    part.campaign = campaign
    part.full_clean()
    part.save()
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.campaign.{part._meta.model_name}_added", target=campaign,
                 after={"name": part.name})


@transaction.atomic
def campaign_remove_part(*, actor, campaign: Campaign, kind: str, part_id: int) -> None:
    """Remove a stage, a criterion or a judge before judging starts; never once scores exist for it."""
    campaign = Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)
    _require_org(actor, campaign.organization)
    before_judging = campaign.status in (Campaign.Status.DRAFT, Campaign.Status.OPEN)
    if kind == "stage":
        part = Stage.objects.filter(campaign=campaign, pk=part_id).first()
        if part is None:
            raise ValidationError("该阶段不存在或已删除。")
        if not before_judging:
            raise ValidationError("评审开始后不能再删除阶段。")
        if Achievement.objects.filter(stage=part).exists():
            raise ValidationError(f"已有参赛成果归入“{part.name}”阶段，不能删除。")
        label = part.name
    elif kind == "criterion":
        part = Criterion.objects.filter(campaign=campaign, pk=part_id).first()
        if part is None:
            raise ValidationError("该评分项不存在或已删除。")
        if Score.objects.filter(criterion=part).exists():
            raise ValidationError(f"评委已按“{part.name}”打分，不能删除该评分项。")
        if not before_judging:
            raise ValidationError("评审开始后不能再修改评分标准。")
        label = part.name
    elif kind == "judge":
        part = campaign.judges.filter(pk=part_id).first()
        if part is None:
            raise ValidationError("该评委不在本活动中。")
        if Score.objects.filter(entry__campaign=campaign, judge=part).exists():
            raise ValidationError(f"评委 {part.get_full_name() or part.username} 已经打分，不能移除。")
        if campaign.status == Campaign.Status.PUBLISHED:
            raise ValidationError("结果已公布，不能再调整评委。")
        label = part.get_full_name() or part.username
    else:
        raise ValidationError("无法删除该项。")
    if kind == "judge":
        campaign.judges.remove(part)
    else:
        part.delete()
    pagecache.bump("training")
    audit_record(actor=actor, action=f"training.campaign.{kind}_removed", target=campaign,
                 before={"id": part_id, "name": label}, organization=campaign.organization)


def _rank_entries(campaign: Campaign) -> None:
    entries = list(campaign.entries.select_for_update())
    if campaign.is_pioneer:
        entries = [e for e in entries if e.review_status == Entry.Review.APPROVED]
    totals: dict[int, dict[int, Decimal]] = {}
    for entry_id, judge_id, value in Score.objects.filter(entry__campaign=campaign).values_list(
            "entry_id", "judge_id", "value"):
        totals.setdefault(entry_id, {}).setdefault(judge_id, Decimal(0))
        totals[entry_id][judge_id] += value
    for entry in entries:
        by_judge = totals.get(entry.pk, {})
        entry.final_score = (sum(by_judge.values()) / len(by_judge)).quantize(Decimal("0.01")) if by_judge else None
    ranked = sorted((e for e in entries if e.final_score is not None), key=lambda e: (-e.final_score, e.registered_at))
    for position, entry in enumerate(ranked, start=1):
        entry.rank = position
    Entry.objects.bulk_update(entries, ["final_score", "rank"])


@transaction.atomic
def entry_register(*, actor, campaign: Campaign, organization: Organization, kind: str, name: str,
                   members: str = "") -> Entry:
    """A union registers a team or an individual for an open campaign."""
    if not actor.has_perm("training.register_entries"):
        raise PermissionDenied("没有组织报名的权限。")
    _require_org(actor, organization)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.OPEN or timezone.localdate() > campaign.registration_closes:
        raise ValidationError("活动不在报名期内。")
    if kind == Entry.Kind.TEAM and not campaign.allow_teams or kind == Entry.Kind.INDIVIDUAL and not \
            campaign.allow_individuals:
        raise ValidationError({"kind": "本活动不接受这种参赛形式。"})
    if Entry.objects.filter(campaign=campaign, organization=organization, name=name.strip()).exists():
        raise ValidationError({"name": "本单位已用这个名称报过名。"})
    entry = Entry(campaign=campaign, organization=organization, kind=kind, name=name.strip(), members=members,
                  registered_by=actor,
                  review_status=Entry.Review.SUBMITTED if campaign.is_pioneer else Entry.Review.NONE)
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="training.entry.registered", target=entry, organization=organization)
    return entry


@transaction.atomic
def achievement_submit(*, actor, entry: Entry, text: str, stage=None, photo=None, attachment=None) -> Achievement:
    _require_org(actor, entry.organization)
    entry.campaign = Campaign.objects.get(pk=entry.campaign_id)
    if entry.campaign.status not in (Campaign.Status.OPEN, Campaign.Status.JUDGING):
        raise ValidationError("活动已结束，不能再提交成果。")
    if stage is not None and stage.campaign_id != entry.campaign_id:
        raise ValidationError({"stage": "阶段不属于本活动。"})
    achievement = Achievement(entry=entry, text=text, stage=stage, submitted_by=actor)
    if photo:
        achievement.photo = photo
    if attachment:
        achievement.attachment = attachment
    achievement.full_clean()
    achievement.save()
    audit_record(actor=actor, action="training.achievement.submitted", target=entry, organization=entry.organization)
    return achievement


@transaction.atomic
def judge_assign(*, actor, campaign: Campaign, judge) -> None:
    _require_org(actor, campaign.organization)
    if not is_staff_member(judge):
        raise ValidationError("评委须为工会工作人员账号。")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.PUBLISHED:
        raise ValidationError("结果已公布，不能再指派评委。")
    if campaign.judges.filter(pk=judge.pk).exists():
        return
    campaign.judges.add(judge)
    audit_record(actor=actor, action="training.campaign.judge_assigned", target=campaign,
                 after={"judge": judge.pk}, organization=campaign.organization)
    from django.urls import reverse

    from apps.notifications.services import notify

    notify(recipients=[judge], title=f"您已被指派为“{campaign.title}”的评委",
           body=f"主办单位：{campaign.organization}。评审开始后请登录工作台为参赛报名打分。",
           link=reverse("training:console_campaign", args=[campaign.pk]),
           key=uuid.uuid5(uuid.NAMESPACE_URL, f"training-judge-{campaign.pk}-{judge.pk}"))


@transaction.atomic
def scores_record(*, judge, entry: Entry, values: dict[int, Decimal], comment: str = "") -> list[Score]:
    """A judge scores one entry on every criterion (re-scoring replaces the judge's own scores)."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    campaign = Campaign.objects.get(pk=entry.campaign_id)
    if not campaign.judges.filter(pk=judge.pk).exists():
        raise PermissionDenied("您不是本活动的评委。")
    if campaign.status != Campaign.Status.JUDGING:
        raise ValidationError("活动不在评审阶段。")
    if campaign.is_pioneer and entry.review_status != Entry.Review.APPROVED:
        raise ValidationError("该申报尚未通过审核。")
    criteria = {c.pk: c for c in campaign.criteria.all()}
    if set(values) != set(criteria):
        raise ValidationError("请为每一项评分标准打分。")
    saved = []
    for criterion_id, value in values.items():
        criterion = criteria[criterion_id]
        if value is None or value < 0 or value > criterion.max_score:
            raise ValidationError(f"“{criterion.name}”的分数应在 0 到 {criterion.max_score} 之间。")
        score, _ = Score.objects.update_or_create(entry=entry, judge=judge, criterion=criterion,
                                                  defaults={"value": value, "comment": comment})
        saved.append(score)
    audit_record(actor=judge, action="training.entry.scored", target=entry,
                 after={str(k): str(v) for k, v in values.items()})
    return saved


def pioneer_step_allowed(actor, entry: Entry, level: str) -> bool:
    if level == "applicant":
        return can_act_for(actor, entry.organization)
    if not actor.has_perm("training.review_pioneer"):
        return False
    if level == "county":
        county = entry.organization.county
        return county is not None and can_act_for(actor, county) and (
            actor.is_superuser or actor.organization.org_type in (Organization.Type.COUNTY, Organization.Type.INDUSTRY))
    return actor.is_superuser or (actor.organization is not None
                                  and actor.organization.org_type == Organization.Type.CITY)


@transaction.atomic
def pioneer_review(*, actor, entry: Entry, decision: str, note: str = "") -> Entry:
    """One step of the 工人先锋号 review: the district first, then the city."""
    entry = Entry.objects.select_for_update().select_related("organization", "campaign").get(pk=entry.pk)
    step = PIONEER_TRANSITIONS.get((entry.review_status, decision))
    if step is None:
        raise ValidationError(f"申报当前为“{entry.get_review_status_display()}”，不能执行该操作。")
    target, level = step
    if not pioneer_step_allowed(actor, entry, level):
        who = {"county": "县（市、区）总工会", "city": "市总工会", "applicant": "申报单位"}[level]
        raise PermissionDenied(f"这一步应由{who}办理。")
    if decision in ("county_return", "city_reject") and not note.strip():
        raise ValidationError({"note": "退回或不通过时请填写意见。"})
    before = entry.review_status
    entry.review_status = target
    entry.review_note = note.strip()
    entry.save(update_fields=["review_status", "review_note"])
    audit_record(actor=actor, action=f"training.pioneer.{decision}", target=entry, before={"status": before},
                 after={"status": target, "note": entry.review_note}, organization=entry.organization)
    recipients = [entry.registered_by_id] if entry.registered_by_id else []
    if recipients:
        from apps.notifications.services import notify

        notify(recipients=recipients, title=f"工人先锋号申报“{entry.name}”：{entry.get_review_status_display()}",
               body=entry.review_note,
               key=uuid.uuid5(uuid.NAMESPACE_URL, f"training-pioneer-{entry.pk}-{target}-{before}"))
    return entry



