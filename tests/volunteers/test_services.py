"""Volunteers' services: registration, capacity and the waiting list, check-in, hours, micro-wishes."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.registry import membership
from apps.notifications.models import Notification
from apps.volunteers import services
from apps.volunteers.models import Activity, Signup, Volunteer, Wish
from tests.factories import UserFactory
from tests.protection.factories import png

from .factories import make_activity, make_wish, volunteer_user

pytestmark = pytest.mark.django_db


def test_worker_without_membership_is_approved_by_the_county_union(org_tree, worker, xiuwu_staff):
    volunteer = services.volunteer_register(user=worker, district=org_tree.xiuwu, skills="心理咨询",
                                            availability="周末")
    assert volunteer.union == org_tree.xiuwu and volunteer.status == Volunteer.Status.PENDING
    services.volunteer_decide(actor=xiuwu_staff, volunteer=volunteer, approve=True)
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.APPROVED and volunteer.number.startswith("ZY")


def test_member_is_approved_by_their_own_union(org_tree, worker, monkeypatch, boai_staff):
    monkeypatch.setattr(membership, "union_of", lambda user: org_tree.xiuwu_grassroots)
    volunteer = services.volunteer_register(user=worker, district=org_tree.boai, skills="文艺", availability="晚上")
    assert volunteer.union == org_tree.xiuwu_grassroots
    with pytest.raises(PermissionDenied):
        services.volunteer_decide(actor=boai_staff, volunteer=volunteer, approve=True)


def test_registering_twice_is_refused(org_tree, worker):
    services.volunteer_register(user=worker, district=org_tree.xiuwu, skills="a", availability="b")
    with pytest.raises(ValidationError):
        services.volunteer_register(user=worker, district=org_tree.boai, skills="a", availability="b")
    assert Volunteer.objects.count() == 1


def test_district_must_be_a_county(org_tree, worker):
    with pytest.raises(ValidationError):
        services.volunteer_register(user=worker, district=org_tree.xiuwu_grassroots, skills="a", availability="b")


def test_full_activity_offers_the_waiting_list_and_moves_it_up(org_tree, xiuwu_staff,
                                                               django_capture_on_commit_callbacks):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, capacity=1)
    first, second, third = (volunteer_user(org_tree.xiuwu, f"1390000010{i}") for i in range(3))
    services.signup_create(user=first, activity=activity)
    with pytest.raises(ValidationError) as refused:
        services.signup_create(user=second, activity=activity)
    assert "候补" in str(refused.value)
    waiting2 = services.signup_create(user=second, activity=activity, waitlist=True)
    waiting3 = services.signup_create(user=third, activity=activity, waitlist=True)
    assert waiting2.status == waiting3.status == Signup.Status.WAITING
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(user=first, signup=Signup.objects.get(volunteer__user=first))
    waiting2.refresh_from_db()
    waiting3.refresh_from_db()
    activity.refresh_from_db()
    assert waiting2.status == Signup.Status.CONFIRMED and waiting3.status == Signup.Status.WAITING
    assert activity.taken == 1
    assert Notification.objects.filter(recipient=second, title__contains="候补成功").exists()


def test_cancel_without_waiting_list_frees_the_place(org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, capacity=1)
    person = volunteer_user(org_tree.xiuwu, "13900000111")
    signup = services.signup_create(user=person, activity=activity)
    services.signup_cancel(user=person, signup=signup)
    activity.refresh_from_db()
    assert activity.taken == 0


def test_cancel_after_cutoff_is_refused(org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, days=0.5, cancel_hours=24)
    person = volunteer_user(org_tree.xiuwu, "13900000112")
    signup = services.signup_create(user=person, activity=activity)
    with pytest.raises(ValidationError):
        services.signup_cancel(user=person, signup=signup)
    signup.refresh_from_db()
    assert signup.status == Signup.Status.CONFIRMED


def test_overlapping_signups_are_refused(org_tree, xiuwu_staff, boai_staff):
    first = make_activity(org_tree.xiuwu, xiuwu_staff, days=3, hours=3)
    overlapping = make_activity(org_tree.boai, boai_staff, days=3 + 1 / 24, hours=1, title="心理疏导")
    person = volunteer_user(org_tree.xiuwu, "13900000113")
    services.signup_create(user=person, activity=first)
    with pytest.raises(ValidationError) as refused:
        services.signup_create(user=person, activity=overlapping)
    assert "重叠" in str(refused.value)
    assert Signup.objects.filter(activity=overlapping).count() == 0


def test_unapproved_volunteer_cannot_sign_up(org_tree, worker, xiuwu_staff):
    services.volunteer_register(user=worker, district=org_tree.xiuwu, skills="a", availability="b")
    with pytest.raises(ValidationError):
        services.signup_create(user=worker, activity=make_activity(org_tree.xiuwu, xiuwu_staff))


def test_database_refuses_more_than_capacity(org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(taken=2)


def test_check_in_only_on_the_day(org_tree, xiuwu_staff, grassroots_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, days=3)
    person = volunteer_user(org_tree.xiuwu, "13900000114")
    signup = services.signup_create(user=person, activity=activity)
    with pytest.raises(ValidationError) as refused:
        services.signup_check_in(actor=xiuwu_staff, signup=signup, by_organiser=True)
    assert "当天" in str(refused.value)
    now = timezone.now()  # under way today, whatever the hour
    Activity.objects.filter(pk=activity.pk).update(starts_at=now, ends_at=now + timedelta(hours=1))
    with pytest.raises(PermissionDenied):  # a grassroots union below the organiser cannot act for it
        services.signup_check_in(actor=grassroots_staff, signup=signup, by_organiser=True)
    services.signup_check_in(actor=person, signup=signup, by_organiser=False)
    services.signup_check_in(actor=person, signup=signup, by_organiser=False)  # idempotent
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    services.signup_check_out(actor=person, signup=signup)
    signup.refresh_from_db()
    assert signup.checked_out_at is not None and Decimal("0") <= signup.hours <= Decimal("1.0")


def test_checkin_token_is_signed(org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff)
    token = services.checkin_token(activity)
    assert services.activity_from_token(token) == activity.pk
    with pytest.raises(ValidationError):
        services.activity_from_token(token[:-2] + "xx")
    with pytest.raises(ValidationError):
        services.activity_from_token(f"{activity.pk + 1}:" + token.split(":", 1)[1])


def test_organiser_records_hours_within_the_activity_length(org_tree, xiuwu_staff):
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, days=3, hours=2)
    person = volunteer_user(org_tree.xiuwu, "13900000115")
    signup = services.signup_create(user=person, activity=activity)
    with pytest.raises(ValidationError):  # not checked in
        services.signup_record_hours(actor=xiuwu_staff, signup=signup, hours=Decimal("2"))
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=timezone.now())
    with pytest.raises(ValidationError):
        services.signup_record_hours(actor=xiuwu_staff, signup=signup, hours=Decimal("5"))
    services.signup_record_hours(actor=xiuwu_staff, signup=signup, hours=Decimal("1.5"))
    signup.refresh_from_db()
    assert signup.hours == Decimal("1.5")


def test_activity_link_must_be_http(org_tree, xiuwu_staff):
    start = timezone.now() + timedelta(days=2)
    data = {"title": "线上宣讲", "kind": "talk", "starts_at": start, "ends_at": start + timedelta(hours=1),
            "place": "", "online_link": "javascript:alert(1)", "capacity": 10}
    with pytest.raises(ValidationError) as refused:
        services.activity_create(actor=xiuwu_staff, data=data)
    assert "online_link" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.activity_create(actor=xiuwu_staff, data={**data, "online_link": ""})
    assert Activity.objects.count() == 0


# --- micro-wishes -----------------------------------------------------------------------------

def test_wish_lifecycle_claim_fulfil_confirm(org_tree, xiuwu_staff, worker):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    assert wish.status == Wish.Status.PUBLISHED
    services.wish_claim(user=worker, wish=wish)
    wish.refresh_from_db()
    assert wish.donor == worker and wish.due_at > timezone.now()
    services.wish_fulfil(user=worker, wish=wish)
    services.wish_confirm(actor=xiuwu_staff, wish=wish, photo=png())
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CONFIRMED and wish.photo


def test_second_claim_is_refused(org_tree, xiuwu_staff, worker, other_worker):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    services.wish_claim(user=worker, wish=wish)
    with pytest.raises(ValidationError) as refused:
        services.wish_claim(user=other_worker, wish=wish)
    assert "已被他人认领" in str(refused.value)
    wish.refresh_from_db()
    assert wish.donor == worker


def test_confirm_refuses_a_file_that_is_not_an_image(org_tree, xiuwu_staff, worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    services.wish_claim(user=worker, wish=wish)
    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.wish_confirm(actor=xiuwu_staff, wish=wish, photo=fake)
    assert "photo" in refused.value.message_dict
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED and not wish.photo


def test_other_district_cannot_publish_or_confirm(org_tree, xiuwu_staff, boai_staff):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff, publish=False)
    with pytest.raises(PermissionDenied):
        services.wish_publish(actor=boai_staff, wish=wish)


def test_value_limit(org_tree, xiuwu_staff):
    with pytest.raises(ValidationError):
        services.wish_create(actor=xiuwu_staff, wisher=UserFactory(), union=org_tree.xiuwu, what="电视",
                             why="x", value=Decimal("5000"))
    assert Wish.objects.count() == 0


def test_overdue_claims_are_released_once(org_tree, xiuwu_staff, worker):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    services.wish_claim(user=worker, wish=wish)
    Wish.objects.filter(pk=wish.pk).update(due_at=timezone.now() - timedelta(days=1))
    fresh = make_wish(org_tree.xiuwu, xiuwu_staff, wisher=UserFactory())
    services.wish_claim(user=worker, wish=fresh)
    assert services.release_overdue_claims() == 1
    assert services.release_overdue_claims() == 0
    wish.refresh_from_db()
    fresh.refresh_from_db()
    assert wish.status == Wish.Status.PUBLISHED and wish.donor is None
    assert fresh.status == Wish.Status.CLAIMED


def test_donor_releases_and_cannot_release_others(org_tree, xiuwu_staff, worker, other_worker):
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    services.wish_claim(user=worker, wish=wish)
    with pytest.raises(PermissionDenied):
        services.wish_release(actor=other_worker, wish=wish)
    services.wish_release(actor=worker, wish=wish)
    wish.refresh_from_db()
    assert wish.status == Wish.Status.PUBLISHED
