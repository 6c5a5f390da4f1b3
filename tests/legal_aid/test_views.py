from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.legal_aid import services
from apps.legal_aid.models import Consultation, ConsultationMessage, DutyShift, PublishedAnswer

from .conftest import FACTS, ask

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def detail(pk):
    return reverse("legal_aid:consultation_detail", args=[pk])


class TestPublicPage:
    def test_anyone_sees_hotline_roster_and_published_answers(self, client, lawyer, wages, city_staff):
        now = timezone.now()
        DutyShift.objects.create(lawyer=lawyer, starts_at=now, ends_at=now + timedelta(hours=8), phone="12351")
        faq = PublishedAnswer.objects.create(category=wages, question="单位拖欠工资怎么办", answer="可申请劳动仲裁")
        services.faq_publish(actor=city_staff, faq=faq, question="单位拖欠工资怎么办", answer="可申请劳动仲裁",
                             publish=True)
        PublishedAnswer.objects.create(category=wages, question="草稿里的问题", answer="未公开")
        response = client.get(reverse("legal_aid:home"))
        body = response.content.decode()
        assert response.status_code == 200 and "12351" in body and "刘律师" in body
        assert "单位拖欠工资怎么办" in body and "草稿里的问题" not in body

    def test_two_character_search(self, client, wages, city_staff):
        for question in ("单位拖欠工资怎么办", "工伤认定需要多久"):
            faq = PublishedAnswer.objects.create(category=wages, question=question, answer="答")
            services.faq_publish(actor=city_staff, faq=faq, question=question, answer="答", publish=True)
        body = client.get(reverse("legal_aid:home"), {"q": "工伤"}).content.decode()
        assert "工伤认定需要多久" in body and "单位拖欠工资怎么办" not in body
        body = client.get(reverse("legal_aid:home"), {"q": "不存在"}).content.decode()
        assert "没有找到" in body

    def test_hostile_search_input(self, client):
        assert client.get(reverse("legal_aid:home"), {"q": "x" * 500, "category": "99999999999999999999",
                                                      "page": "9999"}).status_code == 200


class TestAskView:
    def test_worker_asks_with_an_attachment(self, client, worker, wages, org_tree):
        client.force_login(worker)
        response = client.post(reverse("legal_aid:ask"), {
            "category": wages.pk, "facts": FACTS, "allow_publish": "on",
            "attachment": SimpleUploadedFile("合同.png", PNG, content_type="image/png")})
        consultation = Consultation.objects.get()
        assert response.status_code == 302 and response.url == detail(consultation.pk)
        assert consultation.attachment and consultation.allow_publish

    def test_empty_facts_message_next_to_the_field(self, client, worker, wages, org_tree):
        client.force_login(worker)
        response = client.post(reverse("legal_aid:ask"), {"category": wages.pk, "facts": ""})
        assert response.status_code == 200
        assert "请填写事实经过" in response.content.decode()
        assert not Consultation.objects.exists()

    def test_attachment_of_the_wrong_type_refused(self, client, worker, wages, org_tree):
        client.force_login(worker)
        fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
        response = client.post(reverse("legal_aid:ask"), {"category": wages.pk, "facts": FACTS, "attachment": fake})
        assert "attachment" in response.context["form"].errors
        assert not Consultation.objects.exists()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("legal_aid:ask"))
        assert response.status_code == 302 and "/accounts/login/" in response.url


