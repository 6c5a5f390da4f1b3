from __future__ import annotations

from celery import shared_task


@shared_task(time_limit=300)
def send_booking_reminders() -> int:
    from .services import bookings_remind

    return bookings_remind()


@shared_task(time_limit=300)
def purge_crisis_contacts() -> int:
    from .privacy import crisis_contacts_purge

    return crisis_contacts_purge()
