"""Browser journeys of the volunteer service: two workers go for the last place at the same moment (one
gets it, the other waits and moves up when the first cancels); a donor claims a micro-wish and the union
confirms it with a photo. Screenshots at 360 px and 1280 px of the activity page, the wish list and the
organiser's check-in page go to E2E_SCREENSHOTS when set."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from apps.volunteers.models import Signup, Wish
from tests.conftest import require_postgres
from tests.e2e.conftest import sign_in
from tests.protection.factories import PNG
from tests.volunteers.factories import make_activity, make_wish, volunteer_user


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_last_place_goes_to_one_the_other_waits_and_moves_up(page, desktop_page, browser, live_server, org_tree,
                                                              xiuwu_staff, tmp_path):
    require_postgres()  # two sign-ups at the same moment: SQLite would lock one out instead of queuing it
    shots = _shots(tmp_path)
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, capacity=2)
    first_in = volunteer_user(org_tree.xiuwu, "13900000301", name="孙丽")
    from apps.volunteers import services

    services.signup_create(user=first_in, activity=activity)
    alice, bob = volunteer_user(org_tree.xiuwu, "13900000302", "周强"), volunteer_user(org_tree.xiuwu, "13900000303")
    phone, desk = page, desktop_page
    sign_in(phone, alice.username)
    sign_in(desk, bob.username)
    url = f"/volunteers/activities/{activity.pk}/"
    phone.goto(url)
    desk.goto(url)
    phone.screenshot(path=str(shots / "volunteers-activity-360.png"), full_page=True)
    desk.screenshot(path=str(shots / "volunteers-activity-1280.png"), full_page=True)
    # Both see one place left and press at the same moment.
    phone.get_by_test_id("signup").click(no_wait_after=True)
    desk.get_by_test_id("signup").click(no_wait_after=True)
    phone.wait_for_load_state()
    desk.wait_for_load_state()
    phone.get_by_test_id("places").wait_for()
    desk.get_by_test_id("places").wait_for()
    winner, loser = (phone, desk) if Signup.objects.filter(volunteer__user=alice).exists() else (desk, phone)
    assert Signup.objects.filter(activity=activity, status="confirmed").count() == 2
    loser.get_by_text("名额已满").first.wait_for()
    loser.get_by_test_id("waitlist").click()
    loser.get_by_text("您已进入候补名单").wait_for()
    winner.get_by_test_id("cancel").click()
    winner.get_by_text("已取消报名").wait_for()
    loser.reload()
    assert "您已报名" in loser.get_by_test_id("my-signup").inner_text()

    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url,
                                      locale="zh-CN")
        organiser = context.new_page()
        sign_in(organiser, "xiuwu_staff")
        organiser.goto(f"/volunteers/console/activities/{activity.pk}/")
        organiser.get_by_test_id("qr").wait_for()
        assert organiser.get_by_test_id("roster-row").count() == 2
        organiser.screenshot(path=str(shots / f"volunteers-checkin-{width}.png"), full_page=True)
        context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_donor_claims_a_wish_and_the_union_confirms_it(page, desktop_page, org_tree, xiuwu_staff, worker, tmp_path):
    shots = _shots(tmp_path)
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    page.goto("/volunteers/wishes/")
    page.screenshot(path=str(shots / "volunteers-wishes-360.png"), full_page=True)
    desktop_page.goto("/volunteers/wishes/")
    desktop_page.screenshot(path=str(shots / "volunteers-wishes-1280.png"), full_page=True)
    assert "赵困难" not in page.content()

    sign_in(page, worker.username)
    page.goto(f"/volunteers/wishes/{wish.pk}/")
    page.get_by_test_id("claim").click()
    page.get_by_text("认领成功").wait_for()
    page.get_by_role("button", name="已帮助实现").click()
    page.get_by_text("等待工会拍照确认").wait_for()

    sign_in(desktop_page, "xiuwu_staff")
    desktop_page.goto(f"/volunteers/console/wishes/{wish.pk}/")
    desktop_page.get_by_label("心愿实现照片").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": PNG})
    desktop_page.get_by_test_id("confirm").click()
    desktop_page.get_by_text("已确认心愿实现").wait_for()
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CONFIRMED and wish.donor == worker
