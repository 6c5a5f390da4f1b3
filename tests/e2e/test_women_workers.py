"""Browser journeys of women workers' care: two people click the same counselling slot at the same moment and
only one gets it; a pregnant worker asks for remote work and sees her union's answer on /me/."""
from __future__ import annotations

import pytest

from apps.women_workers.models import Arrangement, Booking
from tests.e2e.conftest import sign_in
from tests.women_workers.conftest import counsellor, member, slot, unions  # noqa: F401


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_two_people_click_one_slot_at_the_same_moment(page, desktop_page, worker, other_worker, slot):  # noqa: F811
    first, second = page, desktop_page
    sign_in(first, worker.username)
    sign_in(second, other_worker.username)
    for person in (first, second):
        person.goto("/women/")
        person.get_by_test_id("hotline").wait_for()
        person.get_by_test_id("slot-row").first.get_by_role("link", name="预约", exact=True).click()
        person.get_by_label("视频").check()
        person.get_by_label("想聊的话题").fill("复工后有些焦虑")
        person.get_by_label("单独同意处理以上敏感个人信息").check()
    # Both press the button before either page has an answer.
    first.get_by_role("button", name="确认预约").click(no_wait_after=True)
    second.get_by_role("button", name="确认预约").click(no_wait_after=True)
    first.wait_for_load_state()
    second.wait_for_load_state()
    first.locator("text=/预约成功|已被预约/").first.wait_for()
    second.locator("text=/预约成功|已被预约/").first.wait_for()
    texts = [first.content(), second.content()]
    assert sum("预约成功" in text for text in texts) == 1
    assert sum("已被预约" in text for text in texts) == 1
    assert Booking.objects.filter(slot=slot).count() == 1
    winner = first if "预约成功" in texts[0] else second
    assert winner.get_by_role("link", name="下载日历文件（.ics）").is_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_pregnant_worker_asks_for_remote_work_and_sees_the_answer(page, desktop_page, member,  # noqa: F811
                                                                  grassroots_staff):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    sign_in(page, member.username)
    page.goto("/women/arrangements/new/")
    page.get_by_label("居家办公").check()
    page.get_by_label("孕期").check()
    page.get_by_label("开始日期").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("结束日期").fill((today + timedelta(days=97)).isoformat())
    page.get_by_label("用人单位").fill("修武县恒达机械制造有限公司")
    page.get_by_label("情况说明").fill("孕 30 周，通勤一小时")
    page.get_by_label("单独同意处理以上敏感个人信息").check()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("申请已提交").wait_for()
    assert page.get_by_test_id("arrangement-status").inner_text() == "已提交"

    union = desktop_page
    sign_in(union, "grassroots_staff")
    union.goto("/women/arrangements/?status=open")
    union.get_by_role("link", name=f"{member.real_name} · 居家办公").click()
    union.get_by_label("协商进展").select_option("agreed")
    union.get_by_label("与企业协商的情况").fill("与人事部面谈，同意居家办公")
    union.get_by_label("告诉她的结果").fill("单位同意您下周起居家办公至产假开始")
    union.get_by_role("button", name="保存并通知本人").click()
    union.get_by_text("已记录协商情况").wait_for()
    assert Arrangement.objects.get().status == "agreed"

    page.goto("/me/")
    page.get_by_role("link", name="特殊时期安排").first.click()
    assert page.get_by_test_id("arrangement-status").inner_text() == "已达成"
    assert "单位同意您下周起居家办公至产假开始" in page.get_by_test_id("union-answer").inner_text()
