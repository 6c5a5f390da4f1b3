"""Two people clicking the same slot at once get one booking; one person cannot double-book (PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from apps.accounts.roles import Role
from apps.women_workers import services
from apps.women_workers.models import Booking, CounsellingSlot
from tests.conftest import require_postgres
from tests.factories import UserFactory
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_people_clicking_one_slot_at_once_get_one_booking(worker, other_worker, slot):
    require_postgres()
    outcomes = race([lambda w=w: services.booking_create(sensitive_consent=True, actor=w, slot=slot, mode="video")
                      for w in (worker, other_worker)])
    assert sum(isinstance(o, Booking) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Booking.objects.filter(slot=slot).count() == 1


def test_one_person_booking_two_overlapping_slots_at_once_gets_one(worker, slot):
    require_postgres()
    other = CounsellingSlot.objects.create(counsellor=UserFactory(roles=[Role.COUNSELLOR]),
                                           starts_at=slot.starts_at + timedelta(minutes=10),
                                           ends_at=slot.ends_at + timedelta(minutes=10))
    outcomes = race([lambda s=s: services.booking_create(actor=worker, slot=s, mode="video", sensitive_consent=True)
                     for s in (slot, other)])
    assert sum(isinstance(o, Booking) for o in outcomes) == 1
    assert Booking.objects.filter(person=worker).count() == 1


def test_the_database_itself_refuses_overlap_and_double_booking(worker, other_worker, slot):
    require_postgres()
    Booking.objects.create(slot=slot, person=worker, starts_at=slot.starts_at, ends_at=slot.ends_at, mode="video")
    with pytest.raises(IntegrityError):
        Booking.objects.create(slot=slot, person=other_worker, starts_at=slot.starts_at, ends_at=slot.ends_at,
                               mode="video")
    other = CounsellingSlot.objects.create(counsellor=UserFactory(roles=[Role.COUNSELLOR]),
                                           starts_at=slot.starts_at + timedelta(minutes=10),
                                           ends_at=slot.ends_at + timedelta(minutes=10))
    with pytest.raises(IntegrityError):
        Booking.objects.create(slot=other, person=worker, starts_at=other.starts_at, ends_at=other.ends_at,
                               mode="video")
