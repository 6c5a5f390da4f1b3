from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.recruitment.models import Application, JobPost, SavedSearch, SeekerProfile
from tests.factories import EnterpriseFactory

from .factories import JobPostFactory, make_application, make_seeker_profile

pytestmark = pytest.mark.django_db

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def form_post(client, url, data, **extra):
    return client.post(url, data, **extra)


class TestSearch:
    def test_keyword_and_filters(self, client, post, boai_post, org_tree):
        response = client.get(reverse("recruitment:job_list"), {"q": "焊工"})
        assert [card["pk"] for card in response.context["cards"]] == [post.pk]
        response = client.get(reverse("recruitment:job_list"), {"district": org_tree.boai.pk})
        assert [card["pk"] for card in response.context["cards"]] == [boai_post.pk]
        response = client.get(reverse("recruitment:job_list"), {"category": "electrical", "group": "migrant"})
        assert [card["pk"] for card in response.context["cards"]] == [boai_post.pk]
        response = client.get(reverse("recruitment:job_list"), {"salary": 8500})
        assert response.context["cards"] == []

    def test_employer_name_is_searchable(self, client, post):
        response = client.get(reverse("recruitment:job_list"), {"q": "恒达"})
        assert [card["pk"] for card in response.context["cards"]] == [post.pk]

    def test_unpublished_and_past_date_posts_are_not_listed(self, client, xiuwu_enterprise, post):
        JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.PENDING, title="待审核焊工")
        JobPostFactory(enterprise=xiuwu_enterprise, title="过期焊工",
                       valid_until=timezone.localdate() - timedelta(days=1))
        response = client.get(reverse("recruitment:job_list"))
        assert [card["pk"] for card in response.context["cards"]] == [post.pk]

    def test_posted_within_days_and_salary_sort(self, client, xiuwu_enterprise, post):
        old = JobPostFactory(enterprise=xiuwu_enterprise, title="老岗位", salary_max=20000,
                             published_at=timezone.now() - timedelta(days=10))
        response = client.get(reverse("recruitment:job_list"), {"days": 3})
        assert [card["pk"] for card in response.context["cards"]] == [post.pk]
        response = client.get(reverse("recruitment:job_list"), {"sort": "salary"})
        assert [card["pk"] for card in response.context["cards"]] == [old.pk, post.pk]

    def test_list_query_count_does_not_grow_with_rows(self, client, worker, xiuwu_enterprise, boai_enterprise,
                                                      django_assert_max_num_queries):
        for index in range(45):
            JobPostFactory(enterprise=xiuwu_enterprise if index % 2 else boai_enterprise, title=f"焊工{index}")
        client.force_login(worker)
        client.get(reverse("recruitment:job_list"))  # warms the district cache
        with django_assert_max_num_queries(8):
            response = client.get(reverse("recruitment:job_list"), {"q": "焊工", "page": 2})
        assert len(response.context["cards"]) == 20
        with django_assert_max_num_queries(8):
            client.get(reverse("recruitment:job_list"), {"sort": "salary", "group": "migrant"})

    def test_total_is_capped(self, client, xiuwu_enterprise, monkeypatch):
        from apps.recruitment.search import CappedPaginator

        monkeypatch.setattr(CappedPaginator, "cap", 5)
        for _ in range(7):
            JobPostFactory(enterprise=xiuwu_enterprise)
        response = client.get(reverse("recruitment:job_list"))
        assert "共 5+ 个岗位" in response.content.decode()

    def test_common_keyword_page_is_newest_first(self, client, xiuwu_enterprise, monkeypatch):
        from apps.recruitment.search import CappedPaginator

        monkeypatch.setattr(CappedPaginator, "cap", 3)
        posts = [JobPostFactory(enterprise=xiuwu_enterprise, title=f"焊工{i}",
                                published_at=timezone.now() - timedelta(hours=i)) for i in range(5)]
        JobPostFactory(enterprise=xiuwu_enterprise, title="会计", description="财务")
        response = client.get(reverse("recruitment:job_list"), {"q": "焊工"})
        assert response.context["result"]["is_capped"]
        assert [card["pk"] for card in response.context["cards"]] == [p.pk for p in posts]

    def test_detail_shows_employer_and_other_posts(self, client, post, xiuwu_enterprise, django_assert_max_num_queries):
        other = JobPostFactory(enterprise=xiuwu_enterprise, title="电工")
        with django_assert_max_num_queries(6):
            response = client.get(reverse("recruitment:job_detail", args=[post.pk]))
        assert response.status_code == 200
        assert list(response.context["others"]) == [other]
        assert xiuwu_enterprise.name in response.content.decode()

    def test_draft_post_detail_is_404(self, client, xiuwu_enterprise):
        draft = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.DRAFT)
        assert client.get(reverse("recruitment:job_detail", args=[draft.pk])).status_code == 404

    def test_save_job_and_search(self, client, worker, post):
        client.force_login(worker)
        client.post(reverse("recruitment:job_save", args=[post.pk]))
        assert client.get(reverse("recruitment:saved_jobs")).context["page_obj"].object_list[0].post == post
        client.post(reverse("recruitment:search_save") + "?q=焊工&district=", {"name": "焊工", "alert": "on"})
        search = SavedSearch.objects.get()
        assert search.params == {"q": "焊工"} and search.alert


