from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.legal_aid import rules, services
from apps.legal_aid.models import RiskScreening
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db

RED = {"screened_on": date(2026, 1, 5), "headcount": 60, "wage_arrears_amount": Decimal("600000"),
       "wage_arrears_months": 3, "layoffs_planned": 20, "social_insurance_arrears_months": 4,
       "dispatched_workers": 30, "complaints": 5, "production_halted": True, "is_dispatch_firm": True}
GREEN = {"screened_on": date(2026, 1, 5), "headcount": 100}


def form_data(enterprise, **values):
    data = {"enterprise": enterprise.pk, "screened_on": "2026-01-05", "headcount": "100",
            "wage_arrears_amount": "0", "wage_arrears_months": "0", "layoffs_planned": "0",
            "social_insurance_arrears_months": "0", "dispatched_workers": "0", "complaints": "0", "note": ""}
    data.update(values)
    return data


class TestRules:
    @pytest.mark.parametrize("values, level", [
        ({}, "green"),
        ({"wage_arrears_months": 1, "complaints": 1}, "yellow"),
        ({"wage_arrears_months": 2, "layoffs_planned": 5, "social_insurance_arrears_months": 1}, "orange"),
        ({"wage_arrears_months": 2, "layoffs_planned": 20, "production_halted": True}, "red"),
    ])
    def test_levels(self, values, level):
        screening = RiskScreening(headcount=100, **values)
        assert rules.score(screening)[1] == level


class TestRecord:
    def test_red_warns_county_and_city_once(self, xiuwu_staff, city_staff, boai_staff, xiuwu_enterprise,
                                            django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            screening = services.screening_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, data=dict(RED))
        assert screening.level == "red" and screening.warned_at is not None
        told = set(Notification.objects.filter(title__contains="红色预警").values_list("recipient__username",
                                                                                    flat=True))
        assert told == {"xiuwu_staff", "city_office"}

    def test_green_warns_nobody(self, xiuwu_staff, xiuwu_enterprise):
        screening = services.screening_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, data=dict(GREEN))
        assert screening.level == "green" and screening.warned_at is None

    def test_impossible_numbers_refused(self, xiuwu_staff, xiuwu_enterprise):
        with pytest.raises(ValidationError) as error:
            services.screening_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                      data={**GREEN, "layoffs_planned": 101})
        assert "layoffs_planned" in error.value.message_dict
        assert not RiskScreening.objects.exists()

    def test_other_district_refused(self, boai_staff, xiuwu_enterprise):
        with pytest.raises(PermissionDenied):
            services.screening_record(actor=boai_staff, enterprise=xiuwu_enterprise, data=dict(GREEN))


class TestViews:
    def test_form_bad_input_messages(self, client, xiuwu_staff, xiuwu_enterprise):
        client.force_login(xiuwu_staff)
        response = client.post(reverse("legal_aid:screening_new"), form_data(
            xiuwu_enterprise, layoffs_planned="500", wage_arrears_amount="-5",
            screened_on=(timezone.localdate() + timedelta(days=3)).isoformat()))
        body = response.content.decode()
        assert response.status_code == 400
        assert "计划裁员人数不能超过职工人数" in body and "排查日期不能晚于今天" in body
        assert "layoffs_planned" in response.context["form"].errors
        assert "wage_arrears_amount" in response.context["form"].errors
        assert not RiskScreening.objects.exists()

    def test_huge_numbers_refused(self, client, xiuwu_staff, xiuwu_enterprise):
        client.force_login(xiuwu_staff)
        response = client.post(reverse("legal_aid:screening_new"), form_data(
            xiuwu_enterprise, headcount="99999999999999999999", screened_on="9999-01-01"))
        assert response.status_code == 400 and not RiskScreening.objects.exists()

    def test_other_district_enterprise_not_offered(self, client, boai_staff, xiuwu_enterprise):
        client.force_login(boai_staff)
        response = client.post(reverse("legal_aid:screening_new"), form_data(xiuwu_enterprise))
        assert response.status_code == 400 and "enterprise" in response.context["form"].errors

    def test_red_shows_in_the_district_console_not_elsewhere(self, client, xiuwu_staff, boai_staff,
                                                             xiuwu_enterprise):
        client.force_login(xiuwu_staff)
        response = client.post(reverse("legal_aid:screening_new"),
                               form_data(xiuwu_enterprise, **{k: str(v) for k, v in RED.items()
                                                              if k not in ("production_halted",
                                                                           "is_dispatch_firm")},
                                         production_halted="on", is_dispatch_firm="on"))
        screening = RiskScreening.objects.get()
        assert response.status_code == 302 and screening.level == "red"
        listing = client.get(reverse("legal_aid:screening_list"))
        assert xiuwu_enterprise.name in listing.content.decode()
        assert listing.context["heat"][0]["red"] == 1
        client.force_login(boai_staff)
        assert client.get(reverse("legal_aid:screening_detail", args=[screening.pk])).status_code == 404
        assert xiuwu_enterprise.name not in client.get(reverse("legal_aid:screening_list")).content.decode()

    def test_list_fixed_queries(self, client, xiuwu_staff, xiuwu_enterprise, django_assert_max_num_queries):
        for month in range(1, 13):
            services.screening_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise,
                                      data={**GREEN, "screened_on": date(2025, month, 1)})
        client.force_login(xiuwu_staff)
        with django_assert_max_num_queries(16):
            response = client.get(reverse("legal_aid:screening_list"))
        assert response.status_code == 200
        detail = client.get(reverse("legal_aid:screening_detail", args=[RiskScreening.objects.first().pk]))
        assert len(detail.context["trend"]) == 12

    def test_rules_page(self, client, xiuwu_staff):
        client.force_login(xiuwu_staff)
        assert "停产或半停产" in client.get(reverse("legal_aid:screening_rules")).content.decode()
