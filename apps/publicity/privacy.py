"""A worker's own publicity records: essays, votes, objections. Their copy (PIPL art. 45), and what
closing the account does (art. 47).

Nominations are not here: unions nominate people by name (free text, often people without an
account), so no nomination is tied to an account and none can be attributed to one reliably.

Closing withdraws (deletes, with the file) every essay whose contest has not published it among
the winners; a published winning essay is the contest's result and stays, its author then shown as
the closed account. Votes stay in the tallies other nominees' results rest on; objections raised
during a public notice stay as part of that procedure, which the organiser must see through.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from apps.core import pagecache
from apps.core.audit import audit_record
from apps.core.registry import ClosureNote, DataSection

from .models import Essay, EssayContest, Objection, Vote

PUBLISHED_WINNER = Q(contest__status=EssayContest.Status.PUBLISHED) & ~Q(award="")


def my_publicity_data(user) -> list[DataSection]:
    """Essays, votes, objections: three queries."""
    sections = []
    essays = Essay.objects.filter(author=user).select_related("contest").order_by("created_at", "pk")
    rows = [[e.contest.title, e.title, e.text, "已上传" if e.file else "",
             e.get_award_display() if e.contest.status == EssayContest.Status.PUBLISHED else "评审结果未公布",
             e.created_at] for e in essays]
    if rows:
        sections.append(DataSection(title="征文投稿", columns=["征文活动", "题目", "正文", "附件", "奖项", "投稿时间"],
                                    rows=rows))
    votes = Vote.objects.filter(voter=user).select_related("nomination__campaign").order_by("day", "pk")
    rows = [[v.nomination.campaign.title, v.nomination.nominee_name, v.day] for v in votes]
    if rows:
        sections.append(DataSection(title="评选投票", columns=["评选活动", "投票给", "投票日期"], rows=rows))
    objections = Objection.objects.filter(raised_by=user).select_related("nomination__campaign").order_by("pk")
    rows = [[o.nomination.campaign.title, o.nomination.nominee_name, o.text, o.created_at, o.answer, o.answered_at]
            for o in objections]
    if rows:
        sections.append(DataSection(title="公示异议",
                                    columns=["评选活动", "异议对象", "异议内容", "提出时间", "工会答复", "答复时间"],
                                    rows=rows))
    return sections


def _delete_files_after_commit(names: list[str]) -> None:
    storage = Essay._meta.get_field("file").storage
    for name in names:
        transaction.on_commit(lambda name=name: storage.delete(name))


@transaction.atomic
def publicity_records_close(*, user) -> ClosureNote | None:
    """Withdraw the essays not published as winners; say what stays and why. A fixed number of queries."""
    note = ClosureNote(app="宣传与评选")
    withdrawn = list(Essay.objects.select_for_update(of=("self",)).filter(author=user).exclude(PUBLISHED_WINNER)
                     .values_list("pk", "file"))
    if withdrawn:
        Essay.objects.filter(pk__in=[pk for pk, _ in withdrawn]).delete()
        _delete_files_after_commit([name for _, name in withdrawn if name])
        audit_record(actor=None, action="publicity.essay.withdrawn_on_closing",
                     after={"essays": [pk for pk, _ in withdrawn]})
        note.erased.append(f"未获奖或评审结果尚未公布的征文 {len(withdrawn)} 篇（正文和附件）已撤回并删除")
    if Essay.objects.filter(author=user).exists():
        note.kept.append("已公布的获奖征文是征文活动的评选结果，保留并继续公开，作者显示为“已注销用户”。")
        pagecache.bump("contests")
    if Vote.objects.filter(voter=user).exists():
        note.kept.append("您投出的票计入评选的公开投票结果，作为计票记录保留，不再显示您的身份。")
    if Objection.objects.filter(raised_by=user).exists():
        note.kept.append("您在公示期间提出的异议及工会的答复是评选公示程序的记录，保留；工会仍会核查尚未答复的异议，"
                         "提出人显示为“已注销用户”。")
    return note if note.erased or note.kept else None