class TestPrivacy:
    def test_other_worker_gets_404(self, client, consultation, other_worker):
        client.force_login(other_worker)
        assert client.get(detail(consultation.pk)).status_code == 404
        assert client.post(reverse("legal_aid:consultation_rate", args=[consultation.pk]),
                           {"rating": 5}).status_code == 404

    def test_unassigned_lawyer_gets_404(self, client, claimed, other_lawyer):
        client.force_login(other_lawyer)
        assert client.get(detail(claimed.pk)).status_code == 404

    def test_other_district_staff_gets_404(self, client, consultation, boai_staff):
        client.force_login(boai_staff)
        assert client.get(detail(consultation.pk)).status_code == 404

    def test_staff_view_is_audited(self, client, consultation, xiuwu_staff):
        client.force_login(xiuwu_staff)
        assert client.get(detail(consultation.pk)).status_code == 200
        assert AuditLog.objects.filter(action="legal_aid.consultation.viewed", actor=xiuwu_staff,
                                       target_id=str(consultation.pk)).count() == 1

    def test_worker_never_sees_private_notes(self, client, claimed, lawyer, xiuwu_member):
        services.consultation_note(author=lawyer, consultation=claimed, body="当事人情绪激动，注意沟通")
        client.force_login(xiuwu_member)
        assert "当事人情绪激动" not in client.get(detail(claimed.pk)).content.decode()
        client.force_login(lawyer)
        assert "当事人情绪激动" in client.get(detail(claimed.pk)).content.decode()

    def test_attachment_served_to_the_worker_not_to_others(self, client, worker, other_worker, wages, org_tree):
        from apps.core.uploads import private_file_url

        consultation = ask(worker, wages, attachment=SimpleUploadedFile("a.png", PNG, content_type="image/png"))
        url = private_file_url(consultation, "attachment")
        client.force_login(worker)
        assert client.get(url).status_code == 200
        client.force_login(other_worker)
        assert client.get(url).status_code in (403, 404)


class TestThreadViews:
    def test_lawyer_claims_and_answers(self, client, consultation, lawyer):
        client.force_login(lawyer)
        assert client.post(reverse("legal_aid:consultation_claim", args=[consultation.pk])).status_code == 302
        response = client.post(reverse("legal_aid:consultation_message", args=[consultation.pk]),
                               {"body": "建议先与单位协商，协商不成可申请仲裁。"})
        assert response.status_code == 302
        consultation.refresh_from_db()
        assert consultation.status == Consultation.Status.ANSWERED

    def test_staff_cannot_answer_in_place_of_the_lawyer(self, client, claimed, xiuwu_staff):
        client.force_login(xiuwu_staff)
        response = client.post(reverse("legal_aid:consultation_message", args=[claimed.pk]), {"body": "越权"})
        assert response.status_code == 400
        assert not ConsultationMessage.objects.exists()

    def test_empty_answer_message_next_to_the_field(self, client, claimed, lawyer):
        client.force_login(lawyer)
        response = client.post(reverse("legal_aid:consultation_message", args=[claimed.pk]), {"body": " "})
        assert response.status_code == 400 and "请填写内容" in response.content.decode()

    def test_rating_before_answer_shows_message(self, client, claimed, xiuwu_member):
        client.force_login(xiuwu_member)
        response = client.post(reverse("legal_aid:consultation_rate", args=[claimed.pk]), {"rating": "5"})
        assert response.status_code == 400 and "律师答复后才能评价" in response.content.decode()

    def test_rating_out_of_range(self, client, answered, xiuwu_member):
        client.force_login(xiuwu_member)
        response = client.post(reverse("legal_aid:consultation_rate", args=[answered.pk]), {"rating": "9"})
        assert response.status_code == 400 and "请选择 1 到 5 星" in response.content.decode()
        answered.refresh_from_db()
        assert answered.rating is None

    def test_staff_assigns_from_the_page(self, client, consultation, xiuwu_staff, lawyer):
        client.force_login(xiuwu_staff)
        url = reverse("legal_aid:consultation_assign", args=[consultation.pk])
        assert client.post(url, {"lawyer": ""}).status_code == 400
        assert client.post(url, {"lawyer": lawyer.pk}).status_code == 302


