"""Visits and reminders, health figures with gaps, 安康杯 score and winners, dashboard, export, indicators."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.indicators import all_indicators
from apps.notifications.models import Notification
from apps.protection import services
from apps.protection.models import AnkangEntry, HealthDailyFigure, SupervisionVisit

from .factories import make_hazard

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


# --- visits ---------------------------------------------------------------------------------------

def test_visit_with_findings_and_follow_up_reminder(xiuwu_staff, xiuwu_enterprise,
                                                    django_capture_on_commit_callbacks):
    visit = services.visit_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, visited_on=TODAY(),
                                  visitors="王志强、李明", findings="消防通道堆放杂物",
                                  follow_up_on=TODAY() + timedelta(3))
    hazard = services.hazard_raise(actor=xiuwu_staff, enterprise=xiuwu_enterprise, visit=visit,
                                   description="消防通道堆放纸箱", level="serious")
    assert hazard.source == "visit" and hazard.visit == visit and hazard.reported_by == xiuwu_staff
    with django_capture_on_commit_callbacks(execute=True):
        assert services.visits_send_follow_up_reminders() == 0
        assert services.visits_send_follow_up_reminders(today=TODAY() + timedelta(3)) == 1
        assert services.visits_send_follow_up_reminders(today=TODAY() + timedelta(4)) == 0
    assert Notification.objects.filter(recipient=xiuwu_staff, title__startswith="复查提醒").count() == 1


def test_visit_bad_input_and_scope(client, xiuwu_staff, boai_staff, grassroots_staff, xiuwu_enterprise):
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=boai_staff, enterprise=xiuwu_enterprise, visited_on=TODAY(), visitors="x",
                              findings="x")
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=grassroots_staff, enterprise=xiuwu_enterprise, visited_on=TODAY(),
                              visitors="x", findings="x")
    client.force_login(xiuwu_staff)
    good = {"enterprise": xiuwu_enterprise.pk, "visited_on": TODAY().isoformat(), "visitors": "王", "findings": "好"}
    for changes, field in [({"visited_on": "9999-12-31"}, "visited_on"), ({"visited_on": "2019-01-01"}, "visited_on"),
                           ({"follow_up_on": TODAY().isoformat()}, "follow_up_on"), ({"findings": ""}, "findings")]:
        response = client.post("/protection/visits/new/", {**good, **changes})
        assert response.status_code == 200 and response.context["form"].errors[field], changes
    assert client.post("/protection/visits/new/", {**good, "visitors": "\x00"}).status_code == 400  # core's NUL guard
    assert not SupervisionVisit.objects.exists()
    visit = services.visit_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, visited_on=TODAY(), visitors="王",
                                  findings="好")
    response = client.post(f"/protection/visits/{visit.pk}/", {"description": "", "level": "nope"})
    assert response.context["form"].errors["description"] and response.context["form"].errors["level"]
    client.force_login(boai_staff)
    assert client.get(f"/protection/visits/{visit.pk}/").status_code == 404


def test_visit_list_fixed_queries(client, xiuwu_staff, xiuwu_enterprise, django_assert_max_num_queries):
    client.force_login(xiuwu_staff)
    for _ in range(6):
        services.visit_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, visited_on=TODAY(), visitors="王",
                              findings="好")
    client.get("/protection/visits/")
    with django_assert_max_num_queries(11):
        assert len(client.get("/protection/visits/").context["page_obj"]) == 6


# --- health monitoring ----------------------------------------------------------------------------

def test_health_figures_and_gaps(client, grassroots_staff, xiuwu_enterprise):
    for days_ago in (0, 1, 3):
        services.health_figure_report(actor=grassroots_staff, enterprise=xiuwu_enterprise,
                                      day=TODAY() - timedelta(days_ago), on_site=120, checked=118, abnormal=1,
                                      isolated=1)
    # A correction replaces the day's figures.
    services.health_figure_report(actor=grassroots_staff, enterprise=xiuwu_enterprise, day=TODAY(), on_site=121,
                                  checked=121, abnormal=0, isolated=0)
    assert HealthDailyFigure.objects.count() == 3
    client.force_login(grassroots_staff)
    response = client.get(f"/protection/health/{xiuwu_enterprise.pk}/")
    assert response.context["gaps"] == 27
    assert response.content.decode().count('data-testid="gap"') == 27


@pytest.mark.parametrize("figures, field", [
    ({"abnormal": 5, "checked": 3}, "abnormal"),
    ({"checked": 200}, "checked"),
    ({"isolated": 500}, "isolated"),
    ({"on_site": -1}, "on_site"),
    ({"on_site": 10**12}, "on_site"),
])
def test_impossible_figures_are_refused(client, grassroots_staff, xiuwu_enterprise, figures, field):
    data = {"form": "figures", "day": TODAY().isoformat(), "on_site": 100, "checked": 90, "abnormal": 1,
            "isolated": 0, **figures}
    client.force_login(grassroots_staff)
    response = client.post(f"/protection/health/{xiuwu_enterprise.pk}/", data)
    assert response.status_code == 200 and response.context["figure_form"].errors[field]
    with pytest.raises(ValidationError):
        services.health_figure_report(actor=grassroots_staff, enterprise=xiuwu_enterprise,
                                      **{k: v for k, v in data.items() if k != "form"} | {"day": TODAY()})
    assert not HealthDailyFigure.objects.exists()


def test_health_future_day_and_database_guard(grassroots_staff, xiuwu_enterprise):
    with pytest.raises(ValidationError):
        services.health_figure_report(actor=grassroots_staff, enterprise=xiuwu_enterprise,
                                      day=TODAY() + timedelta(1), on_site=1, checked=1, abnormal=0, isolated=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        HealthDailyFigure.objects.create(enterprise=xiuwu_enterprise, day=TODAY(), on_site=1, checked=1, abnormal=2,
                                         isolated=0, reported_by=grassroots_staff)


def test_health_rules_and_scope(client, grassroots_staff, xiuwu_staff, boai_staff, xiuwu_enterprise):
    client.force_login(grassroots_staff)
    response = client.post(f"/protection/health/{xiuwu_enterprise.pk}/", {"form": "rules", "monitoring": "",
                                                                            "entry": "x", "canteen": "x",
                                                                            "hygiene": "x"})
    assert response.context["rules_form"].errors["monitoring"]
    client.post(f"/protection/health/{xiuwu_enterprise.pk}/", {"form": "rules", "monitoring": "每日两次测温",
                                                                "entry": "登记", "canteen": "错峰", "hygiene": "消毒"})
    client.force_login(xiuwu_staff)  # reads, may not report
    response = client.get(f"/protection/health/{xiuwu_enterprise.pk}/")
    assert "每日两次测温" in response.content.decode() and response.context["figure_form"] is None
    assert client.post(f"/protection/health/{xiuwu_enterprise.pk}/", {"form": "figures"}).status_code == 403
    client.force_login(boai_staff)
    assert client.get(f"/protection/health/{xiuwu_enterprise.pk}/").status_code == 404


# --- 安康杯 -----------------------------------------------------------------------------------------

def test_ankang_score_and_winners(client, grassroots_staff, city_staff, xiuwu_staff, xiuwu_enterprise):
    year = TODAY().year
    entry = services.ankang_register(actor=grassroots_staff, enterprise=xiuwu_enterprise, year=year)
    with pytest.raises(ValidationError):
        services.ankang_register(actor=grassroots_staff, enterprise=xiuwu_enterprise, year=year)
    with pytest.raises(ValidationError):
        services.ankang_register(actor=grassroots_staff, enterprise=xiuwu_enterprise, year=9999)
    make_hazard(xiuwu_enterprise, status="verified")
    make_hazard(xiuwu_enterprise)
    services.accident_report(actor=grassroots_staff, enterprise=xiuwu_enterprise, occurred_on=TODAY(),
                             summary="手部划伤", injured=1)
    client.force_login(xiuwu_staff)
    response = client.get("/protection/ankang/")
    score = response.context["scores"][0]
    assert (score.parts, score.total) == ([0, 20, 10], 30)
    assert "计分办法" in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.ankang_mark_winner(actor=xiuwu_staff, entry=entry, winner=True)
    assert client.post(f"/protection/ankang/{entry.pk}/winner/", {"winner": "1"}).status_code == 403
    client.force_login(city_staff)
    client.post(f"/protection/ankang/{entry.pk}/winner/", {"winner": "1"})
    entry.refresh_from_db()
    assert entry.is_winner and entry.winner_marked_by == city_staff


def test_ankang_forms_bad_input(client, grassroots_staff, other_grassroots_enterprise, xiuwu_enterprise):
    client.force_login(grassroots_staff)
    response = client.post("/protection/ankang/", {"enterprise": other_grassroots_enterprise.pk})
    assert response.context["register_form"].errors["enterprise"]
    assert not AnkangEntry.objects.exists()
    page = client.post("/protection/ankang/accidents/", {"enterprise": xiuwu_enterprise.pk, "occurred_on": "9999-01-01",
                                                         "summary": "x", "injured": "-3"}, follow=True)
    assert "受伤人数" in page.content.decode()
    assert not xiuwu_enterprise.accidents.exists()


# --- dashboard, export, indicators ----------------------------------------------------------------

def test_dashboard_counts_and_export(client, xiuwu_staff, boai_staff, city_staff, xiuwu_enterprise, boai_enterprise,
                                     xiuwu_staff_2, django_assert_max_num_queries):
    make_hazard(xiuwu_enterprise, level="major", days_ago=10)
    make_hazard(xiuwu_enterprise)
    closed = make_hazard(xiuwu_enterprise, status="verified", days_ago=4)
    closed.verified_at = timezone.now()
    closed.save()
    boai = make_hazard(boai_enterprise)
    boai.description = "=HYPERLINK(\"http://evil\")"
    boai.save()
    client.force_login(city_staff)
    client.get("/protection/dashboard/")
    with django_assert_max_num_queries(14):
        response = client.get("/protection/dashboard/")
    rows = {row.label: row for row in response.context["rows"]}
    xiuwu = rows["修武县总工会"]
    assert (xiuwu.open_major, xiuwu.open_general, xiuwu.overdue, xiuwu.found, xiuwu.closed) == (1, 1, 1, 3, 1)
    assert float(xiuwu.median_days) == pytest.approx(4.0, abs=0.1)
    assert response.context["total"].found == 4
    client.force_login(xiuwu_staff)
    assert [r.label for r in client.get("/protection/dashboard/").context["rows"]] == ["修武县总工会"]
    export = client.get("/protection/dashboard/export/?start=2020-01-01&end=9999-12-31")
    assert export.status_code == 200 and export.streaming
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "地区" and values[1][0] == "修武县总工会" and values[-1][0] == "合计"


def test_indicators_count_the_subtree(org_tree, xiuwu_enterprise, boai_enterprise, xiuwu_staff):
    make_hazard(xiuwu_enterprise)
    make_hazard(xiuwu_enterprise, status="verified").__class__.objects.filter(status="verified").update(
        verified_at=timezone.now())
    make_hazard(boai_enterprise, days_ago=30)
    indicators = all_indicators()
    keys = [k for k in indicators if k.startswith("protection.")]
    assert len(keys) == 8
    orgs = [org_tree.city, org_tree.xiuwu, org_tree.boai]
    start, end = TODAY() - timedelta(days=60), TODAY()
    assert indicators["protection.hazards_found"].compute(orgs, start, end) == {
        org_tree.city.pk: 3, org_tree.xiuwu.pk: 2, org_tree.boai.pk: 1}
    assert indicators["protection.hazards_closed"].compute(orgs, start, end)[org_tree.xiuwu.pk] == 1
    assert float(indicators["protection.closure_rate"].compute(orgs, start, end)[org_tree.xiuwu.pk]) == 50.0
    assert indicators["protection.overdue_hazards"].compute(orgs, start, end)[org_tree.boai.pk] == 1
    for key in keys:
        indicators[key].compute(orgs, start, end)
        assert indicators[key].link(org_tree.xiuwu, start, end).startswith("/protection/")


def test_console_todos(client, xiuwu_staff, grassroots_staff, xiuwu_enterprise):
    from apps.protection.providers import console_todos

    make_hazard(xiuwu_enterprise)
    labels = {t.label: t.count for t in console_todos(xiuwu_staff)}
    assert labels["待交办的风险隐患"] == 1
    assert "待整改的风险隐患" in {t.label for t in console_todos(grassroots_staff)}
    client.force_login(xiuwu_staff)
    assert client.get("/console/").status_code == 200


def test_indicator_links_open_scoped_lists(client, org_tree, xiuwu_staff, xiuwu_enterprise):
    make_hazard(xiuwu_enterprise)
    services.visit_record(actor=xiuwu_staff, enterprise=xiuwu_enterprise, visited_on=TODAY(), visitors="王",
                          findings="好")
    client.force_login(xiuwu_staff)
    start, end = TODAY() - timedelta(days=30), TODAY()
    for key, indicator in all_indicators().items():
        if key.startswith("protection."):
            assert client.get(indicator.link(org_tree.xiuwu, start, end)).status_code == 200, key
    assert len(client.get(f"/protection/visits/?org={org_tree.xiuwu.pk}&start=2026-01-01&end=9999-12-31")
               .context["page_obj"]) == 1
    for url in ("/protection/visits/", "/protection/plans/", "/protection/inspections/", "/protection/hazards/"):
        assert client.get(f"{url}?org={org_tree.boai.pk}").status_code == 404
        assert client.get(f"{url}?org=1e9").status_code == 404


def test_health_and_ankang_lists_have_fixed_queries(client, org_tree, xiuwu_staff, grassroots_staff,
                                                    django_assert_max_num_queries):
    from tests.factories import EnterpriseFactory

    def add(count):
        for _ in range(count):
            enterprise = EnterpriseFactory(district=org_tree.xiuwu, union=org_tree.xiuwu_grassroots)
            services.health_figure_report(actor=grassroots_staff, enterprise=enterprise, day=TODAY(), on_site=9,
                                          checked=9, abnormal=0, isolated=0)
            services.ankang_register(actor=grassroots_staff, enterprise=enterprise, year=TODAY().year)
            make_hazard(enterprise)

    add(2)
    client.force_login(xiuwu_staff)
    client.get("/protection/health/")
    counts = []
    for more in (0, 6):
        add(more)
        for url in ("/protection/health/", "/protection/ankang/"):
            with django_assert_max_num_queries(16) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
    assert counts[:2] == counts[2:]  # the same number of queries with 2 or 8 enterprises
