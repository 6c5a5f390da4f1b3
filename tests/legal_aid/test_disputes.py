"""Labour disputes, the services: recording, the collective rule, alerts once per reason, the transition
table and its refusals, thresholds, indicators and demo data."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.indicators import all_indicators
from apps.core.models import AuditLog
from apps.legal_aid import services
from apps.legal_aid.models import DisputeAlert, DisputeProgress, DisputeThresholds, LabourDispute
from apps.notifications.models import Notification
from tests.factories import EnterpriseFactory

from .disputes_factories import days_ago, dispute_data, negotiation_data, record

pytestmark = pytest.mark.django_db
S = LabourDispute.Status


def alert_recipients() -> set[str]:
    return set(Notification.objects.filter(title__startswith="劳动争议预警").values_list(
        "recipient__username", flat=True))


class TestRecord:
    def test_it_records_with_a_registration_step_and_an_audit_row(self, xiuwu_staff, xiuwu_enterprise, org_tree):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        assert dispute.status == S.REGISTERED and dispute.organization == org_tree.xiuwu
        assert list(dispute.progress.values_list("status_after", flat=True)) == [S.REGISTERED]
        assert AuditLog.objects.filter(action="legal_aid.dispute.recorded", target_id=str(dispute.pk)).exists()
        assert not dispute.collective and not dispute.alerts.exists()

    def test_ten_workers_are_a_collective_dispute_by_the_national_rule(self, xiuwu_staff, xiuwu_enterprise):
        assert record(xiuwu_staff, xiuwu_enterprise, workers_involved=10, collective=False).collective
        assert not record(xiuwu_staff, xiuwu_enterprise, workers_involved=9).collective
        assert record(xiuwu_staff, xiuwu_enterprise, workers_involved=4, collective=True).collective

    def test_the_database_refuses_ten_workers_not_collective(self, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=12)
        with pytest.raises(IntegrityError), transaction.atomic():
            LabourDispute.objects.filter(pk=dispute.pk).update(collective=False)

    @pytest.mark.parametrize("field, value", [
        ("workers_involved", 0), ("workers_involved", -3), ("workers_involved", "x"), ("workers_involved", 10**9),
        ("amount", Decimal("-1")), ("amount", "abc"), ("amount", Decimal("1e15")), ("amount", "NaN"),
        ("occurred_on", "tomorrow"), ("description", "   "), ("dispute_type", "strike"),
    ])
    def test_bad_values_are_refused_and_nothing_is_saved(self, xiuwu_staff, xiuwu_enterprise, field, value):
        if value == "tomorrow":
            value = timezone.localdate() + timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            record(xiuwu_staff, xiuwu_enterprise, **{field: value})
        assert field in error.value.message_dict
        assert not LabourDispute.objects.exists() and not DisputeProgress.objects.exists()

    def test_an_enterprise_of_another_district_is_refused(self, boai_staff, xiuwu_enterprise):
        with pytest.raises(PermissionDenied):
            record(boai_staff, xiuwu_enterprise)
        assert not LabourDispute.objects.exists()

    def test_grassroots_staff_record_their_own_enterprises_only(self, grassroots_staff, xiuwu_enterprise,
                                                                boai_enterprise, org_tree):
        assert record(grassroots_staff, xiuwu_enterprise).organization == org_tree.xiuwu_grassroots
        no_union = EnterpriseFactory(name="修武县无工会企业", district=org_tree.xiuwu)
        for enterprise in (boai_enterprise, no_union):
            with pytest.raises(PermissionDenied):
                record(grassroots_staff, enterprise)

    def test_a_worker_cannot_record(self, worker, xiuwu_enterprise):
        with pytest.raises(PermissionDenied):
            record(worker, xiuwu_enterprise)


class TestAlerts:
    def test_a_collective_dispute_alerts_the_county_and_the_city_once(
            self, xiuwu_staff, city_staff, boai_staff, grassroots_staff, xiuwu_enterprise,
            django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            dispute = record(grassroots_staff, xiuwu_enterprise, workers_involved=12, collective=False)
        assert list(dispute.alerts.values_list("reason", flat=True)) == [DisputeAlert.Reason.COLLECTIVE]
        assert alert_recipients() == {"xiuwu_staff", "city_office"}
        notification = Notification.objects.filter(recipient=city_staff).get()
        assert xiuwu_enterprise.name in notification.title and "集体劳动争议" in notification.title
        assert notification.link == f"/legal/disputes/{dispute.pk}/"
        with django_capture_on_commit_callbacks(execute=True):
            assert services.dispute_alert(dispute=dispute) == []
            assert services.dispute_alert(dispute=dispute) == []
        assert Notification.objects.count() == 2 and DisputeAlert.objects.count() == 1

    def test_a_small_dispute_alerts_nobody(self, xiuwu_staff, city_staff, xiuwu_enterprise,
                                           django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            record(xiuwu_staff, xiuwu_enterprise, workers_involved=2, amount=Decimal("499999.99"))
        assert not DisputeAlert.objects.exists() and not Notification.objects.exists()

    def test_the_amount_threshold_alerts(self, xiuwu_staff, city_staff, xiuwu_enterprise,
                                         django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=2, amount=Decimal("500000"))
        assert list(dispute.alerts.values_list("reason", flat=True)) == ["amount"]
        assert "500,000" in Notification.objects.filter(recipient=city_staff).get().body

    def test_thirty_workers_give_two_reasons_in_one_message(self, xiuwu_staff, city_staff, xiuwu_enterprise,
                                                            django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=30)
        assert set(dispute.alerts.values_list("reason", flat=True)) == {"collective", "workers"}
        assert Notification.objects.filter(recipient=city_staff).count() == 1

    def test_an_edit_crossing_a_threshold_alerts_once_per_reason(self, xiuwu_staff, city_staff, xiuwu_enterprise,
                                                                 django_capture_on_commit_callbacks):
        dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=3)
        with django_capture_on_commit_callbacks(execute=True):
            services.dispute_update(actor=xiuwu_staff, dispute=dispute, data=dispute_data(workers_involved=12))
            services.dispute_update(actor=xiuwu_staff, dispute=dispute, data=dispute_data(workers_involved=12))
            services.dispute_update(actor=xiuwu_staff, dispute=dispute, data=dispute_data(workers_involved=15))
        assert list(dispute.alerts.values_list("reason", flat=True)) == ["collective"]
        assert Notification.objects.filter(recipient=city_staff).count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            services.dispute_update(actor=xiuwu_staff, dispute=dispute, data=dispute_data(workers_involved=40))
        assert set(dispute.alerts.values_list("reason", flat=True)) == {"collective", "workers"}
        assert Notification.objects.filter(recipient=city_staff).count() == 2
        changed = AuditLog.objects.filter(action="legal_aid.dispute.changed", target_id=str(dispute.pk))
        assert changed.count() == 3  # the repeated edit changed nothing and wrote nothing
        assert changed.order_by("pk").first().before == {"workers_involved": 3, "collective": False}

    def test_the_city_row_sets_the_thresholds(self, xiuwu_staff, city_staff, xiuwu_enterprise):
        services.thresholds_set(actor=city_staff, major_workers=5, major_amount=Decimal("10000"))
        dispute = record(xiuwu_staff, xiuwu_enterprise, workers_involved=6, amount=Decimal("20000"))
        assert set(dispute.alerts.values_list("reason", flat=True)) == {"workers", "amount"}

    def test_alerts_reach_nobody_outside_the_county_and_the_city(self, xiuwu_staff, boai_staff, city_staff,
                                                                  org_tree, xiuwu_enterprise,
                                                                  django_capture_on_commit_callbacks):
        from apps.accounts.roles import Role
        from tests.factories import make_staff

        make_staff(org_tree.industry, Role.COUNTY_STAFF, username="industry_staff")
        make_staff(org_tree.xiuwu, username="xiuwu_no_role")
        with django_capture_on_commit_callbacks(execute=True):
            record(xiuwu_staff, xiuwu_enterprise, workers_involved=50)
        assert alert_recipients() == {"xiuwu_staff", "city_office"}


class TestTransitions:
    PATHS = {
        S.MEDIATING: [S.MEDIATING],
        S.MEDIATED: [S.MEDIATING, S.MEDIATED],
        S.ARBITRATION: [S.MEDIATING, S.ARBITRATION],
        S.LITIGATION: [S.MEDIATING, S.LITIGATION],
    }

    def move(self, actor, dispute, to_status, **extra):
        extra.setdefault("happened_on", days_ago(0))
        extra.setdefault("note", f"转为{S(to_status).label}" if to_status in S.values else "电话回访")
        return services.dispute_progress(actor=actor, dispute=dispute, to_status=to_status, **extra)

    def reach(self, actor, dispute, status):
        for step in self.PATHS.get(status, []):
            self.move(actor, dispute, step)
        dispute.refresh_from_db()
        return dispute

    @pytest.mark.parametrize("start, target", [
        (S.REGISTERED, S.MEDIATING), (S.MEDIATING, S.MEDIATED), (S.MEDIATING, S.ARBITRATION),
        (S.MEDIATING, S.LITIGATION), (S.MEDIATED, S.CLOSED), (S.ARBITRATION, S.LITIGATION),
        (S.ARBITRATION, S.CLOSED), (S.LITIGATION, S.CLOSED),
    ])
    def test_each_allowed_transition(self, xiuwu_staff, xiuwu_enterprise, start, target):
        dispute = self.reach(xiuwu_staff, record(xiuwu_staff, xiuwu_enterprise), start)
        assert dispute.status == start
        entry = self.move(xiuwu_staff, dispute, target, resolution="企业已支付全部工资。")
        dispute.refresh_from_db()
        assert dispute.status == target and (entry.status_before, entry.status_after) == (start, target)
        assert (dispute.closed_at is not None) == (target == S.CLOSED)
        assert AuditLog.objects.filter(action="legal_aid.dispute.moved", target_id=str(dispute.pk),
                                       after__status=target).exists()

    @pytest.mark.parametrize("start, target", [
        (S.REGISTERED, S.CLOSED), (S.REGISTERED, S.MEDIATED), (S.REGISTERED, S.REGISTERED),
        (S.MEDIATED, S.ARBITRATION), (S.LITIGATION, S.ARBITRATION), (S.MEDIATING, S.REGISTERED),
        (S.MEDIATING, "strike"),
    ])
    def test_an_illegal_transition_is_refused(self, xiuwu_staff, xiuwu_enterprise, start, target):
        dispute = self.reach(xiuwu_staff, record(xiuwu_staff, xiuwu_enterprise), start)
        steps = dispute.progress.count()
        with pytest.raises(ValidationError) as error:
            self.move(xiuwu_staff, dispute, target, resolution="结果")
        assert "to_status" in error.value.message_dict
        dispute.refresh_from_db()
        assert dispute.status == start and dispute.progress.count() == steps

    def test_a_note_without_a_move_keeps_the_status(self, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        entry = self.move(xiuwu_staff, dispute, "")
        dispute.refresh_from_db()
        assert dispute.status == S.REGISTERED and entry.status_after == ""

    def test_closing_needs_a_resolution(self, xiuwu_staff, xiuwu_enterprise):
        dispute = self.reach(xiuwu_staff, record(xiuwu_staff, xiuwu_enterprise), S.MEDIATED)
        with pytest.raises(ValidationError) as error:
            self.move(xiuwu_staff, dispute, S.CLOSED)
        assert "resolution" in error.value.message_dict

    def test_a_closed_dispute_takes_no_progress_and_no_edit(self, xiuwu_staff, xiuwu_enterprise):
        dispute = self.reach(xiuwu_staff, record(xiuwu_staff, xiuwu_enterprise), S.MEDIATED)
        self.move(xiuwu_staff, dispute, S.CLOSED, resolution="已履行。")
        with pytest.raises(ValidationError) as error:
            self.move(xiuwu_staff, dispute, "")
        assert "已结" in error.value.message_dict["note"][0]
        with pytest.raises(ValidationError):
            services.dispute_update(actor=xiuwu_staff, dispute=dispute, data=dispute_data())

    @pytest.mark.parametrize("when, message", [(1, "晚于今天"), (-30, "早于争议发生日期"), (-3, "早于登记日期")])
    def test_progress_dates_are_checked(self, xiuwu_staff, xiuwu_enterprise, when, message):
        dispute = record(xiuwu_staff, xiuwu_enterprise, occurred_on=days_ago(10))
        with pytest.raises(ValidationError) as error:
            self.move(xiuwu_staff, dispute, S.MEDIATING, happened_on=timezone.localdate() + timedelta(days=when))
        assert message in error.value.message_dict["happened_on"][0]

    def test_staff_of_another_district_cannot_move_it(self, xiuwu_staff, boai_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise)
        with pytest.raises(PermissionDenied):
            self.move(boai_staff, dispute, S.MEDIATING)
        with pytest.raises(PermissionDenied):
            services.dispute_update(actor=boai_staff, dispute=dispute, data=dispute_data(workers_involved=50))

    def test_the_table_names_every_status(self):
        assert set(services.DISPUTE_TRANSITIONS) == set(S.values)
        assert services.DISPUTE_TRANSITIONS[S.CLOSED] == ()

    def test_occurrence_cannot_move_after_recorded_progress(self, xiuwu_staff, xiuwu_enterprise):
        dispute = record(xiuwu_staff, xiuwu_enterprise, occurred_on=days_ago(20))
        DisputeProgress.objects.filter(dispute=dispute).update(happened_on=days_ago(15))  # registered back then
        with pytest.raises(ValidationError) as error:
            services.dispute_update(actor=xiuwu_staff, dispute=dispute, data=dispute_data(occurred_on=days_ago(5)))
        assert "occurred_on" in error.value.message_dict


class TestThresholds:
    def test_defaults_until_the_city_saves(self):
        thresholds = services.dispute_thresholds()
        assert (thresholds.major_workers, thresholds.major_amount) == (30, 500_000)
        assert not DisputeThresholds.objects.exists()

    def test_only_the_city_office_changes_them(self, xiuwu_staff, city_staff):
        with pytest.raises(PermissionDenied):
            services.thresholds_set(actor=xiuwu_staff, major_workers=10, major_amount=Decimal("1000"))
        row = services.thresholds_set(actor=city_staff, major_workers=50, major_amount=Decimal("800000"))
        assert (row.pk, row.major_workers, row.updated_by) == (1, 50, city_staff)
        services.thresholds_set(actor=city_staff, major_workers=40, major_amount=Decimal("800000"))
        assert DisputeThresholds.objects.count() == 1
        assert AuditLog.objects.filter(action="legal_aid.dispute_thresholds.changed").count() == 2

    @pytest.mark.parametrize("workers, amount, field", [
        (0, Decimal("1000"), "major_workers"), (None, Decimal("1000"), "major_workers"),
        (30, Decimal("0"), "major_amount"), (30, "NaN", "major_amount"), (30, Decimal("-5"), "major_amount"),
    ])
    def test_bad_thresholds_are_refused(self, city_staff, workers, amount, field):
        with pytest.raises(ValidationError) as error:
            services.thresholds_set(actor=city_staff, major_workers=workers, major_amount=amount)
        assert field in error.value.message_dict
        assert not DisputeThresholds.objects.exists()

    def test_the_database_keeps_one_row(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            DisputeThresholds.objects.create(id=2)


class TestIndicators:
    def test_disputes_collective_and_agreements_per_district(self, xiuwu_staff, boai_staff, xiuwu_enterprise,
                                                             boai_enterprise, org_tree):
        record(xiuwu_staff, xiuwu_enterprise, workers_involved=12)
        record(xiuwu_staff, xiuwu_enterprise)
        record(boai_staff, boai_enterprise, occurred_on=date(2020, 1, 5))  # outside the period
        services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, data=negotiation_data())
        services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, data=negotiation_data(
            agreement_reached=False, agreement_summary="", valid_from=None, valid_until=None))
        indicators = all_indicators()
        start, end = days_ago(60), timezone.localdate()
        wanted = [org_tree.xiuwu, org_tree.boai, org_tree.city]
        assert indicators["legal_aid.labour_disputes"].compute(wanted, start, end) == {
            org_tree.xiuwu.pk: 2, org_tree.boai.pk: 0, org_tree.city.pk: 2}
        assert indicators["legal_aid.collective_disputes"].compute(wanted, start, end)[org_tree.city.pk] == 1
        assert indicators["legal_aid.collective_agreements"].compute(wanted, start, end)[org_tree.xiuwu.pk] == 1
        link = indicators["legal_aid.collective_disputes"].link(org_tree.xiuwu, start, end)
        assert link.startswith("/legal/disputes/?") and "collective=1" in link
        assert f"district={org_tree.xiuwu.pk}" in link
        assert "district" not in indicators["legal_aid.labour_disputes"].link(org_tree.city, start, end)


def test_demo_has_every_status_collective_and_major_disputes_in_several_districts():
    from apps.accounts import demo as accounts_demo
    from apps.core import demo as core_demo
    from apps.legal_aid import demo
    from apps.legal_aid.models import CollectiveNegotiation

    core_demo.seed()
    accounts_demo.seed()
    now = timezone.now()
    assert demo._disputes(now) == len(demo.DISPUTES) and demo._disputes(now) == 0
    assert demo._negotiations(now) == len(demo.NEGOTIATIONS) and demo._negotiations(now) == 0
    disputes = LabourDispute.objects.all()
    assert set(disputes.values_list("status", flat=True)) == set(S.values)
    assert disputes.filter(collective=True).exists() and disputes.filter(epidemic_related=True).exists()
    assert DisputeAlert.objects.filter(reason="amount").exists() and DisputeAlert.objects.filter(
        reason="workers").exists()
    assert disputes.values("enterprise__district").distinct().count() >= 5
    assert CollectiveNegotiation.objects.exclude(agreement_file="").count() == 5
    assert all(n.agreement_file.read(5) == b"%PDF-" for n in CollectiveNegotiation.objects.exclude(agreement_file=""))
    for dispute in disputes:
        dates = list(dispute.progress.values_list("happened_on", flat=True))
        assert dates == sorted(dates) and dates[0] > dispute.occurred_on
