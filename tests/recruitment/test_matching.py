"""Recommendations stay right: stale ones go at once, the best are chosen over the whole pool."""
from __future__ import annotations

import pytest

from apps.recruitment import services, tasks
from apps.recruitment.models import Category, JobPost, KeyGroup, Recommendation
from tests.factories import UserFactory

from .factories import JobPostFactory, make_seeker_profile

pytestmark = pytest.mark.django_db


def _profile_data(org_tree, **changes) -> dict:
    return {"real_name": "张伟", "phone": "13900000001", "district": org_tree.xiuwu, "key_group": "migrant",
            "desired_categories": ["welding"], "desired_districts": [org_tree.xiuwu], "desired_salary": 5000,
            **changes}


def test_closing_a_post_removes_its_recommendations_at_once(seeker, post, employer):
    services.recommendations_for_post(post_id=post.pk)
    assert Recommendation.objects.filter(post=post).count() == 1
    services.post_close(actor=employer, post=post)
    assert not Recommendation.objects.filter(post=post).exists()


def test_expired_post_loses_its_recommendations(seeker, post):
    services.recommendations_for_post(post_id=post.pk)
    JobPost.objects.filter(pk=post.pk).update(valid_until=post.valid_until.replace(year=2020))
    assert services.posts_expire() == 1
    assert not Recommendation.objects.exists()


def test_changing_a_posts_trade_drops_seekers_who_no_longer_fit(seeker, post, employer, org_tree,
                                                               django_capture_on_commit_callbacks):
    services.recommendations_for_post(post_id=post.pk)
    data = {"title": "会计", "category": Category.OFFICE, "district": org_tree.xiuwu, "address": "修武县",
            "salary_min": 3000, "salary_max": 4000, "headcount": 1, "description": "做账", "benefits": "",
            "key_groups": [], "contact_name": "王经理", "contact_phone": "13839100099",
            "valid_until": post.valid_until}
    with django_capture_on_commit_callbacks(execute=False):  # the recomputation has not run yet
        services.post_update(actor=employer, post=post, data=data)
        assert not Recommendation.objects.filter(post=post).exists()


def test_editing_the_wording_keeps_the_recommendations(seeker, post, xiuwu_staff, org_tree,
                                                       django_capture_on_commit_callbacks):
    services.recommendations_for_post(post_id=post.pk)
    data = {"title": post.title, "category": post.category, "district": post.district, "address": "新地址",
            "salary_min": post.salary_min, "salary_max": post.salary_max, "headcount": 5,
            "description": "措辞修改", "benefits": "", "key_groups": ["migrant"], "contact_name": "王经理",
            "contact_phone": "13839100099", "valid_until": post.valid_until}
    with django_capture_on_commit_callbacks(execute=False):
        services.post_update(actor=xiuwu_staff, post=post, data=data)
        assert Recommendation.objects.filter(post=post).count() == 1


def test_seeker_changing_wishes_loses_old_matches_at_once(worker, post, org_tree,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.seeker_profile_save(user=worker, data=_profile_data(org_tree))
    assert Recommendation.objects.filter(profile__user=worker, post=post).exists()
    with django_capture_on_commit_callbacks(execute=False):
        services.seeker_profile_save(user=worker, data=_profile_data(org_tree, desired_categories=["catering"],
                                                                     desired_districts=[org_tree.boai],
                                                                     district=org_tree.boai))
        assert not Recommendation.objects.filter(profile__user=worker).exists()


def test_post_candidates_are_the_best_of_the_whole_pool(post, org_tree, monkeypatch):
    monkeypatch.setattr(services.matching, "KEEP", 3)
    weak = []
    for n in range(6):  # created first: an unordered "first N" would pick these
        user = UserFactory(username=f"1390000{n:04d}")
        weak.append(make_seeker_profile(user, org_tree.boai, key_group=KeyGroup.GRADUATE,
                                        desired_districts=[], desired_salary=99000))
    strong = [make_seeker_profile(UserFactory(username=f"1391111{n:04d}"), org_tree.xiuwu) for n in range(3)]
    assert services.recommendations_for_post(post_id=post.pk) == 3
    chosen = set(Recommendation.objects.filter(post=post).values_list("profile_id", flat=True))
    assert chosen == {p.pk for p in strong}
    assert set(Recommendation.objects.values_list("score", flat=True)) == {100}


def test_sql_score_agrees_with_score_pair(post, org_tree, xiuwu_enterprise):
    profiles = [make_seeker_profile(UserFactory(username=f"1392222{n:04d}"), district, **extra)
                for n, (district, extra) in enumerate([
                    (org_tree.xiuwu, {}), (org_tree.boai, {"desired_salary": 0}),
                    (org_tree.boai, {"desired_districts": [org_tree.xiuwu]}),
                    (org_tree.boai, {"key_group": KeyGroup.GRADUATE, "desired_salary": 9000})])]
    services.recommendations_for_post(post_id=post.pk)
    for profile in profiles:
        reco = Recommendation.objects.get(profile=profile, post=post)
        assert reco.score == services.score_pair(profile, post)[0]
    other = JobPostFactory(enterprise=xiuwu_enterprise, title="会计", category=Category.OFFICE, key_groups=[])
    for profile in profiles:
        services.recommendations_for_profile(profile_id=profile.pk)
        scores = dict(Recommendation.objects.filter(profile=profile).values_list("post_id", "score"))
        for candidate in (post, other):
            expected = services.score_pair(profile, candidate)[0]
            assert scores.get(candidate.pk) == (expected if expected >= services.MIN_SCORE else None)


def test_nightly_recomputation_fans_out_in_idempotent_chunks(post, org_tree, monkeypatch):
    monkeypatch.setattr(tasks, "MATCHING_CHUNK", 2)
    sent = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, ids: sent.append(ids))
    profiles = [make_seeker_profile(UserFactory(username=f"1393333{n:04d}"), org_tree.xiuwu) for n in range(5)]
    assert tasks.recompute_all_recommendations() == 3
    assert sent == [[profiles[0].pk, profiles[1].pk], [profiles[2].pk, profiles[3].pk], [profiles[4].pk]]
    assert tasks.recompute_recommendations_chunk(sent[0]) == 2
    rows = list(Recommendation.objects.order_by("pk").values_list("profile_id", "post_id", "score"))
    tasks.recompute_recommendations_chunk(sent[0])  # a retried chunk
    assert list(Recommendation.objects.order_by("pk").values_list("profile_id", "post_id", "score")) == rows
