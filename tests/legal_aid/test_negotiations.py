"""Collective negotiations: recording with the signed agreement (type and size checked from the bytes),
bad input next to its field, scoping of the pages and of the private file, the guidance block."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditLog
from apps.core.uploads import private_file_url
from apps.legal_aid import services
from apps.legal_aid.models import CollectiveNegotiation
from tests.factories import EnterpriseFactory

from .disputes_factories import days_ago, negotiation_data, negotiation_form, upload

pytestmark = pytest.mark.django_db
NEW = reverse("legal_aid:negotiation_new")
LIST = reverse("legal_aid:negotiation_list")


def small_agreements(max_mb: int = 0):
    from django.conf import settings

    return override_settings(UPLOAD_KINDS={**settings.UPLOAD_KINDS,
                                           "agreement": {**settings.UPLOAD_KINDS["agreement"], "max_mb": max_mb}})


class TestService:
    def test_it_records_the_agreement_with_its_file(self, xiuwu_staff, xiuwu_enterprise, org_tree):
        negotiation = services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                                  data=negotiation_data(), agreement_file=upload("pdf"))
        assert negotiation.organization == org_tree.xiuwu and negotiation.agreement_file.name.endswith(".pdf")
        assert "agreement.pdf" not in negotiation.agreement_file.name  # stored under a random name
        assert AuditLog.objects.filter(action="legal_aid.negotiation.recorded", after__agreement_file=True).exists()

    @pytest.mark.parametrize("overrides, field", [
        ({"valid_until": days_ago(30)}, "valid_until"),
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        ({"held_on": None}, "held_on"),
        ({"union_side": "  "}, "union_side"),
        ({"employer_side": "x" * 301}, "employer_side"),
        ({"topic": "strike"}, "topic"),
        ({"agreement_summary": ""}, "agreement_summary"),
        ({"workers_covered": -1}, "workers_covered"),
        ({"agreement_reached": False, "agreement_summary": ""}, "valid_from"),
    ])
    def test_bad_values_are_refused(self, xiuwu_staff, xiuwu_enterprise, overrides, field):
        with pytest.raises(ValidationError) as error:
            services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                        data=negotiation_data(**overrides))
        assert field in error.value.message_dict
        assert not CollectiveNegotiation.objects.exists()

    def test_the_service_checks_the_file_itself(self, xiuwu_staff, xiuwu_enterprise):
        for kind in ("exe", "txt"):
            with pytest.raises(ValidationError) as error:
                services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, data=negotiation_data(),
                                            agreement_file=upload(kind))
            assert "文件类型不符" in error.value.message_dict["agreement_file"][0]
        with pytest.raises(ValidationError) as error:
            services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, data=negotiation_data(
                agreement_reached=False, valid_from=None, valid_until=None), agreement_file=upload("pdf"))
        assert "未达成协议" in error.value.message_dict["agreement_file"][0]
        assert not CollectiveNegotiation.objects.exists()

    def test_an_enterprise_of_another_district_is_refused(self, boai_staff, xiuwu_enterprise):
        with pytest.raises(PermissionDenied):
            services.negotiation_record(actor=boai_staff, enterprise=xiuwu_enterprise, data=negotiation_data())

    def test_the_database_keeps_the_validity_in_order(self, xiuwu_staff, xiuwu_enterprise):
        from django.db import IntegrityError, transaction

        negotiation = services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                                  data=negotiation_data())
        with pytest.raises(IntegrityError), transaction.atomic():
            CollectiveNegotiation.objects.filter(pk=negotiation.pk).update(valid_until=days_ago(400))


class TestForm:
    @pytest.mark.parametrize("kind, extension", [("pdf", "pdf"), ("png", "png"), ("doc", "doc"),
                                                 ("docx", "docx")])
    def test_pdf_word_and_images_are_accepted(self, client, xiuwu_staff, xiuwu_enterprise, kind, extension):
        client.force_login(xiuwu_staff)
        response = client.post(NEW, {**negotiation_form(xiuwu_enterprise), "agreement_file": upload(kind)})
        assert response.status_code == 302
        negotiation = CollectiveNegotiation.objects.get()
        assert negotiation.agreement_file.name.endswith(f".{extension}")
        download = client.get(private_file_url(negotiation, "agreement_file"))
        assert download.status_code == 200 and "attachment" in download["Content-Disposition"]

    @pytest.mark.parametrize("field, value, message", [
        ("valid_until", "before", "协议截止日期不能早于生效日期"),
        ("held_on", "tomorrow", "协商日期不能晚于今天"),
        ("held_on", "", "请填写协商日期"),
        ("union_side", "", "请填写职工方代表"),
        ("employer_side", "", "请填写企业方代表"),
        ("topic", "", "请选择协商议题"),
        ("agreement_summary", "", "达成协议时请填写协议主要内容"),
        ("workers_covered", "-5", "覆盖职工人数不能为负数"),
        ("enterprise", "other-district", "只能选择本组织及下级组织的企业"),
    ])
    def test_bad_input_is_shown_next_to_the_field(self, client, xiuwu_staff, xiuwu_enterprise, boai_enterprise,
                                                  field, value, message):
        value = {"before": days_ago(30).isoformat(), "other-district": str(boai_enterprise.pk),
                 "tomorrow": (timezone.localdate() + timedelta(days=1)).isoformat()}.get(value, value)
        client.force_login(xiuwu_staff)
        response = client.post(NEW, {**negotiation_form(xiuwu_enterprise), field: value})
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert message in response.content.decode()
        assert not CollectiveNegotiation.objects.exists()

    @pytest.mark.parametrize("kind, message", [("exe", "文件类型不符"), ("txt", "文件类型不符")])
    def test_a_file_of_the_wrong_type_is_refused(self, client, xiuwu_staff, xiuwu_enterprise, kind, message):
        client.force_login(xiuwu_staff)
        response = client.post(NEW, {**negotiation_form(xiuwu_enterprise), "agreement_file": upload(kind)})
        assert response.status_code == 400 and message in " ".join(response.context["form"].errors["agreement_file"])
        assert not CollectiveNegotiation.objects.exists()

    def test_an_oversized_file_is_refused(self, client, xiuwu_staff, xiuwu_enterprise):
        client.force_login(xiuwu_staff)
        with small_agreements(0):
            response = client.post(NEW, {**negotiation_form(xiuwu_enterprise), "agreement_file": upload("pdf")})
        assert response.status_code == 400 and "文件过大" in " ".join(response.context["form"].errors["agreement_file"])
        assert not CollectiveNegotiation.objects.exists()

    def test_no_agreement_no_file_and_no_validity(self, client, xiuwu_staff, xiuwu_enterprise):
        client.force_login(xiuwu_staff)
        response = client.post(NEW, {**negotiation_form(xiuwu_enterprise, agreement_reached=None),
                                     "agreement_file": upload("pdf")})
        errors = response.context["form"].errors
        assert response.status_code == 400 and "未达成协议" in errors["agreement_file"][0]
        assert "未达成协议" in errors["valid_from"][0]
        response = client.post(NEW, negotiation_form(xiuwu_enterprise, agreement_reached=None, valid_from=None,
                                                      valid_until=None, agreement_summary="下月再议。",
                                                      workers_covered=""))
        assert response.status_code == 302
        negotiation = CollectiveNegotiation.objects.get()
        assert not negotiation.agreement_reached and negotiation.workers_covered == 0


class TestScope:
    def test_staff_of_another_district_see_nothing(self, client, xiuwu_staff, boai_staff, xiuwu_enterprise):
        negotiation = services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                                  data=negotiation_data(), agreement_file=upload("pdf"))
        client.force_login(boai_staff)
        assert client.get(reverse("legal_aid:negotiation_detail", args=[negotiation.pk])).status_code == 404
        assert client.get(private_file_url(negotiation, "agreement_file")).status_code == 404
        assert xiuwu_enterprise.name not in client.get(LIST).content.decode()

    def test_workers_get_403_and_not_the_file(self, client, worker, xiuwu_staff, xiuwu_enterprise):
        negotiation = services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                                  data=negotiation_data(), agreement_file=upload("pdf"))
        client.force_login(worker)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("legal_aid:negotiation_detail", args=[negotiation.pk])).status_code == 403
        assert client.get(private_file_url(negotiation, "agreement_file")).status_code == 404

    def test_the_city_sees_the_detail_and_the_file(self, client, city_staff, xiuwu_staff, xiuwu_enterprise):
        negotiation = services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                                  data=negotiation_data(), agreement_file=upload("pdf"))
        client.force_login(city_staff)
        page = client.get(reverse("legal_aid:negotiation_detail", args=[negotiation.pk]))
        assert page.status_code == 200 and page.context["document_url"]
        assert client.get(page.context["document_url"]).status_code == 200

    def test_list_filters_and_a_fixed_number_of_queries(self, client, xiuwu_staff, xiuwu_enterprise, org_tree,
                                                        django_assert_max_num_queries):
        enterprises = [xiuwu_enterprise] + [EnterpriseFactory(district=org_tree.xiuwu) for _ in range(3)]
        for index in range(40):
            reached = index % 2 == 0
            services.negotiation_record(actor=xiuwu_staff, enterprise=enterprises[index % 4], data=negotiation_data(
                topic=["wages", "epidemic"][index % 2], agreement_reached=reached,
                agreement_summary="协议" if reached else "", valid_from=days_ago(1) if reached else None,
                valid_until=days_ago(0) if reached else None))
        client.force_login(xiuwu_staff)
        client.get(LIST)
        for page in (1, 2):
            with django_assert_max_num_queries(13):
                response = client.get(LIST, {"page": page})
            assert response.status_code == 200
        assert client.get(LIST, {"agreement": "1"}).context["page_obj"].paginator.count == 20
        assert client.get(LIST, {"topic": "epidemic"}).context["page_obj"].paginator.count == 20
        assert client.get(LIST, {"q": "恒达"}).context["page_obj"].paginator.count == 10


class TestGuidance:
    def test_publicity_articles_on_employment_and_wages_are_listed(self, client, xiuwu_staff, city_staff, org_tree,
                                                                    xiuwu_enterprise):
        from apps.publicity.models import Article
        from tests.publicity.factories import make_article

        make_article(org_tree.city, city_staff, title="疫情期间工资如何支付", category=Article.Category.LABOUR_LAW)
        make_article(org_tree.city, city_staff, title="稳岗返还政策申领指南", category=Article.Category.POLICY)
        make_article(org_tree.city, city_staff, title="工伤认定的条件与流程", category=Article.Category.LABOUR_LAW)
        make_article(org_tree.city, city_staff, title="加班工资的计算方法", category=Article.Category.LABOUR_LAW,
                     status=Article.Status.DRAFT)
        make_article(org_tree.city, city_staff, title="复工后如何做好个人防护", category=Article.Category.HEALTH)
        negotiation = services.negotiation_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                                  data=negotiation_data())
        client.force_login(xiuwu_staff)
        for url in (reverse("legal_aid:negotiation_detail", args=[negotiation.pk]), NEW, reverse("legal_aid:home")):
            body = client.get(url).content.decode()
            assert "用工与工资支付指导" in body and "疫情期间工资如何支付" in body and "稳岗返还政策申领指南" in body
            guides = body.split("用工与工资支付指导", 1)[1].split("</section>", 1)[0]
            assert "工伤认定的条件" not in guides and "加班工资的计算方法" not in guides and "个人防护" not in guides

    def test_an_empty_state_without_a_provider(self, client, xiuwu_staff, monkeypatch):
        from apps.core.registry import guidance_articles

        monkeypatch.setattr(guidance_articles, "_items", [])
        client.force_login(xiuwu_staff)
        body = client.get(NEW).content.decode()
        assert "用工与工资支付指导" in body and "暂无用工与工资支付方面的指导文章" in body
        assert "暂无用工与工资支付方面的指导文章" in client.get(reverse("legal_aid:home")).content.decode()
