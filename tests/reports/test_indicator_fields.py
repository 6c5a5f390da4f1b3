"""A report field that repeats an indicator is the indicator; typed numbers tied to one warn; 合计 keeps rates."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core import indicators as core_indicators
from apps.core.indicators import Indicator
from apps.reports import overview, services
from apps.reports.models import Submission

from .factories import TEST_INDICATOR, make_task

pytestmark = pytest.mark.django_db


def _submission(task, org) -> Submission:
    return Submission.objects.get(round__task=task, organization=org)


# --- the task editor offers the indicator ------------------------------------------------------------

@pytest.mark.parametrize("label", ["撮合就业人数", "撮合就业人数（人）", " 撮合就业人数 ", "达成就业人数"])
def test_a_number_field_repeating_an_indicator_is_refused_in_favour_of_it(client, city_staff, org_tree, label):
    task = make_task(city_staff, publish=False, fields=[], rules=[])
    client.force_login(city_staff)
    response = client.post(reverse("reports:task_detail", args=[task.pk]), {
        "add_field": "1", "field-label": label, "field-kind": "number", "field-group": "就业"})
    errors = response.context["field_form"].errors["kind"]
    assert any("指标（自动计算）" in error and "平台已能自动计算" in error for error in errors)
    assert not task.fields.exists()


def test_the_service_refuses_it_too_and_takes_the_indicator(city_staff, org_tree):
    task = make_task(city_staff, publish=False, fields=[], rules=[])
    with pytest.raises(ValidationError) as raised:
        services.field_add(actor=city_staff, task=task, data={"label": "撮合就业人数", "kind": "number"})
    assert "kind" in raised.value.message_dict
    field = services.field_add(actor=city_staff, task=task, data={
        "label": "撮合就业人数", "kind": "indicator", "indicator_key": TEST_INDICATOR.key})
    assert field.kind == "indicator"
    other = services.field_add(actor=city_staff, task=task, data={"label": "走访慰问困难职工（户）", "kind": "number"})
    assert other.kind == "number"


def test_the_editor_explains_which_numbers_are_indicators(client, city_staff, org_tree):
    task = make_task(city_staff, publish=False, fields=[], rules=[])
    client.force_login(city_staff)
    page = client.get(reverse("reports:task_detail", args=[task.pk])).content.decode()
    assert "不要让各单位重复填报" in page


# --- a typed number tied to an indicator warns -----------------------------------------------------

def _tied_task(city_staff):
    return make_task(city_staff, fields=[
        {"key": "hired_reported", "label": "本期就业人数（上报）", "kind": "number", "group": "就业"},
        {"key": "hires", "label": "撮合就业人数（平台）", "kind": "indicator", "indicator_key": TEST_INDICATOR.key,
         "group": "平台指标"},
    ], rules=[{"left": "hired_reported", "operator": "eq", "right": "hires",
               "message": "上报的就业人数应与平台撮合人数一致"}])


def test_a_differing_tied_number_warns_but_is_submitted(client, city_staff, xiuwu_staff, org_tree, test_indicator):
    test_indicator[org_tree.xiuwu.pk] = 50
    task = _tied_task(city_staff)
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    url = reverse("reports:submission_edit", args=[submission.pk])
    client.post(url, {"draft": "1", "hired_reported": "45"})
    page = client.get(url).content.decode()
    assert 'data-testid="indicator-warning"' in page and "填报 45" in page and "为 50" in page
    response = client.post(url, {"submit": "1", "hired_reported": "45"}, follow=True)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.values["hired_reported"] == 45
    assert "上报的就业人数应与平台撮合人数一致" in response.content.decode()
    client.force_login(city_staff)
    detail = client.get(reverse("reports:submission_detail", args=[submission.pk])).content.decode()
    assert 'data-testid="indicator-warning"' in detail and "填报 45" in detail


def test_an_equal_tied_number_does_not_warn(client, city_staff, xiuwu_staff, org_tree, test_indicator):
    test_indicator[org_tree.xiuwu.pk] = 50
    task = _tied_task(city_staff)
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    url = reverse("reports:submission_edit", args=[submission.pk])
    client.post(url, {"draft": "1", "hired_reported": "50.00"})
    assert 'data-testid="indicator-warning"' not in client.get(url).content.decode()


def test_an_inequality_against_an_indicator_still_refuses(city_staff, xiuwu_staff, org_tree, test_indicator):
    test_indicator[org_tree.xiuwu.pk] = 50
    task = make_task(city_staff, rules=[{"left": "hired", "operator": "ge", "right": "hires",
                                         "message": "不应少于平台撮合人数。"}])
    with pytest.raises(ValidationError):
        services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                   values={"applications": 100, "hired": 10, "narrative": "x"})


# --- 合计 recomputes rates --------------------------------------------------------------------------

def _indicator(key, unit="人", **parts):
    return Indicator(key=key, label=key, unit=unit, compute=lambda orgs, start, end: {}, **parts)


def test_totals_add_counts_and_recompute_rates_from_their_parts():
    hires, seekers = _indicator("t.hires"), _indicator("t.seekers")
    rate = _indicator("t.rate", "%", numerator="t.hires", denominator="t.seekers")
    average = _indicator("t.average", "%")
    rows = [[30, 40, 75.0, 90.0], [10, 60, 16.7, 53.4]]
    totals = overview.column_totals([hires, seekers, rate, average], rows)
    assert totals == [40, 100, 40.0, None]  # never 91.7 %, never 143.4 %


def test_a_rate_with_no_denominator_is_blank():
    rate = _indicator("t.rate", "%", numerator="t.hires", denominator="t.seekers")
    totals = overview.column_totals([_indicator("t.hires"), _indicator("t.seekers"), rate], [[0, 0, 0], [0, 0, 0]])
    assert totals == [0, 0, None]


def test_overview_page_shows_the_recomputed_rate_and_a_blank_for_an_average(client, city_staff, org_tree,
                                                                          monkeypatch):
    values = {"seekers": {org_tree.xiuwu.pk: 40, org_tree.boai.pk: 60}, "hires": {org_tree.xiuwu.pk: 30,
                                                                                   org_tree.boai.pk: 10}}

    def fixed(name):
        return lambda orgs, start, end: {o.pk: values[name].get(o.pk, 0) for o in orgs}

    def rate(orgs, start, end):
        return {o.pk: Decimal(values["hires"].get(o.pk, 0) * 100) / values["seekers"][o.pk]
                if values["seekers"].get(o.pk) else 0 for o in orgs}

    fake = {
        "zz.hires": Indicator(key="zz.hires", label="就业", unit="人", compute=fixed("hires")),
        "zz.seekers": Indicator(key="zz.seekers", label="登记", unit="人", compute=fixed("seekers")),
        "zz.rate": Indicator(key="zz.rate", label="对接率", unit="%", compute=rate, numerator="zz.hires",
                             denominator="zz.seekers"),
        "zz.score": Indicator(key="zz.score", label="平均得分率", unit="%",
                              compute=lambda orgs, start, end: {o.pk: 80 for o in orgs}),
    }
    monkeypatch.setattr(core_indicators, "all_indicators", lambda: fake)
    cache.clear()
    client.force_login(city_staff)
    response = client.get(reverse("reports:overview"))
    columns = [c.key for c in response.context["columns"]]
    totals = dict(zip(columns, response.context["totals"], strict=True))
    assert totals == {"zz.hires": 40, "zz.rate": 40.0, "zz.score": None, "zz.seekers": 100}
    page = response.content.decode()
    assert 'data-testid="total-blank"' in page and "143.4" not in page
    rows = response.context["rows"]
    assert sum(row["values"][columns.index("zz.rate")] for row in rows) > 90  # what adding rates would show