class TestSeekerViews:
    def profile_data(self, org_tree, **overrides):
        data = {"real_name": "张伟", "phone": "13900000001", "district": org_tree.xiuwu.pk, "key_group": "migrant",
                "education": "senior", "experience_years": 3, "desired_categories": ["welding"],
                "desired_districts": [org_tree.xiuwu.pk], "desired_salary": 5000, "allow_recommendation": "on"}
        data.update(overrides)
        return data

    def test_profile_with_pdf_resume_is_saved(self, client, worker, org_tree):
        client.force_login(worker)
        data = self.profile_data(org_tree, resume_pdf=SimpleUploadedFile("简历.pdf", MINIMAL_PDF, "application/pdf"))
        response = client.post(reverse("recruitment:seeker_profile"), data)
        assert response.status_code == 302
        assert SeekerProfile.objects.get(user=worker).resume_pdf

    def test_resume_that_is_not_a_pdf_is_refused(self, client, worker, org_tree):
        client.force_login(worker)
        fake = SimpleUploadedFile("resume.pdf", b"MZ\x90\x00 this is an exe" * 10, "application/pdf")
        response = client.post(reverse("recruitment:seeker_profile"), self.profile_data(org_tree, resume_pdf=fake))
        assert response.status_code == 400
        assert "文件类型不符" in str(response.context["form"].errors["resume_pdf"])
        assert not SeekerProfile.objects.exists()

    def test_oversize_resume_is_refused(self, client, worker, org_tree):
        client.force_login(worker)
        big = SimpleUploadedFile("big.pdf", MINIMAL_PDF + b"0" * (5 * 1024 * 1024 + 1), "application/pdf")
        response = client.post(reverse("recruitment:seeker_profile"), self.profile_data(org_tree, resume_pdf=big))
        assert "文件过大" in str(response.context["form"].errors["resume_pdf"])
        assert not SeekerProfile.objects.exists()

    def test_apply_then_apply_again_says_so(self, client, seeker, post):
        client.force_login(seeker)
        response = client.post(reverse("recruitment:job_apply", args=[post.pk]), {"cover_letter": "有焊工证"})
        application = Application.objects.get()
        assert response["Location"] == reverse("recruitment:application_detail", args=[application.pk])
        response = client.post(reverse("recruitment:job_apply", args=[post.pk]), follow=True)
        assert "已投递过这个岗位" in response.content.decode()
        assert Application.objects.count() == 1

    def test_apply_without_profile_goes_to_registration(self, client, worker, post):
        client.force_login(worker)
        response = client.post(reverse("recruitment:job_apply", args=[post.pk]))
        assert response["Location"].startswith(reverse("recruitment:seeker_profile"))
        assert not Application.objects.exists()

    def test_seeker_accepts_interview_and_downloads_ics(self, client, seeker, post, employer):
        from apps.recruitment import services

        application = services.application_submit(seeker=seeker, post=post)
        interview = services.interview_invite(actor=employer, application=application,
                                              scheduled_at=timezone.now() + timedelta(days=1), mode="video",
                                              location="https://m.example.cn/9")
        client.force_login(seeker)
        client.post(reverse("recruitment:interview_respond", args=[interview.pk]), {"accept": "1"})
        interview.refresh_from_db()
        assert interview.status == "accepted"
        response = client.get(reverse("recruitment:interview_ics", args=[interview.pk]))
        assert response["Content-Type"].startswith("text/calendar") and b"BEGIN:VCALENDAR" in response.content

    def test_asking_for_another_time_needs_a_note(self, client, seeker, post, employer):
        from apps.recruitment import services

        application = services.application_submit(seeker=seeker, post=post)
        interview = services.interview_invite(actor=employer, application=application,
                                              scheduled_at=timezone.now() + timedelta(days=1), mode="phone",
                                              location="13800000000")
        client.force_login(seeker)
        response = client.post(reverse("recruitment:interview_respond", args=[interview.pk]), {"accept": "0"},
                               follow=True)
        assert "请写明您方便的时间" in response.content.decode()
        interview.refresh_from_db()
        assert interview.status == "proposed"


