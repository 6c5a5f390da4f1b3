"""Browser journeys of publicity: a worker finds an article with a two-character search, reads it, votes for a
nominee and is refused a second vote the same day; a judge scores an essay without seeing its author."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.publicity import services
from apps.publicity.models import EssayContest, Vote
from tests.publicity.factories import make_article, make_campaign, make_nomination


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_worker_reads_found_article_and_votes_once_a_day(page, worker, org_tree, city_staff, grassroots_staff):
    from tests.e2e.conftest import sign_in

    make_article(org_tree.city, city_staff, title="工伤认定的条件与流程", category="labour_law",
                 body="<p>职工因工作原因受到事故伤害的，应当认定为工伤。</p>")
    make_article(org_tree.city, city_staff, title="冬季职工健康小贴士", category="health")
    campaign = make_campaign(org_tree.city, status="voting")
    nominee = make_nomination(campaign, org_tree.xiuwu_grassroots, grassroots_staff, name="张立新", front_line=True,
                              rounds_passed=1)

    sign_in(page, worker.username)
    page.goto("/news/")
    page.get_by_label("搜索文章").fill("工伤")
    page.get_by_role("button", name="搜索").click()
    assert page.get_by_test_id("article-row").count() == 1
    page.get_by_role("link", name="工伤认定的条件与流程").click()
    page.get_by_role("heading", name="工伤认定的条件与流程").wait_for()
    assert "应当认定为工伤" in page.content()

    page.goto(f"/news/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="投票").click()
    page.get_by_text("已为“张立新”投票").wait_for()
    assert page.get_by_test_id("vote-count").inner_text() == "1 票"
    page.get_by_role("button", name="投票").click()
    page.get_by_text("今天已经为TA投过票了").wait_for()
    assert page.get_by_test_id("vote-count").inner_text() == "1 票"
    assert Vote.objects.filter(nomination=nominee).count() == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_judge_scores_essay_without_seeing_the_author(desktop_page, worker, org_tree, city_staff):
    from tests.e2e.conftest import sign_in

    worker.real_name = "欧阳独秀"
    worker.save(update_fields=["real_name"])
    today = timezone.localdate()
    contest = EssayContest.objects.create(title="抗击疫情，我们在行动", rules="每人一篇。", organization=org_tree.city,
                                          opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=5))
    essay = services.essay_submit(author=worker, contest=contest, title="车间里的春天",
                                  text="疫情发生以来，我们车间的工友们坚守岗位，互相鼓励。" * 5)
    services.contest_advance(actor=city_staff, contest=contest, to="judging")

    sign_in(desktop_page, "city_office")
    desktop_page.goto(f"/news/console/contests/{contest.pk}/")
    assert "欧阳独秀" not in desktop_page.content()
    desktop_page.get_by_role("link", name="车间里的春天").click()
    assert "欧阳独秀" not in desktop_page.content() and worker.username not in desktop_page.content()
    desktop_page.get_by_label("分数（0–100）").fill("88")
    desktop_page.get_by_label("评语").fill("真实感人")
    desktop_page.get_by_role("button", name="保存评分").click()
    desktop_page.get_by_text("评分已保存").wait_for()
    assert "欧阳独秀" not in desktop_page.content()
    assert essay.scores.get().score == 88
