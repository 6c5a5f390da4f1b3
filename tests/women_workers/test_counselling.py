from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Notification
from apps.women_workers import services
from apps.women_workers.models import Booking, CounsellingSlot

pytestmark = pytest.mark.django_db


def test_public_page_shows_hotline_and_open_slots_to_anyone(client, slot):
    response = client.get(reverse("women_workers:counselling"))
    page = response.content.decode()
    assert response.status_code == 200 and "0391-12351" in page and "每天" in page
    assert reverse("women_workers:book", args=[slot.pk]) in page


def test_public_page_runs_a_fixed_number_of_queries(client, counsellor, django_assert_max_num_queries):
    start = timezone.now() + timedelta(days=1)
    services.slots_publish(actor=counsellor, starts_at=start, minutes=50, repeat_weeks=12, modes=["video"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("women_workers:counselling"))
    assert len(response.context["page_obj"]) == 12


def test_counsellor_publishes_a_weekly_repeating_slot_once_per_time(counsellor):
    start = timezone.now() + timedelta(days=1)
    assert len(services.slots_publish(actor=counsellor, starts_at=start, minutes=50, repeat_weeks=4,
                                      modes=["video", "phone"])) == 4
    again = services.slots_publish(actor=counsellor, starts_at=start + timedelta(weeks=3), minutes=50,
                                   repeat_weeks=2, modes=["video"])
    assert len(again) == 1 and CounsellingSlot.objects.count() == 5


@pytest.mark.parametrize("data, field", [
    ({"starts_at": "2020-01-01T09:00", "minutes": 50, "repeat_weeks": 1, "modes": ["video"]}, "starts_at"),
    ({"starts_at": "9999-01-01T09:00", "minutes": 50, "repeat_weeks": 1, "modes": ["video"]}, "starts_at"),
    ({"starts_at": "2099-01-01T09:00", "minutes": 5, "repeat_weeks": 1, "modes": ["video"]}, "minutes"),
    ({"starts_at": "2099-01-01T09:00", "minutes": 50, "repeat_weeks": 99999999999, "modes": ["video"]},
     "repeat_weeks"),
    ({"starts_at": "2099-01-01T09:00", "minutes": 50, "repeat_weeks": 1, "modes": ["in_person"]}, "place"),
])
def test_bad_slots_are_refused(client, counsellor, data, field):
    client.force_login(counsellor)
    response = client.post(reverse("women_workers:counsellor_home"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not CounsellingSlot.objects.exists()


def test_worker_cannot_publish_slots(client, worker):
    client.force_login(worker)
    assert client.get(reverse("women_workers:counsellor_home")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.slots_publish(actor=worker, starts_at=timezone.now() + timedelta(days=1), minutes=50,
                               modes=["video"])


def test_worker_books_and_gets_an_ics(client, worker, slot):
    client.force_login(worker)
    response = client.post(reverse("women_workers:book", args=[slot.pk]),
                           {"mode": "video", "topic": "", "sensitive_consent": "on"})
    booking = Booking.objects.get()
    assert response.status_code == 302 and booking.topic == "" and booking.starts_at == slot.starts_at
    ics = client.get(reverse("women_workers:booking_ics", args=[booking.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_taken_slot_cannot_be_booked_again(client, worker, other_worker, slot):
    services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="video")
    client.force_login(other_worker)
    response = client.post(reverse("women_workers:book", args=[slot.pk]), {"mode": "video", "sensitive_consent": "on"})
    assert response.status_code == 400 and "已被预约" in response.content.decode()
    assert Booking.objects.count() == 1


def test_past_slot_and_phone_without_number_are_refused(worker, counsellor, slot):
    past = CounsellingSlot.objects.create(counsellor=counsellor, starts_at=timezone.now() - timedelta(hours=2),
                                          ends_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.booking_create(sensitive_consent=True, actor=worker, slot=past, mode="video")
    with pytest.raises(ValidationError) as caught:
        services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="phone")
    assert "contact_phone" in caught.value.error_dict
    assert not Booking.objects.exists()


def test_a_person_cannot_hold_two_overlapping_bookings(worker, slot):
    from apps.accounts.roles import Role
    from tests.factories import UserFactory

    second = UserFactory(roles=[Role.COUNSELLOR])
    other = CounsellingSlot.objects.create(counsellor=second, starts_at=slot.starts_at + timedelta(minutes=20),
                                           ends_at=slot.ends_at + timedelta(minutes=20))
    services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="video")
    with pytest.raises(ValidationError) as caught:
        services.booking_create(sensitive_consent=True, actor=worker, slot=other, mode="video")
    assert "已有其他咨询预约" in str(caught.value)


def test_cancellation_frees_the_slot(worker, other_worker, slot):
    booking = services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="video")
    with pytest.raises(PermissionDenied):
        services.booking_cancel(actor=other_worker, booking=booking)
    services.booking_cancel(actor=worker, booking=booking)
    again = services.booking_create(sensitive_consent=True, actor=other_worker, slot=slot, mode="video")
    assert again.status == "booked"


def test_someone_elses_booking_is_404(client, worker, other_worker, slot):
    booking = services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="video")
    client.force_login(other_worker)
    for name in ("booking_detail", "booking_ics"):
        assert client.get(reverse(f"women_workers:{name}", args=[booking.pk])).status_code == 404
    assert client.post(reverse("women_workers:booking_cancel", args=[booking.pk])).status_code == 404


def test_crisis_flag_alerts_the_department_by_site_and_sms(client, worker, slot, xiuwu_staff, city_staff,
                                                          grassroots_staff, counsellor,
                                                          django_capture_on_commit_callbacks):
    booking = services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="video")
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    CounsellingSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    client.force_login(counsellor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("women_workers:booking_record", args=[booking.pk]),
                    {"note": "情绪低落，有轻生念头", "crisis": "on"})
    alerted = set(Notification.objects.filter(title__contains="危机预警").values_list("recipient_id", flat=True))
    assert {xiuwu_staff.pk, city_staff.pk} <= alerted and grassroots_staff.pk not in alerted
    client.force_login(xiuwu_staff)
    page = client.get(reverse("women_workers:crisis_list")).content.decode()
    assert worker.get_full_name() in page and "轻生" not in page  # the note stays confidential


def test_note_is_refused_before_the_session_and_for_other_counsellors(worker, slot):
    from apps.accounts.roles import Role
    from tests.factories import UserFactory

    booking = services.booking_create(sensitive_consent=True, actor=worker, slot=slot, mode="video")
    with pytest.raises(ValidationError):
        services.booking_record_session(actor=slot.counsellor, booking=booking, note="x", crisis=False)
    with pytest.raises(PermissionDenied):
        services.booking_record_session(actor=UserFactory(roles=[Role.COUNSELLOR]), booking=booking, note="x",
                                        crisis=False)


def test_reminders_are_sent_once(worker, counsellor, django_capture_on_commit_callbacks):
    start = timezone.now() + timedelta(hours=3)
    soon = CounsellingSlot.objects.create(counsellor=counsellor, starts_at=start, ends_at=start + timedelta(hours=1))
    services.booking_create(sensitive_consent=True, actor=worker, slot=soon, mode="video")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_remind() == 1
    assert services.bookings_remind() == 0
    assert Notification.objects.filter(recipient=worker, title="心理咨询预约提醒").count() == 1
