"""Selections: nominations within quota, review rounds, public voting, 公示 and objections."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import pagecache, ratelimit
from apps.core.audit import audit_record
from apps.core.models import Organization
from apps.core.scoping import can_act_for

from ..models import MAX_QUOTA, Campaign, CampaignQuota, Nomination, NominationReview, Objection, Vote
from ..selectors import campaign_districts, used_by_district

__all__ = [
    "campaign_create", "campaign_quotas_set", "campaign_advance", "campaign_next_round",
    "nomination_submit", "nomination_review", "vote_cast", "objection_raise", "objection_answer",
    "VOTES_PER_ADDRESS_PER_HOUR",
]

PAGES = "campaigns"
VOTES_PER_ADDRESS_PER_HOUR = 60

CAMPAIGN_TRANSITIONS: dict[str, set[str]] = {
    Campaign.Status.NOMINATING: {Campaign.Status.REVIEWING},
    Campaign.Status.REVIEWING: {Campaign.Status.VOTING, Campaign.Status.NOTICE},
    Campaign.Status.VOTING: {Campaign.Status.NOTICE},
    Campaign.Status.NOTICE: {Campaign.Status.FINAL},
    Campaign.Status.FINAL: set(),
}


def _require_runner(actor, campaign: Campaign) -> None:
    if not actor.has_perm("publicity.run_campaign") or not can_act_for(actor, campaign.organization):
        raise PermissionDenied("只有主办单位可以组织评选。")


@transaction.atomic
def campaign_create(*, actor, title: str, kind: str, criteria: str, nominate_until, front_line_priority: bool,
                    voting_enabled: bool, voting_until=None, notice_until=None, quota_per_district: int) -> Campaign:
    """Open a selection; every county-level union of the organiser's subtree starts with the same quota
    (``campaign_quotas_set`` then gives single counties their own)."""
    organization = actor.organization
    if not actor.has_perm("publicity.run_campaign") or organization is None:
        raise PermissionDenied("只有主办单位可以发起评选。")
    if voting_enabled and not voting_until:
        raise ValidationError({"voting_until": "开展网络投票时请填写投票截止日期。"})
    campaign = Campaign(title=title.strip(), kind=kind, criteria=criteria.strip(), organization=organization,
                        nominate_until=nominate_until, front_line_priority=front_line_priority,
                        voting_enabled=voting_enabled, voting_until=voting_until if voting_enabled else None,
                        notice_until=notice_until, default_quota=quota_per_district)
    campaign.full_clean()
    campaign.save()
    audit_record(actor=actor, action="publicity.campaign.created", target=campaign,
                 after={"kind": kind, "quota_per_district": quota_per_district})
    pagecache.bump(PAGES)
    return campaign


def _quota_number(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUOTA:
        raise ValidationError({field: f"名额应为 0 到 {MAX_QUOTA} 之间的整数。"})
    return value


@transaction.atomic
def campaign_quotas_set(*, actor, campaign: Campaign, default_quota: int,
                        quotas: dict[int, int | None]) -> Campaign:
    """The organiser sets the default and single counties' own quotas (``None``: back to the default).

    Runs under the campaign's row lock, the one every nomination takes, so a quota never changes
    between a nomination's count and its insert; no county is given fewer places than it has used.
    """
    campaign = Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)
    _require_runner(actor, campaign)
    if campaign.status != Campaign.Status.NOMINATING:
        raise ValidationError("推荐已结束，不能再调整名额。")
    default_quota = _quota_number(default_quota, "default_quota")
    districts = {d.pk: d for d in campaign_districts(campaign)}
    unknown = set(quotas) - set(districts)
    if unknown:
        raise ValidationError("只能为本次评选范围内的县（市、区）总工会和产业工会设置名额。")
    errors: dict[str, str] = {}
    chosen = {pk: (None if value is None else _quota_number(value, f"quota_{pk}")) for pk, value in quotas.items()}
    before_rows = dict(CampaignQuota.objects.select_for_update().filter(campaign=campaign)
                       .values_list("district_id", "quota"))
    after_rows = {**before_rows, **{pk: v for pk, v in chosen.items() if v is not None}}
    for pk, value in chosen.items():
        if value is None:
            after_rows.pop(pk, None)
    used = used_by_district(campaign)
    short_on_default = []
    for pk, count in used.items():
        if pk not in districts:
            continue
        allowed = after_rows.get(pk, default_quota)
        if count > allowed:
            if pk in after_rows:
                errors[f"quota_{pk}"] = f"{districts[pk].name}已推荐 {count} 名，名额不能少于已推荐人数。"
            else:
                short_on_default.append(f"{districts[pk].name}（已推荐 {count} 名）")
    if short_on_default:
        errors["default_quota"] = f"默认名额少于{'、'.join(short_on_default)}已推荐的人数。"
    if errors:
        raise ValidationError(errors)
    CampaignQuota.objects.filter(campaign=campaign).exclude(district_id__in=list(after_rows)).delete()
    for pk, value in after_rows.items():
        if before_rows.get(pk) != value:
            CampaignQuota.objects.update_or_create(campaign=campaign, district_id=pk, defaults={"quota": value})
    before_default = campaign.default_quota
    campaign.default_quota = default_quota
    campaign.save(update_fields=["default_quota"])
    names = {pk: district.name for pk, district in districts.items()}
    audit_record(actor=actor, action="publicity.campaign.quotas_set", target=campaign,
                 before={"default": before_default,
                         "counties": {names[pk]: v for pk, v in before_rows.items() if pk in names}},
                 after={"default": default_quota,
                        "counties": {names[pk]: v for pk, v in after_rows.items() if pk in names}})
    return campaign


@transaction.atomic
def campaign_advance(*, actor, campaign: Campaign, to: str) -> Campaign:
    """Move a selection to its next phase; results become final only when every objection is answered."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_runner(actor, campaign)
    if campaign.status == to:
        return campaign
    if to not in CAMPAIGN_TRANSITIONS[campaign.status]:
        raise ValidationError(f"评选处于“{campaign.get_status_display()}”阶段，不能直接进入该阶段。")
    if to == Campaign.Status.VOTING and not campaign.voting_enabled:
        raise ValidationError("本次评选未开展网络投票。")
    if to == Campaign.Status.FINAL:
        if Objection.objects.filter(nomination__campaign=campaign, answered_at__isnull=True).exists():
            raise ValidationError("还有未答复的异议，答复后才能确定结果。")
        if campaign.notice_until and timezone.localdate() <= campaign.notice_until:
            raise ValidationError(f"公示期到 {campaign.notice_until:%Y-%m-%d} 结束，结束后才能确定结果。")
        campaign.nominations.filter(status=Nomination.Status.SUBMITTED,
                                    rounds_passed=campaign.review_round).update(status=Nomination.Status.SELECTED)
    before = campaign.status
    campaign.status = to
    campaign.save(update_fields=["status"])
    audit_record(actor=actor, action=f"publicity.campaign.{to}", target=campaign,
                 before={"status": before}, after={"status": to})
    pagecache.bump(PAGES)
    return campaign


