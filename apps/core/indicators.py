"""Indicators: numbers computed from live data for an organisation's subtree and a period.

Each app lists its indicators in ``apps/<app>/selectors.py`` as a module-level
``INDICATORS: list[Indicator]``; ``all_indicators()`` collects them from the installed apps,
so the implementation-report workbench can pre-fill them and an app not yet built offers none.

``compute(organizations, start, end)`` answers for several organisations at once (a fixed number
of queries, whatever their count) and returns ``{organization.pk: value}``, each value counting
the organisation's whole subtree over the dates ``start``..``end`` inclusive.
``subtree_totals`` builds that single query for the common case.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .models import Organization
from .params import date_param

Number = int | Decimal
Compute = Callable[[Sequence[Organization], date, date], dict[int, Number]]
Link = Callable[[Organization, date, date], str]


@dataclass(frozen=True)
class Indicator:
    key: str  # "recruitment.jobs_published": app label, then a name
    label: str  # "发布岗位数"
    unit: str  # "个", "人", "元", "%"
    compute: Compute
    link: Link | None = None  # the page listing the records behind the number
    description: str = ""
    # A rate ("%") made of two other indicators: a total row divides their totals instead of adding rates.
    numerator: str = ""
    denominator: str = ""


def all_indicators() -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("apps.") or find_spec(f"{config.name}.selectors") is None:
            continue
        for indicator in getattr(import_module(f"{config.name}.selectors"), "INDICATORS", []):
            found[indicator.key] = indicator
    return found


def period_from_params(params) -> tuple[date, date]:
    """The period a page asks for with ``?start=YYYY-MM-DD&end=YYYY-MM-DD``.

    Missing or invalid dates fall back to this year so far; a reversed period is turned round;
    dates far in the past or future are brought within ``core.params`` bounds.
    """
    end = date_param(params, "end") or timezone.localdate()
    start = date_param(params, "start") or date(end.year, 1, 1)
    return (start, end) if start <= end else (end, start)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes covering whole local days ``start``..``end``."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def subtree_totals(
    queryset: QuerySet,
    *,
    org_field: str,
    organizations: Sequence[Organization],
    value: str | None = None,
    distinct: str | None = None,
) -> dict[int, Number]:
    """One query: for each organisation, count (or sum ``value`` over) the rows in its subtree.

    ``org_field`` is the path from the row to its Organization, e.g. ``"enterprise__district"``.
    The database groups the rows by their own organisation; each group is then credited to every
    requested organisation on its path, so the cost does not grow with how many are asked for.
    ``distinct`` (e.g. ``"user"``) counts different values of that field instead of rows: a person
    who took part under two unions of one county counts once for the county.
    """
    wanted = {organization.path: organization.pk for organization in organizations}
    if not wanted:
        return {}
    path_field = f"{org_field}__path"
    roots = [path for path in wanted if not any(path != other and path.startswith(other) for other in wanted)]
    if len(roots) <= 20:
        within = Q()
        for root in roots:
            within |= Q(**{f"{path_field}__startswith": root})
        queryset = queryset.filter(within)
    if distinct:
        seen: dict[int, set] = {pk: set() for pk in wanted.values()}
        for path, key in queryset.order_by().values_list(path_field, distinct).distinct():
            for pk in _credited(path, wanted):
                seen[pk].add(key)
        return {pk: len(keys) for pk, keys in seen.items()}
    groups = (
        queryset.order_by()
        .values(path_field)
        .annotate(total=Sum(value) if value else Count("pk"))
        .values_list(path_field, "total")
    )
    totals: dict[int, Number] = {pk: 0 for pk in wanted.values()}
    for path, total in groups:
        if not total:
            continue
        for pk in _credited(path, wanted):
            totals[pk] += total
    return totals


def _credited(path: str | None, wanted: dict[str, int]) -> list[int]:
    """The requested organisations on ``path`` (an organisation and all above it)."""
    if not path:
        return []
    credited, prefix = [], ""
    for code in path.split("/")[:-1]:
        prefix += code + "/"
        if prefix in wanted:
            credited.append(wanted[prefix])
    return credited
