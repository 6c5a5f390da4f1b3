"""Two people at once on PostgreSQL with real threads: the last place, one wish."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.volunteers import services
from apps.volunteers.models import Activity, Signup, Wish
from tests.conftest import require_postgres
from tests.factories import UserFactory
from tests.races import race

from .factories import make_activity, make_wish, volunteer_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_five_people_for_two_places_never_exceed_capacity(org_tree, xiuwu_staff):
    require_postgres()
    activity = make_activity(org_tree.xiuwu, xiuwu_staff, capacity=2)
    people = [volunteer_user(org_tree.xiuwu, f"1380000000{i}") for i in range(5)]
    outcomes = race([lambda p=p: services.signup_create(user=p, activity=activity, waitlist=True) for p in people])
    assert not any(isinstance(o, ValidationError) for o in outcomes)
    activity.refresh_from_db()
    assert activity.taken == 2
    assert Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).count() == 2
    assert Signup.objects.filter(activity=activity, status=Signup.Status.WAITING).count() == 3


def test_one_person_two_overlapping_activities_at_once(org_tree, xiuwu_staff):
    require_postgres()
    first = make_activity(org_tree.xiuwu, xiuwu_staff, title="甲")
    second = make_activity(org_tree.xiuwu, xiuwu_staff, title="乙")
    person = volunteer_user(org_tree.xiuwu, "13800000099")
    outcomes = race([lambda: services.signup_create(user=person, activity=first),
                      lambda: services.signup_create(user=person, activity=second)])
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Activity.objects.filter(taken=1).count() == 1


def test_two_donors_clicking_at_once_one_claims(org_tree, xiuwu_staff):
    require_postgres()
    wish = make_wish(org_tree.xiuwu, xiuwu_staff)
    donors = [UserFactory(username=f"1370000010{i}") for i in range(4)]
    outcomes = race([lambda d=d: services.wish_claim(user=d, wish=Wish(pk=wish.pk, wisher_id=wish.wisher_id))
                      for d in donors])
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 3
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED and wish.donor in donors