class TestEmployerViews:
    def post_form(self, org_tree, **overrides):
        data = {"title": "叉车司机", "category": "logistics", "district": org_tree.xiuwu.pk, "address": "修武县",
                "salary_min": 4500, "salary_max": 6500, "headcount": 2, "description": "持叉车证",
                "benefits": "", "key_groups": ["migrant"], "contact_name": "王经理", "contact_phone": "13839100099",
                "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat()}
        data.update(overrides)
        return data

    @pytest.mark.parametrize("overrides, field, message", [
        ({"salary_min": 7000, "salary_max": 6000}, "salary_min", "月薪下限不能高于上限"),
        ({"valid_until": "2020-01-01"}, "valid_until", "有效期不能早于今天"),
        ({"headcount": 0}, "headcount", ""),
        ({"contact_phone": "12"}, "contact_phone", "请填写手机号码或固定电话"),
    ])
    def test_bad_post_shows_message_by_the_field_and_saves_nothing(self, client, employer, org_tree, overrides,
                                                                   field, message):
        client.force_login(employer)
        response = client.post(reverse("recruitment:post_create"), self.post_form(org_tree, **overrides))
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert message in str(response.context["form"].errors[field])
        assert not JobPost.objects.exists()

    def test_good_post_goes_to_review(self, client, employer, org_tree):
        client.force_login(employer)
        response = client.post(reverse("recruitment:post_create"), self.post_form(org_tree))
        assert response.status_code == 302
        assert JobPost.objects.get().status == JobPost.Status.PENDING

    def test_draft_button_keeps_a_draft(self, client, employer, org_tree):
        client.force_login(employer)
        client.post(reverse("recruitment:post_create"), {**self.post_form(org_tree), "draft": "1"})
        assert JobPost.objects.get().status == JobPost.Status.DRAFT

    def test_video_upload_must_be_a_video(self, client, employer, org_tree):
        client.force_login(employer)
        fake = SimpleUploadedFile("intro.mp4", b"not a video at all" * 50, "video/mp4")
        response = client.post(reverse("recruitment:post_create"), {**self.post_form(org_tree), "video": fake})
        assert "video" in response.context["form"].errors
        assert not JobPost.objects.exists()

    def test_opening_an_application_marks_it_viewed_and_invite_works(self, client, employer, seeker, post):
        application = make_application(post, seeker)
        client.force_login(employer)
        url = reverse("recruitment:employer_application", args=[application.pk])
        assert client.get(url).status_code == 200
        application.refresh_from_db()
        assert application.status == "viewed"
        when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(url, {"scheduled_at": when, "mode": "video", "link": "https://m.example.cn/5"})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == "interview" and application.interviews.count() == 1

    def test_interview_in_the_past_shows_a_message(self, client, employer, seeker, post):
        application = make_application(post, seeker)
        client.force_login(employer)
        when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(reverse("recruitment:employer_application", args=[application.pk]),
                               {"scheduled_at": when, "mode": "video", "location": "x"})
        assert "面试时间不能早于现在" in str(response.context["form"].errors["scheduled_at"])
        assert not application.interviews.exists()

    def test_applicants_list_query_count(self, client, employer, post, org_tree, django_assert_max_num_queries):
        from tests.factories import UserFactory

        for index in range(25):
            user = UserFactory(username=f"1370000{index:04d}")
            make_seeker_profile(user, org_tree.xiuwu)
            make_application(post, user)
        client.force_login(employer)
        with django_assert_max_num_queries(9):  # + the permission load of nav entries with permissions
            response = client.get(reverse("recruitment:employer_applicants", args=[post.pk]))
        assert len(response.context["page_obj"]) == 25

    def test_employer_home_query_count(self, client, employer, xiuwu_enterprise, django_assert_max_num_queries):
        for index in range(25):
            JobPostFactory(enterprise=xiuwu_enterprise, title=f"岗位{index}")
        client.force_login(employer)
        with django_assert_max_num_queries(10):  # second-factor check; permission load for the nav
            response = client.get(reverse("recruitment:employer_home"))
        assert len(response.context["page_obj"]) == 20

    def test_register_as_employer(self, client, worker, org_tree):
        client.force_login(worker)
        response = client.post(reverse("recruitment:employer_register"), {
            "credit_code": "91410821MA0000001F", "name": "修武县新兴制衣厂", "district": org_tree.xiuwu.pk,
            "industry": "纺织", "contact_name": "刘女士", "contact_phone": "13839100011"})
        assert response.status_code == 302
        assert worker.employer_memberships.get().status == "pending"

    def test_register_with_bad_credit_code_saves_nothing(self, client, worker, org_tree):
        client.force_login(worker)
        response = client.post(reverse("recruitment:employer_register"), {
            "credit_code": "123", "name": "x", "district": org_tree.xiuwu.pk, "industry": "x",
            "contact_name": "x", "contact_phone": "13839100011"})
        assert "统一社会信用代码" in str(response.context["form"].errors["credit_code"])
        assert not worker.employer_memberships.exists()


class TestStaffViews:
    def test_review_queue_and_approve(self, client, xiuwu_staff, xiuwu_enterprise, employer):
        pending = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.PENDING, published_at=None)
        client.force_login(xiuwu_staff)
        response = client.get(reverse("recruitment:console_posts"))
        assert [p.pk for p in response.context["page_obj"]] == [pending.pk]
        client.post(reverse("recruitment:console_post_review", args=[pending.pk]), {"decision": "approve"})
        pending.refresh_from_db()
        assert pending.status == JobPost.Status.PUBLISHED

    def test_return_without_reason_shows_message(self, client, xiuwu_staff, xiuwu_enterprise, employer):
        pending = JobPostFactory(enterprise=xiuwu_enterprise, status=JobPost.Status.PENDING, published_at=None)
        client.force_login(xiuwu_staff)
        response = client.post(reverse("recruitment:console_post_review", args=[pending.pk]),
                               {"decision": "return", "note": ""}, follow=True)
        assert "退回时请写明原因" in response.content.decode()
        pending.refresh_from_db()
        assert pending.status == JobPost.Status.PENDING

    def test_console_posts_query_count(self, client, city_staff, org_tree, django_assert_max_num_queries):
        for index in range(35):
            enterprise = EnterpriseFactory(district=org_tree.xiuwu if index % 2 else org_tree.boai)
            JobPostFactory(enterprise=enterprise, status=JobPost.Status.PENDING)
        client.force_login(city_staff)
        # Staff pages also load the permission sets and the organisation (a fixed cost).
        with django_assert_max_num_queries(12):
            response = client.get(reverse("recruitment:console_posts"))
        assert len(response.context["page_obj"]) == 30

    def test_dashboard_and_excel_export(self, client, city_staff, seeker, post, django_assert_max_num_queries):
        make_application(post, seeker, status="hired", hired_at=timezone.now())
        client.force_login(city_staff)
        with django_assert_max_num_queries(30):
            response = client.get(reverse("recruitment:console_dashboard"))
        assert response.context["total"].hires == 1
        response = client.get(reverse("recruitment:console_dashboard_export"))
        assert response.streaming
        workbook = load_workbook(io.BytesIO(response.getvalue()))
        assert workbook.sheetnames == ["按地区", "按重点群体"]
        rows = list(workbook["按地区"].iter_rows(values_only=True))
        assert rows[-1][0] == "合计" and rows[-1][6] == 1

    def test_match_recorded_from_post_candidates(self, client, xiuwu_staff, seeker, post):
        client.force_login(xiuwu_staff)
        response = client.post(reverse("recruitment:console_post_candidates", args=[post.pk]),
                               {"seeker": seeker.seeker_profile.pk, "note": "电话联系"})
        assert response.status_code == 302
        from apps.recruitment.models import BrokeredMatch

        assert BrokeredMatch.objects.get().seeker.user == seeker

    def test_fair_created_employer_invited_and_attaches_posts(self, client, city_staff, employer, post,
                                                              xiuwu_enterprise):
        client.force_login(city_staff)
        response = client.post(reverse("recruitment:console_fairs"), {
            "title": "农民工专场", "theme": "migrant", "starts_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + timedelta(days=7)).isoformat(), "is_published": "on"})
        fair_url = response["Location"]
        client.post(fair_url, {"invite": "1", "enterprises": [xiuwu_enterprise.pk]})
        from apps.recruitment.models import JobFair

        fair = JobFair.objects.get()
        client.force_login(employer)
        assert list(client.get(reverse("recruitment:employer_home")).context["invitations"])[0].fair == fair
        client.post(reverse("recruitment:employer_fair", args=[fair.pk]), {"posts": [post.pk]})
        page = client.get(reverse("recruitment:fair_detail", args=[fair.pk])).content.decode()
        assert "农民工专场" in page and post.title in page

    def test_fair_with_end_before_start_is_refused(self, client, city_staff):
        client.force_login(city_staff)
        response = client.post(reverse("recruitment:console_fairs"), {
            "title": "x", "theme": "general", "starts_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "ends_on": timezone.localdate().isoformat()})
        assert "结束日期不能早于开始日期" in str(response.context["form"].errors["ends_on"])


class TestStaffSeekers:
    def test_staff_record_a_match_from_a_seekers_ranked_posts(self, client, xiuwu_staff, seeker, post):
        from apps.recruitment import services
        from apps.recruitment.models import BrokeredMatch

        services.recommendations_for_profile(profile_id=seeker.seeker_profile.pk)
        client.force_login(xiuwu_staff)
        assert [s.pk for s in client.get(reverse("recruitment:console_seekers")).context["page_obj"]] == [
            seeker.seeker_profile.pk]
        url = reverse("recruitment:console_seeker", args=[seeker.seeker_profile.pk])
        assert [r.post for r in client.get(url).context["recommendations"]] == [post]
        client.post(url, {"post": post.pk, "note": "电话推荐"})
        assert BrokeredMatch.objects.get().post == post
        response = client.post(url, {"post": post.pk}, follow=True)
        assert "已为该求职者对接过这个岗位" in response.content.decode()
        assert BrokeredMatch.objects.count() == 1

    def test_staff_of_another_district_get_404_for_the_seeker(self, client, boai_staff, seeker):
        client.force_login(boai_staff)
        url = reverse("recruitment:console_seeker", args=[seeker.seeker_profile.pk])
        assert client.get(url).status_code == 404

    def test_seekers_who_refused_recommendation_are_not_listed(self, client, xiuwu_staff, seeker):
        seeker.seeker_profile.allow_recommendation = False
        seeker.seeker_profile.save()
        client.force_login(xiuwu_staff)
        assert list(client.get(reverse("recruitment:console_seekers")).context["page_obj"]) == []


class TestRemovingFiles:
    MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64

    def test_employer_sees_and_uses_the_remove_video_button(self, client, employer, post,
                                                            django_capture_on_commit_callbacks):
        from django.core.files.base import ContentFile

        post.video.save("intro.mp4", ContentFile(self.MP4), save=True)
        name, storage = post.video.name, post.video.storage
        client.force_login(employer)
        page = client.get(reverse("recruitment:post_edit", args=[post.pk]))
        url = reverse("recruitment:post_video_remove", args=[post.pk])
        assert url in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.status_code == 302
        post.refresh_from_db()
        assert not post.video and not storage.exists(name)
        assert url not in client.get(reverse("recruitment:post_edit", args=[post.pk])).content.decode()

    def test_remove_video_refusals(self, client, other_employer, worker, post):
        from django.core.files.base import ContentFile

        post.video.save("intro.mp4", ContentFile(self.MP4), save=True)
        url = reverse("recruitment:post_video_remove", args=[post.pk])
        assert client.post(url).status_code == 302 and "login" in client.post(url).url  # anonymous
        client.force_login(other_employer)
        assert client.post(url).status_code == 404
        assert client.get(url).status_code == 405
        client.force_login(worker)  # not an employer: sent to register, nothing removed
        assert client.post(url).url == reverse("recruitment:employer_register")
        post.refresh_from_db()
        assert post.video
        post.video.delete(save=False)

    def test_seeker_removes_resume(self, client, seeker, django_capture_on_commit_callbacks):
        from django.core.files.base import ContentFile

        profile = seeker.seeker_profile
        profile.resume_pdf.save("cv.pdf", ContentFile(MINIMAL_PDF), save=True)
        name, storage = profile.resume_pdf.name, profile.resume_pdf.storage
        client.force_login(seeker)
        url = reverse("recruitment:resume_remove")
        assert url in client.get(reverse("recruitment:seeker_profile")).content.decode()
        assert client.get(url).status_code == 405
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url)
        profile.refresh_from_db()
        assert not profile.resume_pdf and not storage.exists(name)
        response = client.post(url, follow=True)
        assert "您没有上传简历 PDF" in response.content.decode()

    def test_resume_remove_only_touches_your_own(self, client, seeker, other_seeker):
        from django.core.files.base import ContentFile

        profile = seeker.seeker_profile
        profile.resume_pdf.save("cv.pdf", ContentFile(MINIMAL_PDF), save=True)
        client.force_login(other_seeker)
        client.post(reverse("recruitment:resume_remove"))
        profile.refresh_from_db()
        assert profile.resume_pdf
        profile.resume_pdf.delete(save=False)


class TestSavedSearchPage:
    def test_toggle_and_rename_from_the_page(self, client, worker):
        client.force_login(worker)
        client.post(reverse("recruitment:search_save") + "?q=焊工", {"name": "焊工"})
        search = SavedSearch.objects.get()
        assert not search.alert
        url = reverse("recruitment:search_update", args=[search.pk])
        page = client.get(reverse("recruitment:saved_searches")).content.decode()
        assert url in page and "开启推送" in page
        client.post(url, {"alert": "1"})
        search.refresh_from_db()
        assert search.alert and search.name == "焊工"
        assert "关闭推送" in client.get(reverse("recruitment:saved_searches")).content.decode()
        client.post(url, {"name": "修武焊工"})
        search.refresh_from_db()
        assert search.name == "修武焊工" and search.alert
        client.post(url, {"alert": "0"})
        search.refresh_from_db()
        assert not search.alert

    @pytest.mark.parametrize("data, message", [
        ({"name": "  "}, "请填写名称"),
        ({"alert": "maybe"}, "选择一个有效的选项"),
        ({}, "没有要修改的内容"),
        ({"name": "长" * 61}, "60"),
    ])
    def test_bad_update_says_why_and_saves_nothing(self, client, worker, data, message):
        client.force_login(worker)
        client.post(reverse("recruitment:search_save") + "?q=焊工", {"name": "焊工", "alert": "on"})
        search = SavedSearch.objects.get()
        response = client.post(reverse("recruitment:search_update", args=[search.pk]), data, follow=True)
        assert message in response.content.decode()
        search.refresh_from_db()
        assert search.name == "焊工" and search.alert

    def test_someone_elses_search_is_not_found(self, client, worker, other_worker):
        client.force_login(worker)
        client.post(reverse("recruitment:search_save") + "?q=焊工", {"name": "焊工", "alert": "on"})
        search = SavedSearch.objects.get()
        client.force_login(other_worker)
        assert client.post(reverse("recruitment:search_update", args=[search.pk]), {"alert": "0"}).status_code == 404
        client.logout()
        response = client.post(reverse("recruitment:search_update", args=[search.pk]), {"alert": "0"})
        assert response.status_code == 302 and "login" in response.url
        search.refresh_from_db()
        assert search.alert

    def test_saving_a_search_without_any_condition_works(self, client, worker):
        client.force_login(worker)
        client.post(reverse("recruitment:search_save"), {"name": "全部岗位", "alert": "on"})
        assert SavedSearch.objects.get().params == {}


class TestPolishedPages:
    def test_grassroots_staff_land_on_live_posts_reviewers_on_their_queue(self, client, grassroots_staff,
                                                                          xiuwu_staff, post):
        client.force_login(grassroots_staff)
        response = client.get(reverse("recruitment:console_posts"))
        assert response.context["status"] == "published"
        assert [p.pk for p in response.context["page_obj"]] == [post.pk]
        client.force_login(xiuwu_staff)
        response = client.get(reverse("recruitment:console_posts"))
        assert response.context["status"] == "pending"
        assert "暂无待审核的岗位" in response.content.decode()

    def test_published_post_edit_warns_and_offers_no_draft_button(self, client, employer, post):
        client.force_login(employer)
        page = client.get(reverse("recruitment:post_edit", args=[post.pk])).content.decode()
        assert "重新提交工会审核" in page and 'name="draft"' not in page
        draft = JobPostFactory(enterprise=post.enterprise, status=JobPost.Status.DRAFT, published_at=None)
        assert 'name="draft"' in client.get(reverse("recruitment:post_edit", args=[draft.pk])).content.decode()

    def test_edit_message_says_what_happened(self, client, employer, post, org_tree):
        client.force_login(employer)
        data = {"title": "焊工", "category": "welding", "district": org_tree.xiuwu.pk, "address": "修武县工业路1号",
                "salary_min": 5000, "salary_max": 8000, "headcount": 3, "description": "持焊工证。",
                "contact_name": "王经理", "contact_phone": "13839100099",
                "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat()}
        response = client.post(reverse("recruitment:post_edit", args=[post.pk]), data, follow=True)
        assert "审核通过后重新发布" in response.content.decode()
        draft = JobPostFactory(enterprise=post.enterprise, status=JobPost.Status.DRAFT, published_at=None)
        response = client.post(reverse("recruitment:post_edit", args=[draft.pk]), {**data, "draft": "1"}, follow=True)
        assert "已保存为草稿" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == JobPost.Status.DRAFT

    def test_new_seeker_form_does_not_presume_a_key_group(self, client, other_worker):
        client.force_login(other_worker)
        form = client.get(reverse("recruitment:seeker_profile")).context["form"]
        assert form["key_group"].value() == "other"


class TestEmployerVerificationPage:
    def test_rejection_needs_a_reason_and_nothing_changes_without_it(self, client, xiuwu_staff, worker, org_tree,
                                                                      xiuwu_enterprise):
        from apps.recruitment.models import EmployerMembership

        membership = EmployerMembership.objects.create(user=worker, enterprise=xiuwu_enterprise)
        client.force_login(xiuwu_staff)
        url = reverse("recruitment:console_employer_verify", args=[membership.pk])
        response = client.post(url, {"decision": "reject", "note": "  "}, follow=True)
        assert "不通过时请写明原因" in response.content.decode()
        membership.refresh_from_db()
        assert membership.status == EmployerMembership.Status.PENDING
        client.post(url, {"decision": "reject", "note": "信用代码与营业执照不符"})
        membership.refresh_from_db()
        assert membership.status == EmployerMembership.Status.REJECTED

    def test_outsider_staff_cannot_verify(self, client, boai_staff, worker, xiuwu_enterprise):
        from apps.recruitment.models import EmployerMembership

        membership = EmployerMembership.objects.create(user=worker, enterprise=xiuwu_enterprise)
        client.force_login(boai_staff)
        url = reverse("recruitment:console_employer_verify", args=[membership.pk])
        assert client.post(url, {"decision": "approve"}).status_code == 404
        membership.refresh_from_db()
        assert membership.status == EmployerMembership.Status.PENDING

    def test_empty_queue_says_so(self, client, xiuwu_staff):
        client.force_login(xiuwu_staff)
        assert "暂无待核实的企业招聘账号" in client.get(reverse("recruitment:console_employers")).content.decode()


class TestConsoleCandidates:
    def test_each_candidate_in_the_area_has_a_match_button_others_are_explained(self, client, xiuwu_staff, seeker,
                                                                               other_seeker, post,
                                                                               django_capture_on_commit_callbacks):
        from apps.recruitment import services
        from apps.recruitment.models import BrokeredMatch

        services.recommendations_for_post(post_id=post.pk)
        client.force_login(xiuwu_staff)
        url = reverse("recruitment:console_post_candidates", args=[post.pk])
        page = client.get(url).content.decode()
        assert page.count('data-testid="quick-match"') == 1  # the 修武 seeker, not the 博爱 one
        assert "居住地不在本区域" in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"seeker": seeker.seeker_profile.pk, "note": ""})
        assert BrokeredMatch.objects.filter(seeker=seeker.seeker_profile, post=post).count() == 1
        page = client.get(url).content.decode()
        assert 'data-testid="matched"' in page and 'data-testid="quick-match"' not in page
        # A forged POST for the seeker outside the area is refused at the form, nothing recorded.
        response = client.post(url, {"seeker": other_seeker.seeker_profile.pk})
        assert response.status_code == 200 and "seeker" in response.context["form"].errors
        assert BrokeredMatch.objects.count() == 1

    def test_candidates_outside_the_area_are_shown_by_surname_only(self, client, xiuwu_staff, other_seeker, post):
        from apps.recruitment import services

        profile = other_seeker.seeker_profile
        profile.real_name = "李明华"
        profile.save()
        services.recommendations_for_post(post_id=post.pk)
        client.force_login(xiuwu_staff)
        page = client.get(reverse("recruitment:console_post_candidates", args=[post.pk])).content.decode()
        assert "李明华" not in page and "居住地不在本区域" in page


def test_live_session_form_offers_only_the_posts_brought_to_the_fair(xiuwu_enterprise, employer, post):
    from apps.recruitment.forms import LiveSessionForm
    from apps.recruitment.models import FairParticipation, JobFair

    other = JobPostFactory(enterprise=xiuwu_enterprise, title="仓管员")
    fair = JobFair.objects.create(title="春风行动", organizer=xiuwu_enterprise.district,
                                  starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=7))
    participation = FairParticipation.objects.create(fair=fair, enterprise=xiuwu_enterprise, status="joined")
    participation.posts.set([post])
    form = LiveSessionForm(fair=fair)
    assert list(form.fields["posts"].queryset) == [post]
    assert other not in form.fields["posts"].queryset
    form = LiveSessionForm({"enterprise": xiuwu_enterprise.pk, "title": "直播", "starts_at": "2030-01-01T10:00",
                            "link": "https://live.example.cn/1", "posts": [other.pk]}, fair=fair)
    assert not form.is_valid() and "posts" in form.errors


def test_fair_invite_form_leaves_out_enterprises_already_invited(city_staff, xiuwu_enterprise, boai_enterprise,
                                                                  employer, other_employer):
    from apps.recruitment.forms import FairInviteForm
    from apps.recruitment.models import FairParticipation, JobFair

    fair = JobFair.objects.create(title="春风行动", organizer=xiuwu_enterprise.district.parent,
                                  starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=7))
    assert set(FairInviteForm(user=city_staff, fair=fair).fields["enterprises"].queryset) == {
        xiuwu_enterprise, boai_enterprise}
    FairParticipation.objects.create(fair=fair, enterprise=xiuwu_enterprise)
    assert list(FairInviteForm(user=city_staff, fair=fair).fields["enterprises"].queryset) == [boai_enterprise]


