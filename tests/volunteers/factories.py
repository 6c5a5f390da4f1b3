from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.volunteers import services
from apps.volunteers.models import Activity, Volunteer, Wish
from tests.factories import UserFactory


def make_volunteer(user, district, *, approved: bool = True) -> Volunteer:
    volunteer = Volunteer.objects.create(user=user, union=district, district=district, skills="法律咨询",
                                         availability="周末", status="approved" if approved else "pending",
                                         approved_at=timezone.now() if approved else None)
    if approved:
        volunteer.number = f"ZY{volunteer.pk:05d}"
        volunteer.save(update_fields=["number"])
    return volunteer


def make_activity(organiser, creator, *, capacity: int = 2, days: float = 3, hours: float = 2,
                  kind: str = Activity.Kind.LEGAL, cancel_hours: int = 24, title: str = "法律咨询进企业") -> Activity:
    starts = timezone.now() + timedelta(days=days)
    return Activity.objects.create(title=title, kind=kind, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                                   place="修武县职工之家", capacity=capacity, cancel_hours=cancel_hours,
                                   organiser=organiser, created_by=creator)


def volunteer_user(district, phone: str, name: str = "志愿者"):
    user = UserFactory(username=phone, real_name=name)
    make_volunteer(user, district)
    return user


def make_wish(union, staff, *, wisher=None, publish: bool = True) -> Wish:
    wisher = wisher or UserFactory(username="13700000009", real_name="赵困难")
    return services.wish_create(actor=staff, wisher=wisher, union=union, what="给孩子买一个书包",
                                why="家中困难，孩子开学需要书包", value=Decimal("120"), publish=publish)
