from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditLog
from apps.notifications.models import Notification
from apps.recruitment import selectors, services
from apps.recruitment.models import (
    Application,
    ApplicationEvent,
    BrokeredMatch,
    EmployerMembership,
    Interview,
    JobPost,
    Recommendation,
    SavedSearch,
)

from .factories import JobPostFactory, make_application, make_seeker_profile, verify

pytestmark = pytest.mark.django_db


def post_data(org_tree, **overrides):
    data = {
        "title": "数控车工", "category": "machining", "district": org_tree.xiuwu, "address": "修武县工业路8号",
        "salary_min": 5500, "salary_max": 9000, "headcount": 4, "description": "熟练操作数控车床。",
        "benefits": "五险一金", "key_groups": ["graduate", "migrant"], "contact_name": "王经理",
        "contact_phone": "13839100099", "valid_until": timezone.localdate() + timedelta(days=20), "video": None,
    }
    data.update(overrides)
    return data


class TestPosts:
    def test_employer_post_goes_to_review_with_search_document(self, employer, xiuwu_enterprise, org_tree):
        post = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        assert post.status == JobPost.Status.PENDING
        assert "数控车工" in post.search_document and xiuwu_enterprise.name.lower() in post.search_document
        assert post.key_group_codes == ["migrant", "graduate"]
        assert sorted(post.key_groups.values_list("code", flat=True)) == ["graduate", "migrant"]

    @pytest.mark.parametrize("overrides, field", [
        ({"salary_min": 9000, "salary_max": 5000}, "salary_min"),
        ({"headcount": 0}, "headcount"),
        ({"valid_until": date(2020, 1, 1)}, "valid_until"),
    ])
    def test_bad_post_is_refused_and_nothing_saved(self, employer, xiuwu_enterprise, org_tree, overrides, field):
        with pytest.raises(ValidationError) as caught:
            services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree, **overrides))
        assert field in caught.value.message_dict
        assert not JobPost.objects.exists()

    def test_employer_cannot_post_for_another_enterprise(self, employer, boai_enterprise, org_tree):
        with pytest.raises(PermissionDenied):
            services.post_create(actor=employer, enterprise=boai_enterprise, data=post_data(org_tree))
        assert not JobPost.objects.exists()

    def test_county_reviewer_publishes_and_employer_is_told(self, employer, xiuwu_staff, xiuwu_enterprise, org_tree,
                                                          django_capture_on_commit_callbacks):
        post = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        with django_capture_on_commit_callbacks(execute=True):
            services.post_review(actor=xiuwu_staff, post=post, approve=True)
        post.refresh_from_db()
        assert post.status == JobPost.Status.PUBLISHED and post.published_at
        assert Notification.objects.filter(recipient=employer, title__contains="岗位已发布").exists()
        assert AuditLog.objects.filter(action="recruitment.post.published", target_id=str(post.pk)).exists()

    def test_reviewer_of_another_district_is_refused(self, employer, boai_staff, xiuwu_enterprise, org_tree):
        post = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        with pytest.raises(PermissionDenied):
            services.post_review(actor=boai_staff, post=post, approve=True)

    def test_grassroots_staff_cannot_review(self, employer, grassroots_staff, xiuwu_enterprise, org_tree):
        post = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        with pytest.raises(PermissionDenied):
            services.post_review(actor=grassroots_staff, post=post, approve=True)

    def test_unverified_enterprise_cannot_be_published(self, xiuwu_enterprise, xiuwu_staff, org_tree):
        from .factories import make_employer

        employer = make_employer(xiuwu_enterprise, "new_employer", verified=False)
        post = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        with pytest.raises(ValidationError, match="尚未核实"):
            services.post_review(actor=xiuwu_staff, post=post, approve=True)
        assert JobPost.objects.get().status == JobPost.Status.PENDING

    def test_second_review_of_the_same_post_is_refused(self, employer, xiuwu_staff, city_staff, xiuwu_enterprise,
                                                      org_tree):
        post = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        services.post_review(actor=xiuwu_staff, post=post, approve=True)
        with pytest.raises(ValidationError, match="不在待审核"):
            services.post_review(actor=city_staff, post=post, approve=False, note="重复")
        assert JobPost.objects.get().status == JobPost.Status.PUBLISHED

    def test_return_needs_a_reason(self, employer, xiuwu_staff, xiuwu_enterprise, org_tree):
        post = services.post_create(actor=employer, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        with pytest.raises(ValidationError):
            services.post_review(actor=xiuwu_staff, post=post, approve=False, note=" ")
        services.post_review(actor=xiuwu_staff, post=post, approve=False, note="薪资写法不规范")
        assert JobPost.objects.get().status == JobPost.Status.RETURNED

    def test_editing_a_published_post_sends_it_back_to_review(self, employer, post, org_tree):
        services.post_update(actor=employer, post=post, data=post_data(org_tree, title="高级焊工"))
        post.refresh_from_db()
        assert post.status == JobPost.Status.PENDING and "高级焊工" in post.search_document

    def test_staff_posting_on_behalf_in_their_district_publishes_at_once(self, xiuwu_staff, xiuwu_enterprise,
                                                                        org_tree):
        verify(xiuwu_enterprise)
        post = services.post_create(actor=xiuwu_staff, enterprise=xiuwu_enterprise, data=post_data(org_tree))
        assert post.status == JobPost.Status.PUBLISHED

    def test_staff_cannot_post_for_enterprise_outside_their_area(self, xiuwu_staff, boai_enterprise, org_tree):
        with pytest.raises(PermissionDenied):
            services.post_create(actor=xiuwu_staff, enterprise=boai_enterprise, data=post_data(org_tree))

    def test_copy_makes_a_draft_and_close_is_final(self, employer, post):
        copy = services.post_copy(actor=employer, post=post)
        assert copy.status == JobPost.Status.DRAFT and copy.title.endswith("（副本）")
        services.post_close(actor=employer, post=post)
        with pytest.raises(ValidationError):
            services.post_close(actor=employer, post=post)
        with pytest.raises(ValidationError):
            services.post_update(actor=employer, post=post, data={"title": "x"})

    def test_expiry_changes_only_published_posts_past_their_date(self, post, xiuwu_enterprise):
        old = JobPostFactory(enterprise=xiuwu_enterprise, valid_until=timezone.localdate() - timedelta(days=1))
        draft = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.DRAFT,
                               valid_until=timezone.localdate() - timedelta(days=1))
        assert services.posts_expire() == 1
        assert services.posts_expire() == 0
        old.refresh_from_db(), draft.refresh_from_db(), post.refresh_from_db()
        assert (old.status, draft.status, post.status) == ("expired", "draft", "published")