class TestLists:
    def test_lawyer_queue_fixed_queries_and_hides_facts(self, client, lawyer, xiuwu_member, wages,
                                                         django_assert_max_num_queries):
        for _ in range(25):
            ask(xiuwu_member, wages)
        client.force_login(lawyer)
        with django_assert_max_num_queries(14):
            response = client.get(reverse("legal_aid:queue"))
        assert response.status_code == 200 and FACTS not in response.content.decode()
        assert len(response.context["page_obj"]) == 20

    def test_queue_refused_to_workers_and_staff(self, client, worker, xiuwu_staff):
        client.force_login(worker)
        assert client.get(reverse("legal_aid:queue")).status_code == 403

    def test_staff_list_and_overview_fixed_queries(self, client, xiuwu_staff, xiuwu_member, wages, lawyer,
                                                   boai_staff, django_assert_max_num_queries):
        for index in range(12):
            consultation = ask(xiuwu_member, wages)
            if index % 2:
                services.consultation_claim(lawyer=lawyer, consultation=consultation)
                services.consultation_answer(lawyer=lawyer, consultation=consultation, body="答复")
        client.force_login(xiuwu_staff)
        with django_assert_max_num_queries(16):
            response = client.get(reverse("legal_aid:staff_list"))
        assert len(response.context["page_obj"]) == 12
        with django_assert_max_num_queries(20):
            response = client.get(reverse("legal_aid:overview"))
        rows = response.context["data"].by_lawyer
        assert rows[0].label == "刘律师" and rows[0].answered == 6 and rows[0].first_median is not None
        client.force_login(boai_staff)
        assert len(client.get(reverse("legal_aid:staff_list")).context["page_obj"]) == 0

    def test_overdue_filter(self, client, xiuwu_staff, consultation):
        Consultation.objects.filter(pk=consultation.pk).update(due_at=timezone.now() - timedelta(minutes=5))
        client.force_login(xiuwu_staff)
        response = client.get(reverse("legal_aid:staff_list"), {"status": "overdue"})
        assert [c.pk for c in response.context["page_obj"]] == [consultation.pk]

    def test_worker_cannot_open_staff_pages(self, client, worker):
        client.force_login(worker)
        for name in ("staff_list", "overview", "categories", "faq_list", "screening_list"):
            assert client.get(reverse(f"legal_aid:{name}")).status_code == 403


class TestStaffEditing:
    def test_category_hours_bad_input(self, client, city_staff, wages):
        client.force_login(city_staff)
        response = client.post(reverse("legal_aid:categories"), {"category": wages.pk, "first_answer_hours": "999"})
        assert response.status_code == 400 and "不能超过 168 小时" in response.content.decode()
        wages.refresh_from_db()
        assert wages.first_answer_hours == 24
        response = client.post(reverse("legal_aid:categories"), {"category": wages.pk, "first_answer_hours": "6"})
        assert response.status_code == 302
        wages.refresh_from_db()
        assert wages.first_answer_hours == 6

    def test_faq_edited_then_published(self, client, answered, xiuwu_member, xiuwu_staff, boai_staff):
        services.consultation_rate(worker=xiuwu_member, consultation=answered, rating=5)
        draft = PublishedAnswer.objects.get()
        client.force_login(boai_staff)
        assert client.get(reverse("legal_aid:faq_edit", args=[draft.pk])).status_code == 404
        client.force_login(xiuwu_staff)
        url = reverse("legal_aid:faq_edit", args=[draft.pk])
        assert client.post(url, {"question": "", "answer": "x", "action": "publish"}).status_code == 400
        response = client.post(url, {"question": "单位两个月不发工资怎么办？", "answer": "可以申请劳动仲裁。",
                                     "action": "publish"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == PublishedAnswer.Status.PUBLISHED
        assert "两个月不发工资" in client.get(reverse("legal_aid:home"), {"q": "工资"}).content.decode()


def test_worker_follows_consultations_on_me(client, consultation, xiuwu_member, other_worker):
    client.force_login(xiuwu_member)
    body = client.get(reverse("core:me")).content.decode()
    assert "法律咨询 · 工资报酬" in body and detail(consultation.pk) in body
    client.force_login(other_worker)
    assert detail(consultation.pk) not in client.get(reverse("core:me")).content.decode()