@transaction.atomic
def campaign_next_round(*, actor, campaign: Campaign) -> Campaign:
    """Open the next review round: only nominees who passed every round so far are reviewed again."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_runner(actor, campaign)
    if campaign.status != Campaign.Status.REVIEWING:
        raise ValidationError("只有评审阶段才能进入下一轮。")
    pending = campaign.nominations.filter(status=Nomination.Status.SUBMITTED,
                                          rounds_passed=campaign.review_round - 1).count()
    if pending:
        raise ValidationError(f"本轮还有 {pending} 个人选未评审。")
    campaign.review_round += 1
    campaign.save(update_fields=["review_round"])
    audit_record(actor=actor, action="publicity.campaign.next_round", target=campaign,
                 after={"round": campaign.review_round})
    return campaign


def _district_of(organization: Organization | None) -> Organization | None:
    return organization.county if organization is not None else None


@transaction.atomic
def nomination_submit(*, actor, campaign: Campaign, nominee_name: str, workplace: str, deeds: str,
                      front_line: bool, is_collective: bool = False, material=None,
                      source: str = Nomination.Source.UNION, source_key: str = "") -> Nomination:
    """A grassroots or county union nominates; the district's quota is checked under a row lock."""
    if not actor.has_perm("publicity.nominate"):
        raise PermissionDenied("没有推荐权限。")
    district = _district_of(actor.organization)
    if district is None:
        raise PermissionDenied("只有县（市、区）及基层工会可以推荐。")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.NOMINATING or timezone.localdate() > campaign.nominate_until:
        raise ValidationError("推荐已截止。")
    # The campaign row lock above serialises every nomination of the selection and every quota change.
    own = CampaignQuota.objects.filter(campaign=campaign, district=district).values_list("quota", flat=True).first()
    quota = campaign.default_quota if own is None else own
    if not quota or not district.is_within(campaign.organization):
        raise ValidationError("本县区在此次评选中没有推荐名额。")
    used = campaign.nominations.filter(district=district).exclude(status=Nomination.Status.REJECTED).count()
    if used >= quota:
        raise ValidationError(f"{district.name}的推荐名额（{quota} 名）已用完。")
    nomination = Nomination(campaign=campaign, district=district, nominated_by=actor.organization,
                            submitted_by=actor, nominee_name=nominee_name.strip(), workplace=workplace.strip(),
                            deeds=deeds.strip(), front_line=front_line, is_collective=is_collective,
                            source=source, source_key=source_key)
    if material:
        nomination.material = material
    nomination.full_clean(exclude=["material"], validate_constraints=False)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise ValidationError("这条推荐已经转为提名。") from None
    audit_record(actor=actor, action="publicity.nomination.submitted", target=nomination,
                 organization=actor.organization,
                 after={"campaign": campaign.pk, "front_line": front_line, "source": source})
    return nomination


