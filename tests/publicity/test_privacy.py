"""A worker's copy of their essays, votes and objections, and what closing the account does (PIPL art. 45, 47)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.core.registry import account_closers, my_data_exports
from apps.publicity import services
from apps.publicity.models import Essay, EssayContest, Objection, Vote
from apps.publicity.privacy import my_publicity_data, publicity_records_close
from tests.factories import PASSWORD

from .factories import make_campaign, make_nomination

pytestmark = pytest.mark.django_db
TEXT = "疫情发生以来，我们车间的工友们坚守岗位，" * 5


def _contest(org, title="抗击疫情，我们在行动"):
    today = timezone.localdate()
    return EssayContest.objects.create(title=title, rules="不少于800字。", organization=org,
                                       opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=9))


def _sections(user) -> dict:
    return {section.title: section for section in my_publicity_data(user)}


@pytest.fixture
def winner(org_tree, worker, city_staff):
    """张伟's essay won a prize in a contest whose results are published."""
    contest = _contest(org_tree.city, "已公布的征文")
    essay = services.essay_submit(author=worker, contest=contest, title="平凡的坚守", text=TEXT)
    services.contest_advance(actor=city_staff, contest=contest, to="judging")
    services.essay_award(actor=city_staff, essay=essay, award="first")
    services.contest_advance(actor=city_staff, contest=contest, to="published")
    return essay


@pytest.fixture
def pending_essay(org_tree, worker):
    return services.essay_submit(author=worker, contest=_contest(org_tree.city, "征集中的征文"), title="我的抗疫日记",
                                 text=TEXT, file=SimpleUploadedFile("diary.pdf", b"%PDF-1.4 x", "application/pdf"))


@pytest.fixture
def campaign_with_my_vote_and_objection(org_tree, city_staff, grassroots_staff, worker):
    campaign = make_campaign(org_tree.city, status="voting")
    nomination = make_nomination(campaign, org_tree.xiuwu_grassroots, grassroots_staff, name="李红")
    services.vote_cast(voter=worker, nomination=nomination, address="10.0.0.1")
    campaign.status = "notice"
    campaign.save(update_fields=["status"])
    services.objection_raise(actor=worker, nomination=nomination, text="李红的事迹中加班时长有出入。")
    return campaign


def test_the_copy_holds_essays_votes_and_objections_and_no_one_elses(winner, pending_essay, other_worker,
                                                                     campaign_with_my_vote_and_objection, org_tree):
    services.essay_submit(author=other_worker, contest=pending_essay.contest, title="别人的作品", text=TEXT)
    sections = _sections(winner.author)
    essays = {row[1]: dict(zip(sections["征文投稿"].columns, row, strict=True)) for row in sections["征文投稿"].rows}
    assert set(essays) == {"平凡的坚守", "我的抗疫日记"}
    assert essays["平凡的坚守"]["奖项"] == "一等奖" and essays["我的抗疫日记"]["奖项"] == "评审结果未公布"
    assert essays["我的抗疫日记"]["附件"] == "已上传"
    assert sections["评选投票"].rows[0][1] == "李红"
    objection = dict(zip(sections["公示异议"].columns, sections["公示异议"].rows[0], strict=True))
    assert objection["异议内容"] == "李红的事迹中加班时长有出入。" and objection["工会答复"] == ""
    assert _sections(other_worker).keys() == {"征文投稿"}


def test_closing_withdraws_essays_not_published_as_winners_with_their_files(winner, pending_essay, org_tree,
                                                                            django_capture_on_commit_callbacks):
    storage = Essay._meta.get_field("file").storage
    name = pending_essay.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        note = publicity_records_close(user=winner.author)
    assert list(Essay.objects.filter(author=winner.author)) == [winner]
    assert not storage.exists(name)
    assert AuditLog.objects.get(action="publicity.essay.withdrawn_on_closing").after == {"essays": [pending_essay.pk]}
    assert "1 篇" in note.erased[0] and any("获奖征文" in text for text in note.kept)


def test_an_unawarded_essay_of_a_published_contest_goes_too(org_tree, worker, city_staff):
    contest = _contest(org_tree.city)
    services.essay_submit(author=worker, contest=contest, title="落选作品", text=TEXT)
    services.contest_advance(actor=city_staff, contest=contest, to="judging")
    services.contest_advance(actor=city_staff, contest=contest, to="published")
    publicity_records_close(user=worker)
    assert not Essay.objects.exists()


def test_votes_and_objections_stay_and_the_note_says_why(campaign_with_my_vote_and_objection, worker):
    note = publicity_records_close(user=worker)
    assert Vote.objects.filter(voter=worker).count() == 1 and Objection.objects.filter(raised_by=worker).count() == 1
    text = "".join(note.kept)
    assert "计票记录保留" in text and "公示程序的记录" in text
    assert note.erased == []


def test_closing_twice_or_with_nothing_is_harmless(winner, pending_essay, other_worker):
    assert publicity_records_close(user=other_worker) is None
    publicity_records_close(user=winner.author)
    second = publicity_records_close(user=winner.author)
    assert second.erased == [] and second.kept and Essay.objects.get() == winner


def test_the_close_account_page_runs_it_and_the_winner_is_shown_as_closed(client, winner, pending_essay):
    assert publicity_records_close in list(account_closers) and my_publicity_data in list(my_data_exports)
    contest_page = reverse("publicity:contest_public", args=[winner.contest_id])
    assert "张伟" in client.get(contest_page).content.decode()
    client.force_login(winner.author)
    response = client.post(reverse("accounts:close_account"), {"password": PASSWORD, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "账号已注销" in html and "宣传与评选" in html
    client.logout()
    page = client.get(contest_page).content.decode()  # the cached page was dropped
    assert "平凡的坚守" in page and "张伟" not in page and "已注销用户" in page
    assert not Essay.objects.filter(pk=pending_essay.pk).exists()


def test_copy_and_closing_run_a_fixed_number_of_queries(org_tree, worker, city_staff, grassroots_staff,
                                                        django_assert_max_num_queries):
    campaign = make_campaign(org_tree.city, status="voting")
    for i in range(5):
        services.essay_submit(author=worker, contest=_contest(org_tree.city, f"征文{i}"), title=f"作品{i}", text=TEXT)
        nomination = make_nomination(campaign, org_tree.xiuwu_grassroots, grassroots_staff, name=f"人选{i}")
        services.vote_cast(voter=worker, nomination=nomination, address=None)
    with django_assert_max_num_queries(3):
        sections = my_publicity_data(worker)
    assert [len(s.rows) for s in sections] == [5, 5]
    with django_assert_max_num_queries(10):
        publicity_records_close(user=worker)
    assert not Essay.objects.filter(author=worker).exists()