def test_inviting_nobody_says_so_and_creates_nothing(client, city_staff, xiuwu_enterprise, employer):
    from apps.recruitment.models import FairParticipation, JobFair

    fair = JobFair.objects.create(title="春风行动", organizer=xiuwu_enterprise.district.parent,
                                  starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=7))
    client.force_login(city_staff)
    response = client.post(reverse("recruitment:console_fair", args=[fair.pk]), {"invite": "1"})
    assert response.status_code == 200 and "请至少勾选一家企业" in response.content.decode()
    assert not FairParticipation.objects.exists()


def test_saved_search_page_spells_out_the_conditions(client, worker, org_tree):
    client.force_login(worker)
    client.post(reverse("recruitment:search_save") + f"?q=焊工&district={org_tree.xiuwu.pk}&salary=5000&group=migrant",
                {"name": "焊工"})
    client.post(reverse("recruitment:search_save"), {"name": "全部"})
    page = client.get(reverse("recruitment:saved_searches")).content.decode()
    assert "关键词“焊工” · 修武县 · 月薪不低于 5000 元 · 欢迎农民工" in page
    assert "全部岗位" in page


def test_dashboard_export_writes_a_formula_looking_name_as_text(client, city_staff, org_tree):
    from apps.core.models import Organization

    Organization.objects.filter(pk=org_tree.xiuwu.pk).update(name='=HYPERLINK("http://evil.example","修武")')
    client.force_login(city_staff)
    response = client.get(reverse("recruitment:console_dashboard_export"))
    sheet = load_workbook(io.BytesIO(response.getvalue()))["按地区"]
    labels = [row[0] for row in sheet.iter_rows(min_row=3)]
    hostile = [cell for cell in labels if str(cell.value).startswith("=HYPERLINK")]
    assert hostile and all(cell.data_type == "s" for cell in hostile)
