"""Exemplars and the essay contest."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.scoping import can_act_for

from ..models import Essay, EssayContest, EssayScore, Exemplar, ExemplarPhoto

__all__ = ["exemplar_create", "exemplar_add_photo", "exemplar_set_published", "essay_submit", "essay_score",
           "essay_award", "contest_advance", "contest_create", "CONTEST_TRANSITIONS"]

CONTEST_TRANSITIONS = {
    EssayContest.Status.OPEN: {EssayContest.Status.JUDGING},
    EssayContest.Status.JUDGING: {EssayContest.Status.PUBLISHED},
    EssayContest.Status.PUBLISHED: set(),
}


@transaction.atomic
def exemplar_create(*, actor, name: str, workplace: str, story: str, front_line: bool, resumption: bool,
                    is_collective: bool = False, photo=None) -> Exemplar:
    if not actor.has_perm("publicity.write_article") or actor.organization is None:
        raise PermissionDenied("没有权限。")
    exemplar = Exemplar(name=name.strip(), workplace=workplace.strip(), story=story.strip(), front_line=front_line,
                        resumption=resumption, is_collective=is_collective, organization=actor.organization,
                        created_by=actor)
    if photo:
        exemplar.photo = photo
    exemplar.full_clean(exclude=["photo"])
    exemplar.save()
    audit_record(actor=actor, action="publicity.exemplar.created", target=exemplar)
    return exemplar


@transaction.atomic
def exemplar_add_photo(*, actor, exemplar: Exemplar, image, caption: str = "") -> ExemplarPhoto:
    if not actor.has_perm("publicity.write_article") or not can_act_for(actor, exemplar.organization):
        raise PermissionDenied("没有权限。")
    photo = ExemplarPhoto.objects.create(exemplar=exemplar, image=image, caption=caption.strip()[:120])
    audit_record(actor=actor, action="publicity.exemplar.photo_added", target=exemplar)
    pagecache.bump("exemplars")
    return photo


@transaction.atomic
def exemplar_set_published(*, actor, exemplar: Exemplar, published: bool) -> Exemplar:
    exemplar = Exemplar.objects.select_for_update().get(pk=exemplar.pk)
    if not actor.has_perm("publicity.review_article") or not can_act_for(actor, exemplar.organization):
        raise PermissionDenied("只有审核人员可以发布先进典型。")
    if exemplar.is_published == published:
        return exemplar
    exemplar.is_published = published
    exemplar.published_at = timezone.now() if published else exemplar.published_at
    exemplar.save(update_fields=["is_published", "published_at"])
    audit_record(actor=actor, action="publicity.exemplar." + ("published" if published else "withdrawn"),
                 target=exemplar, before={"is_published": not published}, after={"is_published": published})
    pagecache.bump("exemplars")
    return exemplar


@transaction.atomic
def essay_submit(*, author, contest: EssayContest, title: str, text: str, file=None) -> Essay:
    """A signed-in worker submits one essay per contest (the database constraint is the rule)."""
    today = timezone.localdate()
    if contest.status != EssayContest.Status.OPEN or not (contest.opens_on <= today <= contest.closes_on):
        raise ValidationError("征文不在征集期内。")
    essay = Essay(contest=contest, author=author, title=title.strip(), text=text.strip())
    if file:
        essay.file = file
    essay.full_clean(exclude=["file"], validate_constraints=False)
    try:
        with transaction.atomic():
            essay.save()
    except IntegrityError:
        raise ValidationError("每人只能投稿一篇，你已经投过稿了。") from None
    audit_record(actor=author, action="publicity.essay.submitted", target=essay, organization=contest.organization)
    return essay


def _require_judge(actor, contest: EssayContest) -> None:
    if not actor.has_perm("publicity.judge_essay") or not can_act_for(actor, contest.organization):
        raise PermissionDenied("只有评委可以评分。")


@transaction.atomic
def essay_score(*, judge, essay: Essay, score: int, comment: str = "") -> EssayScore:
    """A judge's score (0–100); scoring again replaces the judge's own score."""
    contest = EssayContest.objects.get(pk=essay.contest_id)
    _require_judge(judge, contest)
    if contest.status != EssayContest.Status.JUDGING:
        raise ValidationError("征文不在评审阶段。")
    if not 0 <= score <= 100:
        raise ValidationError({"score": "分数应在 0 到 100 之间。"})
    result, _ = EssayScore.objects.update_or_create(essay=essay, judge=judge,
                                                    defaults={"score": score, "comment": comment.strip()[:300]})
    audit_record(actor=judge, action="publicity.essay.scored", target=essay, organization=contest.organization,
                 after={"score": score})
    return result


@transaction.atomic
def essay_award(*, actor, essay: Essay, award: str) -> Essay:
    contest = EssayContest.objects.get(pk=essay.contest_id)
    _require_judge(actor, contest)
    if contest.status != EssayContest.Status.JUDGING:
        raise ValidationError("征文不在评审阶段。")
    if award not in Essay.Award.values:
        raise ValidationError({"award": "请选择奖项。"})
    essay = Essay.objects.select_for_update().get(pk=essay.pk)
    before = essay.award
    essay.award = award
    essay.save(update_fields=["award"])
    audit_record(actor=actor, action="publicity.essay.awarded", target=essay, before={"award": before},
                 after={"award": award}, organization=contest.organization)
    return essay


@transaction.atomic
def contest_advance(*, actor, contest: EssayContest, to: str) -> EssayContest:
    contest = EssayContest.objects.select_for_update().get(pk=contest.pk)
    _require_judge(actor, contest)
    if contest.status == to:
        return contest
    if to not in CONTEST_TRANSITIONS[contest.status]:
        raise ValidationError("征文活动不能进入该阶段。")
    before = contest.status
    contest.status = to
    contest.save(update_fields=["status"])
    audit_record(actor=actor, action=f"publicity.contest.{to}", target=contest, before={"status": before},
                 after={"status": to})
    pagecache.bump("contests")
    return contest


@transaction.atomic
def contest_create(*, actor, title: str, rules: str, opens_on, closes_on) -> EssayContest:
    if not actor.has_perm("publicity.judge_essay") or actor.organization is None:
        raise PermissionDenied("没有权限发起征文。")
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "截止日期不能早于开始日期。"})
    contest = EssayContest(title=title.strip(), rules=rules.strip(), opens_on=opens_on, closes_on=closes_on,
                           organization=actor.organization)
    contest.full_clean()
    contest.save()
    audit_record(actor=actor, action="publicity.contest.created", target=contest)
    pagecache.bump("contests")
    return contest
