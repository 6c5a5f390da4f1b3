"""Welcomed groups, wanted trades and wanted counties as relations (issue #10): written, read, matched."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.recruitment import selectors, services
from apps.recruitment.models import (
    Category,
    JobPost,
    JobPostKeyGroup,
    Recommendation,
    SeekerDesiredCategory,
    SeekerProfile,
)
from apps.recruitment.privacy import my_recruitment_data
from tests.factories import UserFactory
from tests.forms_html import form_data

from .factories import JobPostFactory, make_seeker_profile

pytestmark = pytest.mark.django_db


def post_data(post, **changes) -> dict:
    data = {"title": post.title, "category": post.category, "district": post.district, "address": post.address,
            "salary_min": post.salary_min, "salary_max": post.salary_max, "headcount": post.headcount,
            "description": post.description, "benefits": post.benefits, "key_groups": post.key_group_codes,
            "contact_name": post.contact_name, "contact_phone": post.contact_phone, "valid_until": post.valid_until}
    return {**data, **changes}


def profile_data(org_tree, **changes) -> dict:
    return {"real_name": "张伟", "phone": "13900000001", "district": org_tree.xiuwu, "key_group": "migrant",
            "desired_categories": ["welding"], "desired_districts": [org_tree.xiuwu], "desired_salary": 5000,
            **changes}


def codes(post) -> list[str]:
    return sorted(JobPostKeyGroup.objects.filter(post=post).values_list("code", flat=True))


class TestWrites:
    def test_post_groups_are_rows_and_an_edit_writes_only_the_difference(self, employer, post):
        kept = JobPostKeyGroup.objects.get(post=post, code="migrant")
        services.post_update(actor=employer, post=post, data=post_data(post, key_groups=["migrant", "graduate"]))
        assert codes(post) == ["graduate", "migrant"]
        assert JobPostKeyGroup.objects.filter(pk=kept.pk).exists()  # not deleted and inserted again
        services.post_update(actor=employer, post=post, data=post_data(post, key_groups=[]))
        assert codes(post) == []

    @pytest.mark.parametrize("groups", [["other"], ["nobody"], "migrant"])
    def test_service_refuses_groups_the_form_does_not_offer(self, employer, xiuwu_enterprise, org_tree, groups):
        data = {"title": "焊工", "category": "welding", "district": org_tree.xiuwu, "address": "修武县",
                "salary_min": 5000, "salary_max": 8000, "headcount": 2, "description": "持证", "benefits": "",
                "key_groups": groups, "contact_name": "王经理", "contact_phone": "13839100099",
                "valid_until": timezone.localdate() + timedelta(days=10)}
        with pytest.raises(ValidationError) as caught:
            services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=data)
        assert caught.value.message_dict == {"key_groups": ["重点群体选择有误。"]}
        assert not JobPost.objects.exists() and not JobPostKeyGroup.objects.exists()

    def test_copy_keeps_the_groups(self, employer, post):
        services.post_update(actor=employer, post=post, data=post_data(post, key_groups=["unemployed", "migrant"]))
        copy = services.post_copy(actor=employer, post=post)
        assert codes(copy) == ["migrant", "unemployed"]

    def test_seeker_wishes_are_rows(self, worker, org_tree):
        profile = services.seeker_profile_save(user=worker, data=profile_data(
            org_tree, desired_categories=["welding", "it"], desired_districts=[org_tree.xiuwu, org_tree.boai.pk]))
        assert sorted(profile.desired_categories.values_list("code", flat=True)) == ["it", "welding"]
        assert profile.desired_district_ids == sorted([org_tree.xiuwu.pk, org_tree.boai.pk])
        profile = services.seeker_profile_save(user=worker, data=profile_data(
            org_tree, desired_categories=["it"], desired_districts=[]))
        assert profile.desired_category_codes == ["it"] and profile.desired_district_ids == []

    @pytest.mark.parametrize("field, value, message", [
        ("desired_categories", ["welding", "astronaut"], "期望职业选择有误。"),
        ("desired_categories", "welding", "期望职业选择有误。"),
        ("desired_districts", ["city"], "期望工作地区选择有误。"),  # the city federation is not a county
        ("desired_districts", [10**9], "期望工作地区选择有误。"),
    ])
    def test_service_refuses_bad_wishes_and_saves_nothing(self, worker, org_tree, field, value, message):
        value = [org_tree.city] if value == ["city"] else value
        with pytest.raises(ValidationError) as caught:
            services.seeker_profile_save(user=worker, data=profile_data(org_tree, **{field: value}))
        assert caught.value.message_dict == {field: [message]}
        assert not SeekerProfile.objects.exists() and not SeekerDesiredCategory.objects.exists()

    def test_the_database_refuses_unknown_codes_and_repeats(self, post, seeker):
        profile = seeker.seeker_profile
        for row in (JobPostKeyGroup(post=post, code="other"), JobPostKeyGroup(post=post, code="migrant"),
                    SeekerDesiredCategory(seeker=profile, code="astronaut"),
                    SeekerDesiredCategory(seeker=profile, code="welding")):
            with pytest.raises(IntegrityError), transaction.atomic():
                row.save()


class TestMatchingThroughTheRelations:
    def test_a_post_welcoming_other_groups_drops_its_matches_at_once(self, seeker, post, xiuwu_staff,
                                                                    django_capture_on_commit_callbacks):
        services.recommendations_for_post(post_id=post.pk)
        assert Recommendation.objects.get(post=post).score == 100  # 欢迎农民工 counted
        with django_capture_on_commit_callbacks(execute=False):  # the recomputation has not run yet
            # A reviewer of the area edits: the post stays published, only its groups change.
            services.post_update(actor=xiuwu_staff, post=post, data=post_data(post, key_groups=["graduate"]))
            assert not Recommendation.objects.filter(post=post).exists()
        services.recommendations_for_post(post_id=post.pk)
        assert Recommendation.objects.get(post=post).score == 85

    def test_a_seeker_wanting_other_trades_loses_their_matches_at_once(self, worker, post, org_tree,
                                                                      django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.seeker_profile_save(user=worker, data=profile_data(org_tree))
        assert Recommendation.objects.filter(profile__user=worker, post=post).exists()
        with django_capture_on_commit_callbacks(execute=False):
            # Only the wanted trades change: same county, salary, group.
            services.seeker_profile_save(user=worker, data=profile_data(org_tree, desired_categories=["catering"]))
            assert not Recommendation.objects.filter(profile__user=worker).exists()

    def test_saving_the_same_wishes_keeps_the_matches(self, worker, post, org_tree,
                                                      django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.seeker_profile_save(user=worker, data=profile_data(org_tree))
        with django_capture_on_commit_callbacks(execute=False):
            services.seeker_profile_save(user=worker, data=profile_data(org_tree, desired_categories=["welding"],
                                                                        skills="电焊证"))
            assert Recommendation.objects.filter(profile__user=worker, post=post).exists()

    def test_a_wanted_county_counts_for_the_post_and_the_seeker(self, post, org_tree):
        away = make_seeker_profile(UserFactory(username="13955550000"), org_tree.boai,
                                   desired_districts=[org_tree.boai, org_tree.xiuwu])
        services.recommendations_for_post(post_id=post.pk)
        reco = Recommendation.objects.get(profile=away, post=post)
        assert reco.score == 100 and "地区合适：修武县" in reco.reasons

    def test_candidates_come_from_the_code_index_not_a_substring_scan(self, seeker, post, xiuwu_enterprise):
        def run() -> list[str]:
            with CaptureQueriesContext(connection) as captured:
                services.recommendations_for_post(post_id=post.pk)
                services.recommendations_for_profile(profile_id=seeker.seeker_profile.pk)
            return [q["sql"] for q in captured.captured_queries]

        few = run()
        sql = " ".join(few)
        assert "recruitment_seekerdesiredcategory" in sql and "recruitment_jobpostkeygroup" in sql
        assert "EXISTS" in sql and "LIKE" not in sql
        # More candidates on both sides: their codes come with their rows, not a query each.
        for n in range(4):
            make_seeker_profile(UserFactory(username=f"1396666{n:04d}"), post.district,
                                desired_categories=["welding", "it"], desired_districts=[post.district])
            JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{n}", key_groups=["migrant", "graduate"])
        assert Recommendation.objects.count() == 1 and len(run()) == len(few)
        assert Recommendation.objects.count() == 9  # 5 seekers for the post, 5 posts for the seeker


class TestReads:
    def test_group_filter_lists_a_post_once_without_distinct(self, xiuwu_enterprise):
        JobPostFactory(enterprise=xiuwu_enterprise, title="焊工甲", key_groups=["migrant", "graduate", "unemployed"])
        JobPostFactory(enterprise=xiuwu_enterprise, title="会计", key_groups=["graduate"])
        posts = selectors.search_posts({"group": "migrant"})
        assert [p.title for p in posts] == ["焊工甲"]
        assert "DISTINCT" not in str(posts.query) and "EXISTS" in str(posts.query)
        assert [p.title for p in selectors.search_posts({"group": "graduate"})] == ["会计", "焊工甲"]

    def test_job_list_shows_every_group_with_a_fixed_number_of_queries(self, client, worker, xiuwu_enterprise,
                                                                       django_assert_max_num_queries):
        for index in range(25):
            JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{index}",
                           key_groups=["unemployed", "needy_family", "migrant", "graduate"][: index % 4 + 1])
        client.force_login(worker)
        client.get(reverse("recruitment:job_list"))  # warms the district cache
        # As many queries as before the groups became rows (bench/recruitment.md: session, user, count,
        # page, saved marks and the layout).
        with django_assert_max_num_queries(6):
            response = client.get(reverse("recruitment:job_list"))
        groups = {card["title"]: card["groups"] for card in response.context["cards"]}
        assert groups["焊工23"] == ["失业人员", "困难职工家庭成员", "农民工", "高校毕业生"]
        assert groups["焊工24"] == ["失业人员"]
        assert "困难职工家庭成员优先" in response.content.decode()
        with django_assert_max_num_queries(7):
            response = client.get(reverse("recruitment:job_list"), {"q": "焊工", "page": 2})
        assert len(response.context["cards"]) == 5 and all(card["groups"] for card in response.context["cards"])

    def test_saved_list_shows_groups_with_a_fixed_number_of_queries(self, client, worker, xiuwu_enterprise,
                                                                    django_assert_max_num_queries):
        for index in range(12):
            post = JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{index}", key_groups=["graduate"])
            services.saved_job_toggle(user=worker, post=post)
        client.force_login(worker)
        client.get(reverse("recruitment:saved_jobs"))  # warms the layout's per-person cache
        # Session, user, the staff check, count and page: the groups come with the page's rows.
        with django_assert_max_num_queries(5):
            response = client.get(reverse("recruitment:saved_jobs"))
        assert [card["groups"] for card in response.context["cards"]] == [["高校毕业生"]] * 12

    def test_detail_shows_the_labels_without_a_query_of_their_own(self, client, xiuwu_enterprise,
                                                                  django_assert_max_num_queries):
        post = JobPostFactory(enterprise=xiuwu_enterprise, key_groups=["graduate", "unemployed"])
        with django_assert_max_num_queries(7):
            page = client.get(reverse("recruitment:job_detail", args=[post.pk])).content.decode()
        assert page.index("失业人员优先") < page.index("高校毕业生优先")

    def test_edit_form_ticks_the_posts_groups(self, client, employer, post, django_assert_max_num_queries):
        client.force_login(employer)
        client.get(reverse("recruitment:post_edit", args=[post.pk]))  # warms the layout's per-person cache
        with django_assert_max_num_queries(6):
            response = client.get(reverse("recruitment:post_edit", args=[post.pk]))
        form = response.context["form"]
        assert form.initial["key_groups"] == ["migrant"]
        checked = [widget.data["label"] for widget in form["key_groups"] if widget.data["selected"]]
        assert checked == ["农民工"]

    def test_profile_form_ticks_the_wishes_with_their_chinese_labels(self, client, worker, org_tree):
        make_seeker_profile(worker, org_tree.xiuwu, desired_categories=["welding", "it"],
                            desired_districts=[org_tree.boai])
        client.force_login(worker)
        form = client.get(reverse("recruitment:seeker_profile")).context["form"]
        assert form.initial["desired_categories"] == ["welding", "it"]
        assert form.initial["desired_districts"] == [org_tree.boai.pk]
        checked = [widget.data["label"] for widget in form["desired_categories"] if widget.data["selected"]]
        assert checked == ["焊接", "信息技术"]
        places = [widget.data["label"] for widget in form["desired_districts"] if widget.data["selected"]]
        assert places == ["博爱县"]

    def test_the_persons_copy_lists_their_wishes(self, worker, org_tree):
        make_seeker_profile(worker, org_tree.xiuwu, desired_categories=["it", "welding"],
                            desired_districts=[org_tree.boai, org_tree.xiuwu])
        section = my_recruitment_data(worker)[0]
        row = dict(zip(section.columns, section.rows[0], strict=True))
        assert row["期望职业"] == "焊接、信息技术"
        assert set(row["期望工作地区"].split("、")) == {"修武县", "博爱县"}

    def test_dashboard_counts_posts_and_vacancies_by_welcomed_group(self, city_staff, xiuwu_enterprise,
                                                                    boai_enterprise, django_assert_max_num_queries):
        JobPostFactory(enterprise=xiuwu_enterprise, headcount=3, key_groups=["migrant", "graduate"])
        JobPostFactory(enterprise=boai_enterprise, headcount=5, key_groups=["migrant"])
        JobPostFactory(enterprise=boai_enterprise, headcount=7, key_groups=[])
        today = timezone.localdate()
        rows = {row.label: row for row in selectors.dashboard_by_key_group(city_staff, today, today)}
        assert (rows["农民工"].posts, rows["农民工"].vacancies) == (2, 8)
        assert (rows["高校毕业生"].posts, rows["高校毕业生"].vacancies) == (1, 3)
        assert (rows["失业人员"].posts, rows["失业人员"].vacancies) == (0, 0)


class TestAdmin:
    def test_admin_edits_the_relations_inline_and_filters_by_them(self, client, seeker, post, boai_post):
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        page = client.get(reverse("admin:recruitment_jobpost_change", args=[post.pk])).content.decode()
        assert "岗位优先的重点群体" in page and 'value="migrant" selected' in page
        listed = client.get(reverse("admin:recruitment_jobpost_changelist"), {"key_groups__code": "migrant"})
        assert {p.pk for p in listed.context["cl"].result_list} == {post.pk, boai_post.pk}
        profile = seeker.seeker_profile
        page = client.get(reverse("admin:recruitment_seekerprofile_change", args=[profile.pk])).content.decode()
        assert "期望职业" in page and 'value="welding" selected' in page
        assert "期望工作地区" in page and 'type="checkbox" name="desired_districts"' in page

    def _save_in_admin(self, client, url_name, pk, **changes):
        url = reverse(url_name, args=[pk])
        data = form_data(client.get(url).content.decode(), form_id=url_name.split("_")[1] + "_form")
        data.update({name: [value] if isinstance(value, str) else value for name, value in changes.items()})
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
        return response

    def test_admin_edit_of_a_posts_trade_drops_its_stale_recommendations_and_refreshes_search(
            self, client, seeker, post, django_capture_on_commit_callbacks):
        services.recommendations_for_post(post_id=post.pk)
        assert Recommendation.objects.filter(post=post).count() == 1
        root = UserFactory(username="root", is_staff=True, is_superuser=True)
        client.force_login(root)
        with django_capture_on_commit_callbacks(execute=True):
            self._save_in_admin(client, "admin:recruitment_jobpost_change", post.pk,
                                title="仓库会计", category=Category.OFFICE)
        post.refresh_from_db()
        # The seeker wants welding: the recomputation after commit finds no match for an office job.
        assert not Recommendation.objects.filter(post=post).exists()
        assert "仓库会计" in post.search_document
        assert AuditLog.objects.filter(action="recruitment.post.admin_changed", actor=root).count() == 1

    def test_admin_edit_of_a_seekers_wishes_drops_their_old_matches(self, client, seeker, post,
                                                                   django_capture_on_commit_callbacks):
        profile = seeker.seeker_profile
        services.recommendations_for_profile(profile_id=profile.pk)
        assert Recommendation.objects.filter(profile=profile).count() == 1
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            self._save_in_admin(client, "admin:recruitment_seekerprofile_change", profile.pk,
                                **{"desired_categories-0-code": Category.OFFICE})
            assert not Recommendation.objects.filter(profile=profile).exists()  # at once, before the recompute
        assert callbacks, "the recomputation is queued after commit"
