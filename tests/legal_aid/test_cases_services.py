"""Legal-aid cases (green channel): each transition and each refusal, through the services."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.indicators import all_indicators
from apps.core.models import AuditLog, SensitiveConsent
from apps.legal_aid import selectors, services
from apps.legal_aid.models import CaseEntry, CaseNumberSequence, LegalAidCase
from apps.notifications.models import Notification
from tests.factories import EnterpriseFactory

from .conftest import apply_case, ask

pytestmark = pytest.mark.django_db
S = LegalAidCase.Status
YEAR = timezone.localdate().year


def number(n: int) -> str:
    return f"焦工援〔{YEAR}〕{n:04d}"


class TestApply:
    def test_member_is_routed_to_their_union_and_waits(self, application, org_tree):
        assert application.organization == org_tree.xiuwu_grassroots
        assert application.status == S.SUBMITTED and application.case_number is None
        assert not application.green_channel and application.amount_claimed == Decimal("32000.00")
        assert AuditLog.objects.filter(action="legal_aid.case.submitted", target_id=str(application.pk)).exists()

    def test_non_member_chooses_a_county_union(self, worker, wages, org_tree):
        case = apply_case(worker, wages, district=org_tree.boai)
        assert case.organization == org_tree.boai

    @pytest.mark.parametrize("where", [None, "city", "xiuwu_grassroots"])
    def test_non_member_must_choose_a_county_union(self, worker, wages, org_tree, where):
        district = getattr(org_tree, where) if where else None
        with pytest.raises(ValidationError) as caught:
            apply_case(worker, wages, district=district)
        assert "district" in caught.value.message_dict
        assert not LegalAidCase.objects.exists()

    @pytest.mark.parametrize("flag", ["is_migrant_worker", "is_needy_worker", "is_epidemic_related"])
    def test_each_circumstance_takes_the_green_channel(self, xiuwu_member, wages, flag):
        assert apply_case(xiuwu_member, wages, **{flag: True}).green_channel

    @pytest.mark.parametrize("field, value, message", [
        ("facts", "   ", "请填写纠纷经过"),
        ("facts", "太短了", "至少 10 个字"),
        ("opponent_name", " ", "请填写对方当事人"),
        ("amount_claimed", "-1", "不能为负数"),
        ("amount_claimed", "10000000.01", "不能超过"),
        ("amount_claimed", "1e400", "不能超过"),
        ("amount_claimed", "12.345", "精确到分"),
        ("amount_claimed", "NaN", "不是有效的数字"),
        ("amount_claimed", 12.5, "精确的小数"),
        ("workers_involved", 0, "涉及职工人数"),
        ("workers_involved", 10_001, "涉及职工人数"),
        ("contact_phone", "12345", "手机号码"),
        ("sensitive_consent", False, "单独同意"),
        ("sensitive_consent", None, "单独同意"),
    ])
    def test_bad_input_names_the_field_and_saves_nothing(self, xiuwu_member, wages, field, value, message):
        with pytest.raises(ValidationError) as caught:
            apply_case(xiuwu_member, wages, **{field: value})
        assert message in " ".join(caught.value.message_dict[field])
        assert not LegalAidCase.objects.exists() and not SensitiveConsent.objects.exists()

    def test_only_ones_own_consultation_may_be_linked(self, xiuwu_member, other_worker, wages, org_tree):
        theirs = ask(other_worker, wages)
        with pytest.raises(ValidationError) as caught:
            apply_case(xiuwu_member, wages, consultation=theirs)
        assert "consultation" in caught.value.message_dict
        mine = ask(xiuwu_member, wages)
        assert apply_case(xiuwu_member, wages, consultation=mine).consultation == mine

    def test_a_resent_application_against_the_same_party_is_refused(self, application, xiuwu_member, wages):
        with pytest.raises(ValidationError) as caught:
            apply_case(xiuwu_member, wages)
        assert "已有一份待受理" in caught.value.message_dict["opponent_name"][0]
        assert LegalAidCase.objects.count() == 1

    def test_a_registered_enterprise_is_linked_by_its_exact_name(self, xiuwu_member, wages, xiuwu_enterprise):
        case = apply_case(xiuwu_member, wages, opponent_name=xiuwu_enterprise.name)
        assert case.opponent_enterprise == xiuwu_enterprise
        EnterpriseFactory(name="同名有限公司", district=xiuwu_enterprise.district)
        EnterpriseFactory(name="同名有限公司", district=xiuwu_enterprise.district)
        assert apply_case(xiuwu_member, wages, opponent_name="同名有限公司").opponent_enterprise is None

    def test_the_database_refuses_a_negative_amount(self, application):
        with pytest.raises(IntegrityError), transaction.atomic():
            LegalAidCase.objects.filter(pk=application.pk).update(amount_claimed=Decimal("-1"))


class TestAcceptDecline:
    def test_accept_numbers_the_case_records_an_entry_and_tells_worker_and_lawyer(
            self, application, xiuwu_staff, lawyer, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            case = services.case_accept(actor=xiuwu_staff, case=application, green_channel=False, lawyer=lawyer)
        assert case.case_number == number(1) and case.status == S.ACCEPTED and case.stage == "consultation"
        assert case.lawyer == lawyer and case.decided_by == xiuwu_staff
        entry = CaseEntry.objects.get(case=case)
        assert entry.happened_on == timezone.localdate() and number(1) in entry.body
        assert AuditLog.objects.filter(action="legal_aid.case.accepted", target_id=str(case.pk)).exists()
        assert Notification.objects.filter(recipient=case.worker, title__contains="已受理").exists()
        assert Notification.objects.filter(recipient=lawyer, title__contains=number(1)).exists()

    def test_numbers_follow_each_other_within_the_year(self, xiuwu_member, wages, xiuwu_staff):
        first = apply_case(xiuwu_member, wages, opponent_name="甲公司")
        second = apply_case(xiuwu_member, wages, opponent_name="乙公司")
        assert services.case_accept(actor=xiuwu_staff, case=second).case_number == number(1)
        assert services.case_accept(actor=xiuwu_staff, case=first).case_number == number(2)

    def test_accepting_twice_is_a_clear_error_not_a_second_number(self, accepted, xiuwu_staff, city_staff):
        for actor in (xiuwu_staff, city_staff):
            with pytest.raises(ValidationError) as caught:
                services.case_accept(actor=actor, case=accepted)
            assert f"已受理（案号 {number(1)}）" in caught.value.messages[0]
        assert CaseNumberSequence.objects.get(year=YEAR).last == 1
        assert CaseEntry.objects.filter(case=accepted).count() == 1

    @pytest.mark.parametrize("persona", ["boai_staff", "grassroots_staff", "xiuwu_member", "lawyer"])
    def test_only_legal_staff_of_the_subtree_accept(self, request, application, persona):
        with pytest.raises(PermissionDenied):
            services.case_accept(actor=request.getfixturevalue(persona), case=application)
        application.refresh_from_db()
        assert application.status == S.SUBMITTED and not CaseNumberSequence.objects.exists()

    def test_overriding_the_green_channel_needs_a_reason(self, application, xiuwu_staff):
        with pytest.raises(ValidationError) as caught:
            services.case_accept(actor=xiuwu_staff, case=application, green_channel=True)
        assert "green_reason" in caught.value.message_dict
        application.refresh_from_db()
        assert application.status == S.SUBMITTED and not CaseNumberSequence.objects.exists()
        case = services.case_accept(actor=xiuwu_staff, case=application, green_channel=True,
                                    green_reason="欠薪涉及 12 名职工，春节前需尽快解决")
        assert case.green_channel and case.green_channel_overridden and "12 名职工" in case.green_channel_reason

    def test_needy_declaration_found_untrue_leaves_the_green_channel(self, xiuwu_member, wages, xiuwu_staff):
        case = apply_case(xiuwu_member, wages, is_needy_worker=True)
        assert case.green_channel
        case = services.case_accept(actor=xiuwu_staff, case=case, green_channel=False, needy_confirmed=False)
        assert not case.green_channel and not case.green_channel_overridden and case.needy_confirmed is False

    def test_green_channel_can_be_changed_while_waiting_with_a_reason(self, application, xiuwu_staff):
        with pytest.raises(ValidationError):
            services.case_set_green_channel(actor=xiuwu_staff, case=application, green_channel=True)
        case = services.case_set_green_channel(actor=xiuwu_staff, case=application, green_channel=True,
                                               reason="职工系残疾人，生活困难")
        assert case.green_channel
        assert AuditLog.objects.filter(action="legal_aid.case.green_channel_set").exists()
        # Accepting with the box as the form shows it keeps the override and its reason.
        case = services.case_accept(actor=xiuwu_staff, case=case, green_channel=True)
        assert case.green_channel and case.green_channel_reason == "职工系残疾人，生活困难"

    def test_decline_needs_a_reason_and_tells_the_worker(self, application, xiuwu_staff,
                                                        django_capture_on_commit_callbacks):
        with pytest.raises(ValidationError) as caught:
            services.case_decline(actor=xiuwu_staff, case=application, reason="  ")
        assert "reason" in caught.value.message_dict
        with django_capture_on_commit_callbacks(execute=True):
            case = services.case_decline(actor=xiuwu_staff, case=application, reason="不属于劳动争议")
        assert case.status == S.DECLINED and case.case_number is None
        assert Notification.objects.filter(recipient=case.worker, body__contains="不属于劳动争议").exists()
        with pytest.raises(ValidationError):
            services.case_accept(actor=xiuwu_staff, case=case)

    def test_an_accepted_case_cannot_be_declined(self, accepted, xiuwu_staff):
        with pytest.raises(ValidationError):
            services.case_decline(actor=xiuwu_staff, case=accepted, reason="改变主意")

    def test_staff_cannot_handle_their_own_application(self, xiuwu_staff, wages, org_tree):
        case = apply_case(xiuwu_staff, wages, district=org_tree.xiuwu)
        with pytest.raises(PermissionDenied):
            services.case_accept(actor=xiuwu_staff, case=case)


class TestWithdraw:
    def test_worker_withdraws_before_acceptance_only(self, application, xiuwu_member, other_worker, xiuwu_staff):
        with pytest.raises(PermissionDenied):
            services.case_withdraw(worker=other_worker, case=application)
        case = services.case_withdraw(worker=xiuwu_member, case=application)
        assert case.status == S.WITHDRAWN and case.withdrawn_at
        with pytest.raises(ValidationError):
            services.case_accept(actor=xiuwu_staff, case=case)

    def test_an_accepted_case_is_not_withdrawn_by_the_worker(self, accepted, xiuwu_member):
        with pytest.raises(ValidationError):
            services.case_withdraw(worker=xiuwu_member, case=accepted)


class TestAssign:
    def test_assign_and_change_the_lawyer(self, application, xiuwu_staff, lawyer, other_lawyer,
                                          django_capture_on_commit_callbacks):
        case = services.case_accept(actor=xiuwu_staff, case=application)
        assert case.lawyer is None
        with django_capture_on_commit_callbacks(execute=True):
            services.case_assign(actor=xiuwu_staff, case=case, lawyer=lawyer)
            services.case_assign(actor=xiuwu_staff, case=case, lawyer=lawyer)  # resent: nothing more
            services.case_assign(actor=xiuwu_staff, case=case, lawyer=other_lawyer)
        assert AuditLog.objects.filter(action="legal_aid.case.assigned").count() == 2
        assert Notification.objects.filter(recipient=lawyer, title__contains="新分派").count() == 1
        case.refresh_from_db()
        assert case.lawyer == other_lawyer

    def test_only_a_volunteer_lawyer_can_be_assigned(self, accepted, xiuwu_staff, other_worker):
        with pytest.raises(ValidationError) as caught:
            services.case_assign(actor=xiuwu_staff, case=accepted, lawyer=other_worker)
        assert "lawyer" in caught.value.message_dict

    def test_no_lawyer_before_acceptance(self, application, xiuwu_staff, lawyer):
        with pytest.raises(ValidationError):
            services.case_assign(actor=xiuwu_staff, case=application, lawyer=lawyer)


def record(actor, case, stage="mediation", happened_on=None, body="组织双方调解，单位同意核对工资记录。", **extra):
    return services.case_record_stage(actor=actor, case=case, stage=stage,
                                      happened_on=happened_on or timezone.localdate(), body=body, **extra)


class TestStages:
    def test_lawyer_records_a_stage_and_the_worker_is_told(self, accepted, lawyer,
                                                           django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            entry = record(lawyer, accepted)
        accepted.refresh_from_db()
        assert accepted.stage == "mediation" and entry.author == lawyer
        assert Notification.objects.filter(recipient=accepted.worker, title__contains="新进展").exists()
        assert AuditLog.objects.filter(action="legal_aid.case.stage_recorded").exists()

    def test_staff_of_the_subtree_may_record_too(self, accepted, city_staff):
        assert record(city_staff, accepted, stage="arbitration").stage == "arbitration"

    @pytest.mark.parametrize("persona", ["other_lawyer", "boai_staff", "grassroots_staff", "xiuwu_member"])
    def test_others_may_not_record(self, request, accepted, persona):
        with pytest.raises(PermissionDenied):
            record(request.getfixturevalue(persona), accepted)
        assert CaseEntry.objects.filter(case=accepted).count() == 1

    def test_a_date_in_the_future_is_refused(self, accepted, lawyer):
        with pytest.raises(ValidationError) as caught:
            record(lawyer, accepted, happened_on=timezone.localdate() + timedelta(days=1))
        assert "不能晚于今天" in caught.value.message_dict["happened_on"][0]

    def test_a_date_before_the_previous_entry_is_refused(self, accepted, lawyer):
        with pytest.raises(ValidationError) as caught:
            record(lawyer, accepted, happened_on=timezone.localdate() - timedelta(days=1))
        assert "不能早于上一条进展" in caught.value.message_dict["happened_on"][0]
        assert CaseEntry.objects.filter(case=accepted).count() == 1

    def test_the_stage_never_goes_back(self, accepted, lawyer):
        record(lawyer, accepted, stage="arbitration")
        with pytest.raises(ValidationError) as caught:
            record(lawyer, accepted, stage="mediation")
        assert "不能退回" in caught.value.message_dict["stage"][0]
        assert record(lawyer, accepted, stage="arbitration", body="仲裁开庭。").stage == "arbitration"

    @pytest.mark.parametrize("stage, body", [("closed", "结案"), ("nonsense", "x"), ("mediation", " ")])
    def test_bad_stage_or_empty_body(self, accepted, lawyer, stage, body):
        with pytest.raises(ValidationError):
            record(lawyer, accepted, stage=stage, body=body)

    def test_no_entry_before_acceptance(self, application, xiuwu_staff):
        with pytest.raises(ValidationError):
            record(xiuwu_staff, application)

    def test_the_same_form_sent_twice_records_once(self, accepted, lawyer):
        import uuid

        key = uuid.uuid4()
        first = record(lawyer, accepted, request_key=key)
        assert record(lawyer, accepted, request_key=key) == first
        assert CaseEntry.objects.filter(case=accepted).count() == 2


class TestClose:
    def test_close_with_outcome_and_amount(self, accepted, lawyer, django_capture_on_commit_callbacks):
        record(lawyer, accepted)
        with django_capture_on_commit_callbacks(execute=True):
            case = services.case_close(actor=lawyer, case=accepted, outcome="mediated", amount_recovered="30000.00",
                                       closed_on=timezone.localdate(), note="单位分两期支付")
        assert case.status == S.CLOSED and case.stage == "closed" and case.amount_recovered == Decimal("30000.00")
        assert case.entries.last().stage == "closed" and "调解成功" in case.entries.last().body
        assert Notification.objects.filter(recipient=case.worker, title__contains="已结案").exists()
        with pytest.raises(ValidationError):
            services.case_close(actor=lawyer, case=case, outcome="won", amount_recovered="1",
                                closed_on=timezone.localdate())
        with pytest.raises(ValidationError):
            record(lawyer, case)

    @pytest.mark.parametrize("outcome, amount, closed_on, field", [
        ("", "0", None, "outcome"),
        ("victory", "0", None, "outcome"),
        ("won", "-0.01", None, "amount_recovered"),
        ("won", "", None, "amount_recovered"),
        ("won", "99999999", None, "amount_recovered"),
        ("won", "0", date(2000, 1, 1), "closed_on"),
        ("won", "0", "tomorrow", "closed_on"),
    ])
    def test_close_refusals(self, accepted, lawyer, outcome, amount, closed_on, field):
        if closed_on == "tomorrow":
            closed_on = timezone.localdate() + timedelta(days=1)
        with pytest.raises(ValidationError) as caught:
            services.case_close(actor=lawyer, case=accepted, outcome=outcome, amount_recovered=amount,
                                closed_on=closed_on or timezone.localdate())
        assert field in caught.value.message_dict
        accepted.refresh_from_db()
        assert accepted.status == S.ACCEPTED and accepted.amount_recovered is None

    def test_an_unassigned_lawyer_cannot_close(self, accepted, other_lawyer):
        with pytest.raises(PermissionDenied):
            services.case_close(actor=other_lawyer, case=accepted, outcome="won", amount_recovered="1",
                                closed_on=timezone.localdate())

    def test_transition_table_is_the_only_way(self):
        assert set(services.CASE_TRANSITIONS["close"]) == {S.ACCEPTED}
        assert set(services.CASE_TRANSITIONS["withdraw"]) == {S.SUBMITTED}


def test_green_channel_first_then_the_oldest(xiuwu_member, wages, xiuwu_staff):
    now = timezone.now()
    plain_old = apply_case(xiuwu_member, wages, opponent_name="甲")
    green_new = apply_case(xiuwu_member, wages, opponent_name="乙", is_migrant_worker=True)
    green_old = apply_case(xiuwu_member, wages, opponent_name="丙", is_epidemic_related=True)
    plain_new = apply_case(xiuwu_member, wages, opponent_name="丁")
    for case, hours in ((plain_old, 50), (green_new, 1), (green_old, 30), (plain_new, 2)):
        LegalAidCase.objects.filter(pk=case.pk).update(submitted_at=now - timedelta(hours=hours))
    order = list(selectors.case_priority(selectors.cases_for_staff(xiuwu_staff)).values_list("pk", flat=True))
    assert order == [green_old.pk, green_new.pk, plain_old.pk, plain_new.pk]


def test_indicators_count_accepted_closed_and_recovered_by_subtree(accepted, lawyer, xiuwu_member, wages,
                                                                    xiuwu_staff, org_tree):
    services.case_close(actor=lawyer, case=accepted, outcome="won", amount_recovered="1234.56",
                        closed_on=timezone.localdate())
    other = services.case_accept(actor=xiuwu_staff, case=apply_case(xiuwu_member, wages, opponent_name="乙"))
    assert other.status == S.ACCEPTED
    indicators = all_indicators()
    today = timezone.localdate()
    period = (date(today.year, 1, 1), today)
    orgs = [org_tree.city, org_tree.xiuwu, org_tree.boai]
    assert indicators["legal_aid.cases_accepted"].compute(orgs, *period) == {
        org_tree.city.pk: 2, org_tree.xiuwu.pk: 2, org_tree.boai.pk: 0}
    assert indicators["legal_aid.cases_closed"].compute(orgs, *period)[org_tree.xiuwu.pk] == 1
    recovered = indicators["legal_aid.amount_recovered"].compute(orgs, *period)
    assert recovered[org_tree.city.pk] == Decimal("1234.56") and recovered[org_tree.boai.pk] == 0
    last_year = (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    assert indicators["legal_aid.cases_accepted"].compute(orgs, *last_year)[org_tree.city.pk] == 0
    for key in ("legal_aid.cases_accepted", "legal_aid.cases_closed", "legal_aid.amount_recovered"):
        assert indicators[key].link(org_tree.xiuwu, *period).startswith("/legal/staff/cases/")
