"""Two officers at once on PostgreSQL with real threads: a threshold alert goes out exactly once."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.roles import Role
from apps.legal_aid import services
from apps.legal_aid.models import DisputeAlert, LabourDispute
from apps.notifications.models import Notification
from tests.conftest import require_postgres
from tests.factories import make_staff
from tests.races import race

from .disputes_factories import days_ago, dispute_data, record

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_alert_calls_at_once_send_one_alert(xiuwu_staff, city_staff, xiuwu_enterprise):
    require_postgres()
    dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=3)
    LabourDispute.objects.filter(pk=dispute.pk).update(workers_involved=45, collective=True)
    outcomes = race([lambda: services.dispute_alert(dispute=dispute) for _ in range(4)])
    assert sorted(len(sent) for sent in outcomes) == [0, 0, 0, 2]
    assert set(DisputeAlert.objects.values_list("reason", flat=True)) == {"collective", "workers"}
    assert Notification.objects.filter(recipient=city_staff).count() == 1
    assert Notification.objects.filter(recipient=xiuwu_staff).count() == 1


def test_two_officers_editing_across_the_threshold_alert_once(org_tree, xiuwu_staff, city_staff,
                                                              xiuwu_enterprise):
    require_postgres()
    colleague = make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_colleague")
    dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=3)
    outcomes = race([
        lambda: services.dispute_update(actor=xiuwu_staff, dispute=dispute, data=dispute_data(workers_involved=12)),
        lambda: services.dispute_update(actor=colleague, dispute=dispute, data=dispute_data(workers_involved=14)),
    ])
    assert all(isinstance(outcome, LabourDispute) for outcome in outcomes)
    assert list(DisputeAlert.objects.values_list("reason", flat=True)) == ["collective"]
    assert Notification.objects.filter(recipient=city_staff).count() == 1


def test_two_officers_moving_it_at_once_move_it_once(org_tree, xiuwu_staff, xiuwu_enterprise):
    require_postgres()
    colleague = make_staff(org_tree.xiuwu, Role.COUNTY_STAFF, username="xiuwu_colleague")
    dispute = record(xiuwu_staff, xiuwu_enterprise)
    outcomes = race([
        lambda person=person: services.dispute_progress(actor=person, dispute=dispute, happened_on=days_ago(0),
                                                        note="开始调解", to_status="mediating")
        for person in (xiuwu_staff, colleague)])
    assert sum(isinstance(outcome, ValidationError) for outcome in outcomes) == 1
    assert dispute.progress.filter(status_after="mediating").count() == 1