class TestEmployers:
    def test_register_creates_enterprise_and_pending_membership(self, worker, org_tree):
        membership = services.employer_register(
            user=worker, credit_code="91410821MA0000001F", name="修武县新兴制衣厂", district=org_tree.xiuwu,
            industry="纺织服装", contact_name="刘女士", contact_phone="13839100011")
        assert membership.status == EmployerMembership.Status.PENDING
        assert not selectors.is_employer(worker)

    def test_county_staff_verify_employer_and_enterprise(self, worker, xiuwu_enterprise, xiuwu_staff, boai_staff):
        membership = services.employer_register(
            user=worker, credit_code=xiuwu_enterprise.credit_code, name="x", district=xiuwu_enterprise.district,
            industry="x")
        with pytest.raises(PermissionDenied):
            services.employer_verify(actor=boai_staff, membership=membership, approve=True)
        services.employer_verify(actor=xiuwu_staff, membership=membership, approve=True)
        assert selectors.is_employer(worker)
        assert services.enterprise_is_verified(xiuwu_enterprise)

    def test_staff_cannot_register_as_employer(self, xiuwu_staff, xiuwu_enterprise):
        with pytest.raises(ValidationError):
            services.employer_register(user=xiuwu_staff, credit_code=xiuwu_enterprise.credit_code, name="x",
                                       district=xiuwu_enterprise.district, industry="x")


