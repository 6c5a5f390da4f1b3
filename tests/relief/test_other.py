"""Registry reminders by beat, indicators (the demo data: tests/core/test_seed_demo.py)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.indicators import all_indicators
from apps.notifications.models import Notification
from apps.relief import services
from apps.relief.models import NeedyFile
from tests.organizing.conftest import id_number

from .conftest import facts

pytestmark = pytest.mark.django_db


def test_review_reminder_is_sent_once_per_due_date(grassroots_staff, django_capture_on_commit_callbacks):
    file = services.needy_file_create(actor=grassroots_staff, real_name="李强", id_number=id_number(21),
                                      workplace="恒达", category="deep", household_size=3,
                                      household_income=Decimal("1500"), hardship="患病",
                                      filed_on=timezone.localdate() - timedelta(days=350))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.needy_reviews_remind() == 1
        assert services.needy_reviews_remind() == 0
    assert Notification.objects.filter(recipient=grassroots_staff, title__contains="年度复核").count() == 1
    review = services.needy_file_review(actor=grassroots_staff, file=file, household_income=Decimal("1600"),
                                        note="仍困难")
    assert review.on_time
    file.refresh_from_db()
    assert file.next_review_on == timezone.localdate() + timedelta(days=365) and file.reminded_for is None


def test_a_closed_file_lets_the_person_be_filed_again(grassroots_staff):
    data = {"real_name": "李强", "id_number": id_number(22), "workplace": "恒达", "category": "deep",
            "household_size": 3, "household_income": Decimal("1500"), "hardship": "患病"}
    first = services.needy_file_create(actor=grassroots_staff, **data)
    services.needy_file_close(actor=grassroots_staff, file=first, reason="已解困")
    again = services.needy_file_create(actor=grassroots_staff, **data)
    assert again.status == NeedyFile.Status.OPEN and first.id_digest == again.id_digest


def test_indicators_count_paid_aid_visits_files_and_fund_use(org_tree, grassroots_staff, xiuwu_staff, city_staff,
                                                             worker, ruleset, xiuwu_account,
                                                             django_assert_max_num_queries):
    from apps.accounts.roles import Role
    from tests.factories import make_staff

    application = services.aid_apply(actor=grassroots_staff, worker=worker, **facts())
    services.aid_approve(actor=xiuwu_staff, application=application)
    services.aid_approve(actor=city_staff, application=application, tier="1", amount=Decimal("5000"),
                         account=xiuwu_account)
    services.aid_pay(actor=make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="p"), application=application)
    indicators = all_indicators()
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    organizations = [org_tree.city, org_tree.xiuwu, org_tree.boai]
    with django_assert_max_num_queries(2):
        yuan = indicators["relief.aid_yuan"].compute(organizations, start, today)
    assert yuan[org_tree.city.pk] == Decimal("5000.00") and yuan[org_tree.boai.pk] == 0
    assert indicators["relief.aid_people"].compute(organizations, start, today)[org_tree.xiuwu.pk] == 1
    rate = indicators["relief.fund_used_rate"].compute(organizations, start, today)
    assert rate[org_tree.xiuwu.pk] == Decimal("25.0")  # 5000 of the 20000 it holds
    for key in ("relief.visit_people", "relief.files_open", "relief.reviews_on_time_rate"):
        assert key in indicators
    link = indicators["relief.aid_yuan"].link(org_tree.xiuwu, start, today)
    assert link.startswith("/relief/aid/") and f"org={org_tree.xiuwu.pk}" in link
