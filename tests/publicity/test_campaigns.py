"""Selections: quota, review rounds, front-line ordering, voting, 公示 and objections."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.core import registry
from apps.publicity import services
from apps.publicity.models import Campaign, Nomination, Vote
from tests.conftest import require_postgres

from .factories import make_campaign, make_nomination

pytestmark = pytest.mark.django_db


def _nominate(user, campaign, name="李红", **extra):
    fields = {"nominee_name": name, "workplace": "恒达机械", "deeds": "疫情期间坚守岗位。", "front_line": True, **extra}
    return services.nomination_submit(actor=user, campaign=campaign, **fields)


def test_grassroots_nominates_within_quota_and_is_refused_over_it(org_tree, city_staff, grassroots_staff):
    campaign = make_campaign(org_tree.city, quota=2)
    _nominate(grassroots_staff, campaign, "甲")
    _nominate(grassroots_staff, campaign, "乙")
    with pytest.raises(ValidationError, match="名额"):
        _nominate(grassroots_staff, campaign, "丙")
    assert Nomination.objects.filter(campaign=campaign).count() == 2


def test_nominating_after_deadline_or_phase_is_refused(org_tree, city_staff, xiuwu_staff):
    campaign = make_campaign(org_tree.city, status="reviewing")
    with pytest.raises(ValidationError, match="截止"):
        _nominate(xiuwu_staff, campaign)


def test_worker_cannot_nominate(org_tree, city_staff, worker):
    campaign = make_campaign(org_tree.city)
    with pytest.raises(PermissionDenied):
        _nominate(worker, campaign)


def test_form_over_quota_shows_message_and_saves_nothing(org_tree, city_staff, xiuwu_staff, client):
    campaign = make_campaign(org_tree.city, quota=1)
    _nominate(xiuwu_staff, campaign, "甲")
    client.force_login(xiuwu_staff)
    url = reverse("publicity:campaign_manage", args=[campaign.pk])
    response = client.post(url, {"nominee_name": "乙", "workplace": "厂", "deeds": "事迹"})
    assert response.status_code == 200 and "名额（1 名）已用完" in response.content.decode()
    response = client.post(url, {"nominee_name": "", "workplace": "", "deeds": ""})
    assert "这个字段是必填项" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_quota_race_lets_only_one_through(org_tree, city_staff, xiuwu_staff, grassroots_staff, transactional_db):
    require_postgres()
    campaign = make_campaign(org_tree.city, quota=1)
    outcomes = []
    barrier = threading.Barrier(2)

    def run(user, name):
        try:
            barrier.wait()
            outcomes.append(_nominate(user, campaign, name))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u, n)) for u, n in ((xiuwu_staff, "甲"), (grassroots_staff, "乙"))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert Nomination.objects.filter(campaign=campaign).count() == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1


def test_review_rounds_and_front_line_first(org_tree, city_staff, xiuwu_staff, boai_staff, client):
    campaign = make_campaign(org_tree.city)
    plain = _nominate(xiuwu_staff, campaign, "普通", front_line=False)
    hero = _nominate(boai_staff, campaign, "一线", front_line=True)
    services.campaign_advance(actor=city_staff, campaign=campaign, to="reviewing")
    with pytest.raises(PermissionDenied):
        services.nomination_review(actor=xiuwu_staff, nomination=plain, passed=True)
    with pytest.raises(ValidationError):
        services.nomination_review(actor=city_staff, nomination=plain, passed=False)  # needs a reason
    services.nomination_review(actor=city_staff, nomination=plain, passed=True)
    services.nomination_review(actor=city_staff, nomination=hero, passed=True)
    with pytest.raises(ValidationError):
        services.nomination_review(actor=city_staff, nomination=hero, passed=True)  # once per round
    campaign = services.campaign_next_round(actor=city_staff, campaign=campaign)
    services.nomination_review(actor=city_staff, nomination=plain, passed=True)
    services.nomination_review(actor=city_staff, nomination=hero, passed=True)
    services.campaign_advance(actor=city_staff, campaign=campaign, to="voting")
    page = client.get(reverse("publicity:campaign_public", args=[campaign.pk])).content.decode()
    assert page.index("一线") < page.index("普通")


def test_county_sees_only_its_nominations_and_outsider_gets_404(org_tree, city_staff, xiuwu_staff, boai_staff,
                                                                 client):
    campaign = make_campaign(org_tree.city)
    _nominate(xiuwu_staff, campaign, "修武人选")
    _nominate(boai_staff, campaign, "博爱人选")
    client.force_login(boai_staff)
    page = client.get(reverse("publicity:campaign_manage", args=[campaign.pk])).content.decode()
    assert "博爱人选" in page and "修武人选" not in page
    other_city_campaign = make_campaign(org_tree.xiuwu, title="修武县内评选")
    assert client.get(reverse("publicity:campaign_manage", args=[other_city_campaign.pk])).status_code == 404


def _voting(org_tree, city_staff, grassroots_staff):
    campaign = make_campaign(org_tree.city, status="voting")
    return campaign, make_nomination(campaign, org_tree.xiuwu_grassroots, grassroots_staff, rounds_passed=1)


def test_one_vote_per_day_and_message(org_tree, city_staff, grassroots_staff, worker, client):
    campaign, nominee = _voting(org_tree, city_staff, grassroots_staff)
    client.force_login(worker)
    url = reverse("publicity:vote", args=[nominee.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "今天已经为TA投过票了" in response.content.decode()
    assert Vote.objects.count() == 1
    Vote.objects.update(day=timezone.localdate() - timedelta(days=1))
    client.post(url)
    assert Vote.objects.count() == 2


def test_vote_needs_sign_in_and_voting_phase(org_tree, city_staff, grassroots_staff, worker, client):
    campaign, nominee = _voting(org_tree, city_staff, grassroots_staff)
    assert client.post(reverse("publicity:vote", args=[nominee.pk])).status_code == 302
    assert not Vote.objects.exists()
    Campaign.objects.filter(pk=campaign.pk).update(status="notice")
    nominee.refresh_from_db()
    with pytest.raises(ValidationError, match="不是投票时间"):
        services.vote_cast(voter=worker, nomination=nominee, address="10.0.0.1")


def test_address_rate_limit(org_tree, city_staff, grassroots_staff, monkeypatch):
    from apps.accounts.models import User

    campaign, nominee = _voting(org_tree, city_staff, grassroots_staff)
    monkeypatch.setattr(services.campaigns, "VOTES_PER_ADDRESS_PER_HOUR", 3)
    voters = [User.objects.create(username=f"1390000100{i}") for i in range(4)]
    for voter in voters[:3]:
        services.vote_cast(voter=voter, nomination=nominee, address="10.0.0.9")
    with pytest.raises(ValidationError, match="频繁"):
        services.vote_cast(voter=voters[3], nomination=nominee, address="10.0.0.9")
    services.vote_cast(voter=voters[3], nomination=nominee, address="10.0.0.10")
    assert nominee.votes.count() == 4


def test_simultaneous_votes_count_right(org_tree, city_staff, grassroots_staff, worker, transactional_db):
    require_postgres()
    from apps.accounts.models import User

    campaign, nominee = _voting(org_tree, city_staff, grassroots_staff)
    voters = [User.objects.create(username=f"1390000200{i}") for i in range(6)] + [worker, worker]
    outcomes = []
    barrier = threading.Barrier(len(voters))

    def run(voter):
        try:
            barrier.wait()
            outcomes.append(services.vote_cast(voter=voter, nomination=nominee, address=None))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(v,)) for v in voters]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert nominee.votes.count() == 7
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1


def test_objection_must_be_answered_before_final(org_tree, city_staff, grassroots_staff, worker, client):
    campaign = make_campaign(org_tree.city, status="notice")
    nominee = make_nomination(campaign, org_tree.xiuwu_grassroots, grassroots_staff, rounds_passed=1)
    client.force_login(worker)
    url = reverse("publicity:objection_new", args=[nominee.pk])
    response = client.post(url, {"text": ""})
    assert "这个字段是必填项" in response.content.decode()
    client.post(url, {"text": "该人选的事迹与实际不符。"})
    objection = nominee.objections.get()
    with pytest.raises(ValidationError, match="未答复的异议"):
        services.campaign_advance(actor=city_staff, campaign=campaign, to="final")
    with pytest.raises(PermissionDenied):
        services.objection_answer(actor=grassroots_staff, objection=objection, answer="已核实")
    services.objection_answer(actor=city_staff, objection=objection, answer="经核实，事迹属实。")
    campaign = services.campaign_advance(actor=city_staff, campaign=campaign, to="final")
    nominee.refresh_from_db()
    assert campaign.status == "final" and nominee.status == "selected"


def test_objection_outside_notice_is_refused(org_tree, city_staff, grassroots_staff, worker):
    campaign, nominee = _voting(org_tree, city_staff, grassroots_staff)
    with pytest.raises(ValidationError, match="公示期间"):
        services.objection_raise(actor=worker, nomination=nominee, text="有异议有异议")


def test_public_page_query_count(org_tree, city_staff, grassroots_staff, client, django_assert_max_num_queries):
    campaign = make_campaign(org_tree.city, status="voting")
    for i in range(12):
        make_nomination(campaign, org_tree.xiuwu_grassroots, grassroots_staff, name=f"人选{i}", rounds_passed=1)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("publicity:campaign_public", args=[campaign.pk])).status_code == 200


def test_women_workers_recommendations_become_nominations(org_tree, city_staff, xiuwu_staff, client, monkeypatch):
    from apps.core.registry import HonourRecommendation

    recommendation = HonourRecommendation(kind="三八红旗手", name="赵敏", organization_id=org_tree.xiuwu_grassroots.pk,
                                          summary="巾帼建功", front_line=True, source="women_workers", source_id=1,
                                          url="/women/")
    monkeypatch.setattr(registry, "honour_recommendations", [lambda user: [recommendation]])
    campaign = make_campaign(org_tree.city)
    client.force_login(xiuwu_staff)
    url = reverse("publicity:campaign_manage", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "来自女职工工作的推荐" in page and "赵敏" in page
    client.post(reverse("publicity:recommendation_convert", args=[campaign.pk]), {"index": "0"})
    client.post(reverse("publicity:recommendation_convert", args=[campaign.pk]), {"index": "0"})
    nomination = Nomination.objects.get()
    assert nomination.source == "women_workers" and nomination.workplace == org_tree.xiuwu_grassroots.name
    assert nomination.front_line and nomination.deeds == "巾帼建功"
    assert client.post(reverse("publicity:recommendation_convert", args=[campaign.pk]),
                       {"index": "99"}).status_code == 302


def test_campaign_page_marks_only_its_own_nav_entry(org_tree, city_staff, client):
    campaign = make_campaign(org_tree.city, status="voting")
    page = client.get(reverse("publicity:campaign_public", args=[campaign.pk])).content.decode()
    assert 'nav-link active" href="/news/campaigns/"' in page
    assert 'nav-link active" href="/news/"' not in page