@transaction.atomic
def nomination_review(*, actor, nomination: Nomination, passed: bool, note: str = "") -> Nomination:
    """Record this round's decision on one nominee (once per round)."""
    nomination = Nomination.objects.select_for_update().select_related("campaign").get(pk=nomination.pk)
    campaign = nomination.campaign
    _require_runner(actor, campaign)
    if campaign.status != Campaign.Status.REVIEWING:
        raise ValidationError("评选不在评审阶段。")
    if nomination.status != Nomination.Status.SUBMITTED or nomination.rounds_passed != campaign.review_round - 1:
        raise ValidationError("该人选不在本轮评审范围内，或本轮已评审。")
    if not passed and not note.strip():
        raise ValidationError({"note": "不通过时请写明理由。"})
    NominationReview.objects.create(nomination=nomination, round=campaign.review_round, passed=passed,
                                    note=note.strip()[:300], reviewer=actor)
    if passed:
        nomination.rounds_passed = campaign.review_round
    else:
        nomination.status = Nomination.Status.REJECTED
    nomination.save(update_fields=["rounds_passed", "status"])
    audit_record(actor=actor, action="publicity.nomination.reviewed", target=nomination,
                 organization=campaign.organization,
                 after={"round": campaign.review_round, "passed": passed, "note": note[:300]})
    pagecache.bump(PAGES)
    return nomination


def vote_cast(*, voter, nomination: Nomination, address: str | None) -> Vote:
    """One vote per person per nominee per day, enforced by the database constraint."""
    campaign = nomination.campaign
    if campaign.status != Campaign.Status.VOTING or (
            campaign.voting_until and timezone.localdate() > campaign.voting_until):
        raise ValidationError("现在不是投票时间。")
    if nomination.status == Nomination.Status.REJECTED:
        raise ValidationError("该人选不在投票范围内。")
    # Fails open: a cache outage must not stop the vote; the one-a-day constraint still holds.
    if ratelimit.hit(("publicity-vote", address or "unknown"), limit=VOTES_PER_ADDRESS_PER_HOUR,
                     window_seconds=3600, fail_open=True).limited:
        raise ValidationError("投票过于频繁，请稍后再试。")
    try:
        with transaction.atomic():
            vote = Vote.objects.create(voter=voter, nomination=nomination, day=timezone.localdate())
    except IntegrityError:
        raise ValidationError("今天已经为TA投过票了，明天再来吧。") from None
    pagecache.bump(PAGES)
    return vote


@transaction.atomic
def objection_raise(*, actor, nomination: Nomination, text: str) -> Objection:
    """Anyone signed in may object to a nominee while the results are on public notice."""
    if nomination.campaign.status != Campaign.Status.NOTICE:
        raise ValidationError("只有公示期间可以提出异议。")
    if nomination.status == Nomination.Status.REJECTED:
        raise ValidationError("该人选未进入公示。")
    objection = Objection(nomination=nomination, raised_by=actor, text=text.replace("\x00", "").strip())
    objection.full_clean()
    objection.save()
    audit_record(actor=actor, action="publicity.objection.raised", target=nomination,
                 organization=nomination.campaign.organization, after={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    objection = Objection.objects.select_for_update().select_related("nomination__campaign").get(pk=objection.pk)
    _require_runner(actor, objection.nomination.campaign)
    if objection.answered_at is not None:
        raise ValidationError("该异议已答复。")
    if not answer.strip():
        raise ValidationError({"answer": "请填写答复内容。"})
    objection.answer = answer.strip()[:2000]
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="publicity.objection.answered", target=objection.nomination,
                 organization=objection.nomination.campaign.organization, after={"objection": objection.pk})
    return objection
