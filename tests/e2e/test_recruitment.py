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
    # The form shows only what the chosen mode needs.
    desktop_page.get_by_label("电话面试").check()
    assert desktop_page.locator("#id_phone").is_visible() and not desktop_page.locator("#id_link").is_visible()
    assert not desktop_page.locator("#id_address").is_visible()
    desktop_page.get_by_label("视频面试").check()
    assert desktop_page.locator("#id_link").is_visible() and not desktop_page.locator("#id_phone").is_visible()
    desktop_page.locator("#id_link").fill("https://meeting.example.cn/j/123456")
    desktop_page.get_by_role("button", name="发送面试邀请").click()
    assert desktop_page.get_by_test_id("application-status").inner_text() == "面试"
    # Once sent, the empty invite form gives way to the interview.
    assert "meeting.example.cn" in desktop_page.get_by_test_id("open-interview").inner_text()
    assert not desktop_page.get_by_role("button", name="发送面试邀请").is_visible()

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


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_employer_removes_video_after_confirming_and_seeker_switches_alert(page, live_server, worker, org_tree,
                                                                           xiuwu_enterprise):
    from django.core.files.base import ContentFile

    from apps.recruitment.models import JobPost, SavedSearch
    from apps.recruitment.services import saved_search_create

    employer = make_employer(xiuwu_enterprise, "employer_hengda")
    post = JobPostFactory(enterprise=xiuwu_enterprise)
    post.video.save("intro.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64), save=True)
    name, storage = post.video.name, post.video.storage

    sign_in(page, employer.username)
    page.goto(f"/jobs/employer/posts/{post.pk}/edit/")
    # Cancelling the confirmation keeps the video.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="删除视频").click()
    assert JobPost.objects.get(pk=post.pk).video.name == name
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除视频").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("current-video").count() == 0
    assert not JobPost.objects.get(pk=post.pk).video and not storage.exists(name)

    saved_search_create(user=worker, name="焊工", params={"q": "焊工"}, alert=False)
    page.context.clear_cookies()
    sign_in(page, worker.username)
    page.goto("/jobs/me/searches/")
    page.get_by_role("button", name="开启推送").click()
    assert page.get_by_role("button", name="关闭推送").count() == 1
    assert SavedSearch.objects.get().alert
    page.get_by_role("button", name="改名").click()
    page.get_by_label("新名称").fill("修武焊工")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("link", name="修武焊工").count() == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_applying_before_registering_keeps_the_note_and_returns_to_finish(page, live_server, worker, org_tree,
                                                                           xiuwu_enterprise):
    post = JobPostFactory(enterprise=xiuwu_enterprise, title="二氧化碳保护焊焊工")
    note = "本人持焊工证，五年经验，可随时到岗。"
    sign_in(page, worker.username)
    page.goto(post.get_absolute_url())
    page.get_by_label("给用人单位的留言（可选）").fill(note)
    page.get_by_test_id("apply").click()
    page.wait_for_url("**/profile/**")
    assert page.get_by_test_id("resume-apply").is_visible()
    page.get_by_label("姓名").fill("张伟")
    page.get_by_label("联系电话").fill("13900000001")
    page.get_by_label("居住地").select_option(label="修武县")
    page.get_by_label("焊接").check()
    page.get_by_role("button", name="保存求职登记").click()
    page.wait_for_url(f"**{post.get_absolute_url()}**")
    assert page.get_by_test_id("draft-kept").is_visible()
    assert page.get_by_label("给用人单位的留言（可选）").input_value() == note
    page.get_by_test_id("apply").click()
    assert page.get_by_test_id("application-status").inner_text() == "已投递"
    assert Application.objects.get().cover_letter == note


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_seeker_pages_forward_and_back_through_many_results(page, live_server, worker, org_tree, xiuwu_enterprise,
                                                            monkeypatch):
    # Over the cap (lowered here), 下一页 and 上一页 carry where the page ended or began (search.Cursor).
    from apps.recruitment.search import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 41)
    now = timezone.now()
    for n in range(50):
        JobPostFactory(enterprise=xiuwu_enterprise, title=f"电焊工{n:02d}", published_at=now - timedelta(minutes=n))
    sign_in(page, worker.username)
    page.goto("/jobs/?q=电焊")
    assert page.get_by_role("link", name="电焊工00").is_visible()
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**after=**")
    assert page.get_by_text("第 2 / 3 页").is_visible()
    assert page.get_by_role("link", name="电焊工20").is_visible()
    assert page.get_by_role("link", name="电焊工19").count() == 0
    page.get_by_role("link", name="下一页").click()
    assert page.get_by_role("link", name="电焊工40").is_visible()
    page.get_by_role("link", name="上一页").click()
    page.wait_for_url("**before=**")
    assert page.get_by_text("第 2 / 3 页").is_visible()
    assert page.get_by_role("link", name="电焊工39").is_visible()
    page.get_by_role("link", name="上一页").click()
    assert page.get_by_role("link", name="电焊工00").is_visible()
