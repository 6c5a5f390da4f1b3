from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditLog
from apps.legal_aid import services
from apps.legal_aid.models import Consultation, ConsultationMessage, PublishedAnswer
from apps.notifications.models import Notification

from .conftest import ask

pytestmark = pytest.mark.django_db


class TestAsk:
    def test_routes_to_the_members_union_and_starts_the_clock(self, consultation, org_tree, wages):
        assert consultation.organization == org_tree.xiuwu_grassroots
        assert consultation.status == Consultation.Status.QUEUED
        assert consultation.due_at - consultation.created_at == timedelta(hours=wages.first_answer_hours)

    def test_non_member_goes_to_the_city(self, other_worker, org_tree, wages):
        assert ask(other_worker, wages).organization == org_tree.city

    def test_empty_facts_refused(self, worker, wages, org_tree):
        with pytest.raises(ValidationError) as error:
            ask(worker, wages, facts="   ")
        assert "facts" in error.value.message_dict
        assert not Consultation.objects.exists()

    def test_sla_hours_follow_the_category_table(self, worker, wages, org_tree, city_staff):
        services.category_set_hours(actor=city_staff, category=wages, hours=4)
        wages.refresh_from_db()
        consultation = ask(worker, wages)
        assert consultation.due_at - consultation.created_at == timedelta(hours=4)


class TestClaimAndAnswer:
    def test_claim_then_answer_stops_the_clock(self, claimed, lawyer, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.consultation_answer(lawyer=lawyer, consultation=claimed, body="请保留工资条，申请劳动仲裁。")
        answered = Consultation.objects.get(pk=claimed.pk)
        assert answered.status == Consultation.Status.ANSWERED
        assert answered.first_response_seconds is not None
        assert Notification.objects.filter(recipient=answered.worker, title__contains="已答复").exists()

    def test_second_lawyer_cannot_claim(self, claimed, other_lawyer):
        with pytest.raises(ValidationError):
            services.consultation_claim(lawyer=other_lawyer, consultation=claimed)
        claimed.refresh_from_db()
        assert claimed.lawyer.username == "lawyer_liu"

    def test_lawyer_cannot_answer_a_question_assigned_to_another(self, claimed, other_lawyer):
        with pytest.raises(PermissionDenied):
            services.consultation_answer(lawyer=other_lawyer, consultation=claimed, body="越权答复")
        assert not ConsultationMessage.objects.exists()

    def test_worker_cannot_claim(self, consultation, other_worker):
        with pytest.raises(PermissionDenied):
            services.consultation_claim(lawyer=other_worker, consultation=consultation)

    def test_staff_assign_within_subtree_only(self, consultation, xiuwu_staff, boai_staff, lawyer):
        with pytest.raises(PermissionDenied):
            services.consultation_assign(actor=boai_staff, consultation=consultation, lawyer=lawyer)
        services.consultation_assign(actor=xiuwu_staff, consultation=consultation, lawyer=lawyer)
        consultation.refresh_from_db()
        assert consultation.lawyer == lawyer and consultation.status == Consultation.Status.ASSIGNED

    def test_assign_refuses_someone_who_is_not_a_lawyer(self, consultation, xiuwu_staff, other_worker):
        with pytest.raises(ValidationError):
            services.consultation_assign(actor=xiuwu_staff, consultation=consultation, lawyer=other_worker)

    def test_reply_returns_to_the_lawyer(self, answered, xiuwu_member):
        services.consultation_reply(worker=xiuwu_member, consultation=answered, body="那仲裁需要什么材料？")
        answered.refresh_from_db()
        assert answered.status == Consultation.Status.ASSIGNED


class TestRating:
    def test_rating_before_an_answer_refused(self, claimed, xiuwu_member):
        with pytest.raises(ValidationError) as error:
            services.consultation_rate(worker=xiuwu_member, consultation=claimed, rating=5)
        assert "rating" in error.value.message_dict

    def test_rating_once_closes_and_drafts_the_faq(self, answered, xiuwu_member):
        services.consultation_rate(worker=xiuwu_member, consultation=answered, rating=5, comment="很有帮助")
        answered.refresh_from_db()
        assert answered.status == Consultation.Status.CLOSED and answered.resolution_seconds is not None
        draft = PublishedAnswer.objects.get(consultation=answered)
        assert draft.status == PublishedAnswer.Status.DRAFT
        with pytest.raises(ValidationError):
            services.consultation_rate(worker=xiuwu_member, consultation=answered, rating=1)
        answered.refresh_from_db()
        assert answered.rating == 5

    def test_no_faq_without_consent(self, xiuwu_member, wages, lawyer):
        consultation = ask(xiuwu_member, wages, allow_publish=False)
        services.consultation_claim(lawyer=lawyer, consultation=consultation)
        services.consultation_answer(lawyer=lawyer, consultation=consultation, body="答复")
        services.consultation_rate(worker=xiuwu_member, consultation=consultation, rating=4)
        assert not PublishedAnswer.objects.exists()

    def test_other_worker_cannot_rate(self, answered, other_worker):
        with pytest.raises(PermissionDenied):
            services.consultation_rate(worker=other_worker, consultation=answered, rating=5)


class TestEscalation:
    def test_overdue_escalated_once_to_the_legal_department(self, consultation, xiuwu_staff, boai_staff,
                                                            city_staff, django_capture_on_commit_callbacks):
        later = consultation.due_at + timedelta(minutes=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.escalate_overdue(now=later) == 1
        assert services.escalate_overdue(now=later + timedelta(hours=1)) == 0
        consultation.refresh_from_db()
        assert consultation.escalated_at is not None
        told = set(Notification.objects.filter(title__contains="超过首次答复时限").values_list("recipient__username",
                                                                                            flat=True))
        assert told == {"xiuwu_staff", "city_office"}
        assert AuditLog.objects.filter(action="legal_aid.consultation.escalated").count() == 1

    def test_answered_in_time_is_not_escalated(self, answered):
        assert services.escalate_overdue(now=timezone.now() + timedelta(days=5)) == 0

    def test_task_runs_the_service(self, consultation):
        from apps.legal_aid.tasks import escalate_overdue_consultations

        Consultation.objects.filter(pk=consultation.pk).update(due_at=timezone.now() - timedelta(hours=1))
        assert escalate_overdue_consultations() == 1
