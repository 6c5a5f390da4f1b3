"""Browser journey: a seeker searches, filters and applies; the employer invites to a video interview;
the seeker accepts and sees the status; the employer hires; union staff see the hire on the dashboard."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.recruitment.models import Application
from tests.e2e.conftest import sign_in
from tests.recruitment.factories import JobPostFactory, make_employer, make_seeker_profile


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_seeker_applies_employer_interviews_and_hires_staff_see_it(page, desktop_page, live_server, worker,
                                                                   org_tree, xiuwu_enterprise, boai_enterprise,
                                                                   xiuwu_staff):
    employer = make_employer(xiuwu_enterprise, "employer_hengda")
    make_seeker_profile(worker, org_tree.xiuwu)
    post = JobPostFactory(enterprise=xiuwu_enterprise, title="二氧化碳保护焊焊工")
    JobPostFactory(enterprise=boai_enterprise, title="铸造焊工")
    JobPostFactory(enterprise=xiuwu_enterprise, title="仓管员", category="warehouse", description="熟悉出入库")

    # The seeker, on a phone: search, filter by district, open the post, apply.
    sign_in(page, worker.username)
    page.goto("/jobs/")
    page.get_by_label("关键词").fill("焊工")
    page.get_by_test_id("search-submit").click()
    assert page.get_by_test_id("job-card").count() == 2
    page.locator("#id_district").select_option(label="修武县")
    page.get_by_test_id("search-submit").click()
    assert page.get_by_test_id("job-card").count() == 1
    page.get_by_role("link", name="二氧化碳保护焊焊工").click()
    page.get_by_test_id("apply").click()
    assert page.get_by_test_id("application-status").inner_text() == "已投递"
    application = Application.objects.get()

    # The employer, on a desktop: open the applicant, invite to a video interview.
    sign_in(desktop_page, employer.username)
    desktop_page.goto(f"/jobs/employer/applications/{application.pk}/")
    when = timezone.localtime() + timedelta(days=1)
    desktop_page.locator("#id_scheduled_at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    desktop_page.locator("#id_mode").select_option("video")
    desktop_page.locator("#id_location").fill("https://meeting.example.cn/j/123456")
    desktop_page.get_by_role("button", name="发送面试邀请").click()
    assert desktop_page.get_by_test_id("application-status").inner_text() == "面试"

    # The seeker accepts and sees the status.
    page.goto(f"/jobs/me/applications/{application.pk}/")
    assert "meeting.example.cn" in page.get_by_test_id("interview").inner_text()
    page.get_by_test_id("accept-interview").click()
    assert page.get_by_test_id("interview-status").first.inner_text() == "已确认"
    assert page.get_by_test_id("application-status").inner_text() == "面试"

    # The employer offers and hires.
    desktop_page.reload()
    desktop_page.get_by_test_id("move-offered").click()
    desktop_page.get_by_test_id("move-hired").click()
    assert desktop_page.get_by_test_id("application-status").inner_text() == "已入职"

    # The seeker sees it; union staff see the hire counted.
    page.reload()
    assert page.get_by_test_id("application-status").inner_text() == "已入职"
    staff_context = desktop_page.context.browser.new_context(viewport={"width": 1280, "height": 900},
                                                             base_url=live_server.url, locale="zh-CN")
    staff_page = staff_context.new_page()
    sign_in(staff_page, xiuwu_staff.username)
    staff_page.goto("/jobs/console/dashboard/")
    assert staff_page.get_by_test_id("total-hires").inner_text() == "1"
    staff_context.close()
    assert post.pk