class TestApplications:
    def test_apply_once_then_a_second_attempt_says_so(self, seeker, post, employer,
                                                      django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            application = services.application_submit(seeker=seeker, post=post)
        assert application.status == Application.Status.SUBMITTED
        assert Notification.objects.filter(recipient=employer, title__contains="新的求职申请").exists()
        with pytest.raises(ValidationError, match="已投递过"):
            services.application_submit(seeker=seeker, post=post)
        assert Application.objects.count() == 1

    def test_cannot_apply_to_a_closed_post(self, seeker, post, employer):
        services.post_close(actor=employer, post=post)
        with pytest.raises(ValidationError, match="停止招聘"):
            services.application_submit(seeker=seeker, post=post)
        assert not Application.objects.exists()

    def test_cannot_apply_past_the_valid_date_even_before_expiry_runs(self, seeker, xiuwu_enterprise):
        stale = JobPostFactory(enterprise=xiuwu_enterprise, valid_until=timezone.localdate() - timedelta(days=1))
        with pytest.raises(ValidationError):
            services.application_submit(seeker=seeker, post=stale)

    def test_employer_cannot_apply(self, employer, post, org_tree):
        make_seeker_profile(employer, org_tree.xiuwu)
        with pytest.raises(ValidationError, match="企业招聘账号"):
            services.application_submit(seeker=employer, post=post)

    def test_applying_needs_a_seeker_profile(self, other_worker, post):
        with pytest.raises(ValidationError, match="求职登记"):
            services.application_submit(seeker=other_worker, post=post)

    def test_full_pipeline_keeps_history_and_tells_the_seeker(self, seeker, post, employer,
                                                              django_capture_on_commit_callbacks):
        application = services.application_submit(seeker=seeker, post=post)
        with django_capture_on_commit_callbacks(execute=True):
            services.application_mark_viewed(actor=employer, application=application)
            services.interview_invite(actor=employer, application=application,
                                      scheduled_at=timezone.now() + timedelta(days=1), mode="video",
                                      location="https://m.example.cn/1")
            services.application_transition(actor=employer, application=application, to_status="offered")
            services.application_transition(actor=employer, application=application, to_status="hired")
        application.refresh_from_db()
        assert application.status == "hired" and application.hired_at
        steps = list(ApplicationEvent.objects.filter(application=application).values_list("to_status", flat=True))
        assert steps == ["submitted", "viewed", "interview", "offered", "hired"]
        titles = set(Notification.objects.filter(recipient=seeker).values_list("title", flat=True))
        assert any("面试邀请" in t for t in titles) and any("已入职" in t for t in titles)
        assert any("已查看" in t for t in titles)

    def test_illegal_transition_is_refused(self, seeker, post, employer):
        application = services.application_submit(seeker=seeker, post=post)
        with pytest.raises(ValidationError):
            services.application_transition(actor=employer, application=application, to_status="hired")
        services.application_transition(actor=seeker, application=application, to_status="withdrawn")
        with pytest.raises(ValidationError):
            services.application_transition(actor=employer, application=application, to_status="offered")

    def test_seeker_cannot_hire_themself_and_other_employer_cannot_touch(self, seeker, post, other_employer):
        application = services.application_submit(seeker=seeker, post=post)
        with pytest.raises(PermissionDenied):
            services.application_transition(actor=seeker, application=application, to_status="hired")
        with pytest.raises(PermissionDenied):
            services.application_transition(actor=other_employer, application=application, to_status="rejected")

    def test_repeated_click_on_the_same_move_changes_nothing(self, seeker, post, employer):
        application = services.application_submit(seeker=seeker, post=post)
        services.application_transition(actor=employer, application=application, to_status="rejected")
        services.application_transition(actor=employer, application=application, to_status="rejected")
        assert ApplicationEvent.objects.filter(application=application, to_status="rejected").count() == 1


class TestInterviews:
    def test_interview_in_the_past_is_refused(self, seeker, post, employer):
        application = services.application_submit(seeker=seeker, post=post)
        with pytest.raises(ValidationError):
            services.interview_invite(actor=employer, application=application,
                                      scheduled_at=timezone.now() - timedelta(hours=1), mode="phone",
                                      location="13800000000")
        assert not Interview.objects.exists()

    def test_seeker_accepts_or_asks_for_another_time(self, seeker, post, employer,
                                                     django_capture_on_commit_callbacks):
        application = services.application_submit(seeker=seeker, post=post)
        interview = services.interview_invite(actor=employer, application=application,
                                              scheduled_at=timezone.now() + timedelta(days=2), mode="video",
                                              location="https://m.example.cn/1")
        with pytest.raises(ValidationError):
            services.interview_respond(seeker=seeker, interview=interview, accept=False, note="")
        with django_capture_on_commit_callbacks(execute=True):
            services.interview_respond(seeker=seeker, interview=interview, accept=False, note="周五下午可以")
        assert Notification.objects.filter(recipient=employer, title__contains="申请改期").exists()
        services.interview_respond(seeker=seeker, interview=interview, accept=True)
        interview.refresh_from_db()
        assert interview.status == Interview.Status.ACCEPTED

    def test_new_invitation_cancels_the_open_one(self, seeker, post, employer):
        application = services.application_submit(seeker=seeker, post=post)
        first = services.interview_invite(actor=employer, application=application,
                                          scheduled_at=timezone.now() + timedelta(days=2), mode="video", location="https://m.example.cn/a")
        services.interview_invite(actor=employer, application=application,
                                  scheduled_at=timezone.now() + timedelta(days=3), mode="onsite",
                                  location="人民路100号")
        first.refresh_from_db()
        assert first.status == Interview.Status.CANCELLED

    def test_reminder_goes_to_both_sides_once(self, seeker, post, employer, django_capture_on_commit_callbacks):
        application = services.application_submit(seeker=seeker, post=post)
        services.interview_invite(actor=employer, application=application,
                                  scheduled_at=timezone.now() + timedelta(minutes=50), mode="video", location="https://m.example.cn/a")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.interviews_send_reminders() == 1
            assert services.interviews_send_reminders() == 0
        assert Notification.objects.filter(title__startswith="面试提醒").count() == 2

    def test_ics_has_the_time_and_place(self, seeker, post, employer):
        application = services.application_submit(seeker=seeker, post=post)
        interview = services.interview_invite(actor=employer, application=application,
                                              scheduled_at=timezone.now() + timedelta(days=1), mode="video",
                                              location="https://m.example.cn/42")
        text = services.interview_ics(interview).decode()
        assert "BEGIN:VEVENT" in text and "https://m.example.cn/42" in text and "DTSTART" in text


class TestMatching:
    def test_recommendations_rank_posts_with_reasons(self, seeker, post, xiuwu_enterprise):
        JobPostFactory(enterprise=xiuwu_enterprise, title="会计", category="office", salary_min=3000,
                       salary_max=3500, key_groups=[])
        assert services.recommendations_for_profile(profile_id=seeker.seeker_profile.pk) == 1
        reco = Recommendation.objects.get()
        assert reco.post == post and reco.score == 100
        assert any("职业对口" in r for r in reco.reasons) and any("欢迎农民工" in r for r in reco.reasons)

    def test_post_candidates_only_include_seekers_who_allowed_it(self, seeker, other_seeker, post, org_tree):
        other_seeker.seeker_profile.allow_recommendation = False
        other_seeker.seeker_profile.save()  # wants welding too (make_seeker_profile)
        services.recommendations_for_post(post_id=post.pk)
        assert [r.profile.user for r in selectors.candidates_for_post(post)] == [seeker]

    def test_brokered_match_counts_in_the_direct_match_rate(self, seeker, post, employer, xiuwu_staff, org_tree,
                                                           django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            match = services.match_create(actor=xiuwu_staff, seeker=seeker.seeker_profile, post=post, note="电话推荐")
        assert Notification.objects.filter(recipient=seeker, title__contains="工会为您推荐").exists()
        application = services.application_submit(seeker=seeker, post=post)
        assert application.source == Application.Source.BROKERED
        for status in ("offered", "hired"):
            services.application_transition(actor=employer, application=application, to_status=status)
        match.refresh_from_db()
        assert match.outcome == BrokeredMatch.Outcome.HIRED
        today = timezone.localdate()
        rows, total = selectors.dashboard_by_district(xiuwu_staff, today, today)
        assert [r.label for r in rows] == ["修武县"]
        assert (total.seekers, total.hires, total.direct_hires, str(total.rate)) == (1, 1, 1, "100.0")

    def test_match_refused_when_seeker_did_not_allow_it(self, seeker, post, xiuwu_staff):
        seeker.seeker_profile.allow_recommendation = False
        seeker.seeker_profile.save()
        with pytest.raises(ValidationError):
            services.match_create(actor=xiuwu_staff, seeker=seeker.seeker_profile, post=post)


class TestSavedSearches:
    def test_alert_sends_new_matching_posts_once(self, worker, xiuwu_enterprise, post,
                                                 django_capture_on_commit_callbacks):
        search = services.saved_search_create(user=worker, name="焊工", params={"q": "焊工"}, alert=True)
        SavedSearch.objects.filter(pk=search.pk).update(last_alerted_at=timezone.now() - timedelta(days=1))
        JobPostFactory(enterprise=xiuwu_enterprise, title="会计", category="office", description="熟悉财务软件")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.saved_search_alert(search_id=search.pk) == 1
            assert services.saved_search_alert(search_id=search.pk) == 0
        assert Notification.objects.filter(recipient=worker, title__contains="新岗位").count() == 1


class TestIndicators:
    def test_indicators_count_the_subtree_in_fixed_queries(self, seeker, post, org_tree, django_assert_num_queries):
        today = timezone.localdate()
        make_application(post, seeker)
        organizations = [org_tree.city, org_tree.xiuwu, org_tree.boai]
        by_key = {i.key: i for i in selectors.INDICATORS}
        with django_assert_num_queries(1):
            seekers = by_key["recruitment.seekers_registered"].compute(organizations, today, today)
        assert seekers == {org_tree.city.pk: 1, org_tree.xiuwu.pk: 1, org_tree.boai.pk: 0}
        assert by_key["recruitment.vacancies_published"].compute(organizations, today, today)[org_tree.city.pk] == 3
        assert by_key["recruitment.applications"].compute(organizations, today, today)[org_tree.boai.pk] == 0
        assert by_key["recruitment.direct_match_rate"].compute(organizations, today, today)[org_tree.city.pk] == 0
        assert by_key["recruitment.hires"].link(org_tree.city, today, today).startswith("/jobs/console/dashboard/")


MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def _with_video(post):
    from django.core.files.base import ContentFile

    post.video.save("intro.mp4", ContentFile(MP4), save=True)
    return post.video.name


class TestFileRemoval:
    def test_employer_removes_video_file_goes_after_commit_and_is_audited(self, employer, post,
                                                                         django_capture_on_commit_callbacks):
        name = _with_video(post)
        storage = post.video.storage
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert services.post_remove_video(actor=employer, post=post) is True
            assert storage.exists(name)  # not before the commit
        for callback in callbacks:
            callback()
        post.refresh_from_db()
        assert not post.video and not storage.exists(name)
        assert post.status == JobPost.Status.PUBLISHED  # taking a film down needs no new review
        log = AuditLog.objects.get(action="recruitment.post.video_removed")
        assert log.target_id == str(post.pk)

    def test_second_removal_writes_nothing(self, employer, post, django_capture_on_commit_callbacks):
        _with_video(post)
        with django_capture_on_commit_callbacks(execute=True):
            services.post_remove_video(actor=employer, post=post)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert services.post_remove_video(actor=employer, post=post) is False
        assert callbacks == []
        assert AuditLog.objects.filter(action="recruitment.post.video_removed").count() == 1

    def test_other_employer_cannot_remove_the_video(self, other_employer, post, django_capture_on_commit_callbacks):
        name = _with_video(post)
        with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
            services.post_remove_video(actor=other_employer, post=post)
        post.refresh_from_db()
        assert post.video.name == name and post.video.storage.exists(name)
        post.video.delete(save=False)

    def test_rolled_back_removal_keeps_the_file(self, employer, post):
        from django.db import transaction

        name = _with_video(post)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.post_remove_video(actor=employer, post=post)
            raise RuntimeError("later step fails")
        post.refresh_from_db()
        assert post.video.name == name and post.video.storage.exists(name)
        post.video.delete(save=False)

    def test_replacing_the_video_deletes_the_old_file(self, employer, post, org_tree,
                                                      django_capture_on_commit_callbacks):
        from django.core.files.base import ContentFile

        old = _with_video(post)
        post.refresh_from_db()
        data = {**post_data(org_tree), "video": ContentFile(MP4, name="new.mp4")}
        with django_capture_on_commit_callbacks(execute=True):
            services.post_update(actor=employer, post=post, data=data)
        post.refresh_from_db()
        assert post.video.name != old and post.video.storage.exists(post.video.name)
        assert not post.video.storage.exists(old)
        post.video.delete(save=False)

    def test_seeker_clears_resume_after_commit(self, seeker, django_capture_on_commit_callbacks):
        from django.core.files.base import ContentFile

        profile = seeker.seeker_profile
        profile.resume_pdf.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        name, storage = profile.resume_pdf.name, profile.resume_pdf.storage
        with django_capture_on_commit_callbacks(execute=True):
            assert services.seeker_resume_clear(user=seeker) is True
        profile.refresh_from_db()
        assert not profile.resume_pdf and not storage.exists(name)
        assert AuditLog.objects.filter(action="recruitment.seeker.resume_removed").count() == 1
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert services.seeker_resume_clear(user=seeker) is False
        assert callbacks == []
        assert AuditLog.objects.filter(action="recruitment.seeker.resume_removed").count() == 1

    def test_clearing_without_a_profile_does_nothing(self, other_worker):
        assert services.seeker_resume_clear(user=other_worker) is False


class TestSavedSearchUpdate:
    def test_owner_renames_and_switches_alert(self, worker):
        search = services.saved_search_create(user=worker, name="焊工", params={"q": "焊工"}, alert=False)
        search.last_alerted_at = timezone.now() - timedelta(days=30)
        search.save()
        services.saved_search_update(user=worker, search=search, name="  修武  焊工 ")
        search.refresh_from_db()
        assert search.name == "修武 焊工" and not search.alert
        before = timezone.now()
        services.saved_search_update(user=worker, search=search, alert=True)
        search.refresh_from_db()
        assert search.alert and search.last_alerted_at >= before  # old posts are not pushed all at once
        services.saved_search_update(user=worker, search=search, alert=False)
        search.refresh_from_db()
        assert not search.alert

    def test_blank_name_is_refused(self, worker):
        search = services.saved_search_create(user=worker, name="焊工", params={}, alert=True)
        with pytest.raises(ValidationError):
            services.saved_search_update(user=worker, search=search, name="   ")
        search.refresh_from_db()
        assert search.name == "焊工"

    def test_someone_else_cannot_touch_it(self, worker, other_worker):
        search = services.saved_search_create(user=worker, name="焊工", params={}, alert=True)
        with pytest.raises(PermissionDenied):
            services.saved_search_update(user=other_worker, search=search, alert=False)
        search.refresh_from_db()
        assert search.alert

    def test_switched_off_alert_sends_nothing(self, worker, xiuwu_enterprise, django_capture_on_commit_callbacks):
        search = services.saved_search_create(user=worker, name="焊工", params={"q": "焊工"}, alert=True)
        SavedSearch.objects.filter(pk=search.pk).update(last_alerted_at=timezone.now() - timedelta(days=1))
        services.saved_search_update(user=worker, search=search, alert=False)
        JobPostFactory(enterprise=xiuwu_enterprise)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.saved_search_alert(search_id=search.pk) == 0
        assert not Notification.objects.filter(recipient=worker).exists()


class TestStaleSearchText:
    def test_renamed_enterprise_is_found_by_its_new_name_only_after_refresh(self, post, boai_post, xiuwu_enterprise):
        from apps.core.models import Enterprise

        Enterprise.objects.filter(pk=xiuwu_enterprise.pk).update(name="焦作宏远重工有限公司")
        assert not selectors.search_posts({"q": "宏远"}).exists()
        assert services.posts_refresh_stale_search() == 1
        assert [p.pk for p in selectors.search_posts({"q": "宏远"})] == [post.pk]
        assert not selectors.search_posts({"q": "恒达"}).exists()
        boai_post.refresh_from_db()
        assert services.posts_refresh_stale_search() == 0  # idempotent: nothing is stale any more

    def test_rename_to_a_shorter_name_still_counts_as_stale(self, post, xiuwu_enterprise):
        from apps.core.models import Enterprise

        short = xiuwu_enterprise.name[:4]
        Enterprise.objects.filter(pk=xiuwu_enterprise.pk).update(name=short)
        assert services.posts_refresh_stale_search() == 1
        post.refresh_from_db()
        assert f" {short.lower()} " in post.search_document

    def test_refresh_walks_every_batch(self, xiuwu_enterprise, employer):
        from apps.core.models import Enterprise

        posts = [JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{i}") for i in range(7)]
        Enterprise.objects.filter(pk=xiuwu_enterprise.pk).update(name="新名字机械厂")
        assert services.posts_refresh_stale_search(batch_size=3) == 7
        assert all("新名字机械厂" in JobPost.objects.get(pk=p.pk).search_document for p in posts)

    def test_refresh_leaves_other_fields_alone(self, post, xiuwu_enterprise):
        from apps.core.models import Enterprise

        before = JobPost.objects.values("status", "updated_at", "title").get(pk=post.pk)
        Enterprise.objects.filter(pk=xiuwu_enterprise.pk).update(name="新名字机械厂")
        services.posts_refresh_stale_search()
        assert JobPost.objects.values("status", "updated_at", "title").get(pk=post.pk) == before
