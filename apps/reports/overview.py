"""The federation's overview: every county-level and industry union against the live indicators,
with timeliness of their reports, totals, and a six-month trend.

Queries: one for the organisations, one per indicator, one for timeliness, six for the trend;
none of them grows with the number of organisations or rounds. Indicator values are kept in the
cache for a few minutes: each indicator's ``compute`` builds one aggregate per organisation,
which costs tens of milliseconds for 200 organisations, and leadership pages are opened often.
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from apps.core import indicators as core_indicators
from apps.core.models import Organization

from .models import ReportTask, Submission
from .selectors import timeliness_counts, with_rates

TREND_MONTHS = 6
CACHE_SECONDS = 300


def _computed(indicator, organizations, start, end) -> dict[int, object]:
    digest = hashlib.sha1(
        f"{indicator.key}|{start}|{end}|{','.join(str(o.pk) for o in organizations)}".encode()).hexdigest()
    key = f"reports:overview:{digest}"
    values = cache.get(key)
    if values is None:
        values = indicator.compute(organizations, start, end)
        cache.set(key, values, CACHE_SECONDS)
    return values


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)



def _plain(value) -> float | int:
    number = float(value or 0)
    return int(number) if number.is_integer() else round(number, 2)


def column_totals(columns, value_rows: list[list]) -> list:
    """The 合计 row: counts add up; a rate is its numerator's total over its denominator's, or blank.

    Rates never add up (a sum of percentages is meaningless); a rate whose parts are not both columns
    here is left as None and shown blank.
    """
    sums = [sum(values[i] for values in value_rows) for i in range(len(columns))]
    index = {column.key: i for i, column in enumerate(columns)}
    totals = []
    for i, column in enumerate(columns):
        if column.unit != "%":
            totals.append(_plain(sums[i]))
            continue
        top, bottom = index.get(column.numerator), index.get(column.denominator)
        if top is None or bottom is None or not sums[bottom]:
            totals.append(None)
        else:
            totals.append(round(float(sums[top]) * 100 / float(sums[bottom]), 1))
    return totals


def build(params) -> dict:
    start, end = core_indicators.period_from_params(params)
    organizations = list(Organization.objects.filter(
        org_type__in=[Organization.Type.COUNTY, Organization.Type.INDUSTRY], is_active=True).order_by("org_type",
                                                                                                      "path"))
    columns = sorted(core_indicators.all_indicators().values(), key=lambda i: i.key)
    computed = {indicator.key: _computed(indicator, organizations, start, end) for indicator in columns}
    timeliness = {
        row["organization_id"]: with_rates(row)
        for row in Submission.objects.filter(round__due_date__range=(start, end))
        .exclude(round__task__status=ReportTask.Status.DRAFT)
        .filter(Q(round__due_date__lt=timezone.localdate()) | Q(first_submitted_at__isnull=False))
        .values("organization_id").annotate(**timeliness_counts()).order_by()
    }
    empty = with_rates({name: 0 for name in timeliness_counts()})
    rows = []
    for org in organizations:
        row_timeliness = timeliness.get(org.pk, empty)
        rows.append({"organization": org, "values": [_plain(computed[c.key].get(org.pk)) for c in columns],
                     **{k: row_timeliness[k] for k in ("expected", "submitted", "on_time", "late", "missing",
                                                       "on_time_rate", "submitted_rate")}})
    totals = column_totals(columns, [row["values"] for row in rows])
    total_timeliness = with_rates({key: sum(row.get(key, 0) for row in timeliness.values())
                                   for key in timeliness_counts()})
    chosen = next((c for c in columns if c.key == params.get("indicator")), columns[0] if columns else None)
    trend_labels, trend_values = [], []
    whole_city = list(Organization.objects.filter(parent__isnull=True).order_by("path")[:1])
    if chosen is not None and whole_city:
        for back in range(TREND_MONTHS - 1, -1, -1):
            month_start = _month_start(end, back)
            month_end = min(_month_start(end, back - 1) - timedelta(days=1), end)
            values = _computed(chosen, whole_city, month_start, month_end)
            trend_labels.append(f"{month_start:%Y-%m}")
            trend_values.append(_plain(sum(values.values())))
    chosen_index = columns.index(chosen) if chosen is not None else None
    chart = {
        "indicator": f"{chosen.label}（{chosen.unit}）" if chosen else "",
        "districts": [row["organization"].name.replace("总工会", "") for row in rows],
        "values": [row["values"][chosen_index] for row in rows] if chosen is not None else [],
        "on_time": [row["on_time_rate"] for row in rows],
        "trend_labels": trend_labels, "trend_values": trend_values,
    }
    return {"start": start, "end": end, "columns": columns, "rows": rows, "totals": totals,
            "timeliness_total": total_timeliness, "chosen": chosen, "chart": chart}
