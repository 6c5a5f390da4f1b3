"""Reads of the reporting workbench, scoped to the user, in a fixed number of queries."""
from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from apps.core.scoping import org_scope_q

from .models import ExportJob, ReportRound, ReportTask, Submission
from .permissions import can_fill, is_city_office, is_reviewer

S = Submission.Status

# Reports add no indicators of their own: they read everybody else's.
INDICATORS: list = []


def submissions_for_user(user) -> QuerySet[Submission]:
    """A county sees its own organisation's submissions; the city sees all."""
    return (Submission.objects.filter(org_scope_q(user, "organization"))
            .exclude(round__task__status=ReportTask.Status.DRAFT)
            .select_related("round__task", "organization"))


def get_submission_for_user(user, pk: int, *, write: bool = False) -> Submission:
    submission = get_object_or_404(submissions_for_user(user), pk=pk)
    if write and not can_fill(user, submission):
        raise PermissionDenied
    return submission


def get_task_for_user(user, pk: int) -> ReportTask:
    if not is_city_office(user):
        raise PermissionDenied
    return get_object_or_404(ReportTask.objects.select_related("created_by"), pk=pk)


def get_round_for_user(user, pk: int) -> ReportRound:
    if not is_reviewer(user):
        raise PermissionDenied
    return get_object_or_404(ReportRound.objects.select_related("task"), pk=pk)


def get_export_for_user(user, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.select_related("round__task"), pk=pk, requested_by=user)


def timeliness_counts() -> dict:
    """Aggregates over submissions: expected, submitted, on time, late, missing, returned, accepted."""
    return {
        "expected": Count("pk"),
        "submitted": Count("pk", filter=Q(first_submitted_at__isnull=False)),
        "on_time": Count("pk", filter=Q(late=False)),
        "late": Count("pk", filter=Q(late=True)),
        "missing": Count("pk", filter=Q(first_submitted_at__isnull=True)),
        "returned": Count("pk", filter=Q(status=S.RETURNED)),
        "accepted": Count("pk", filter=Q(status=S.ACCEPTED)),
        "awaiting": Count("pk", filter=Q(status=S.SUBMITTED)),
    }


def with_rates(row: dict) -> dict:
    expected = row.get("expected") or 0
    row["submitted_rate"] = round(row["submitted"] * 100 / expected, 1) if expected else 0
    row["on_time_rate"] = round(row["on_time"] * 100 / expected, 1) if expected else 0
    return row


def rounds_with_counts(task: ReportTask) -> QuerySet[ReportRound]:
    """Every round of the task with its counts: one query."""
    counts = {name: Count("submissions", filter=_shift(expr.filter)) if expr.filter is not None
              else Count("submissions") for name, expr in timeliness_counts().items()}
    return task.rounds.annotate(**counts).order_by("-period_start")


def _shift(condition: Q) -> Q:
    """Re-root a Q written for Submission so it applies through ``submissions__``."""
    shifted = Q()
    shifted.connector, shifted.negated = condition.connector, condition.negated
    shifted.children = [
        _shift(child) if isinstance(child, Q) else (f"submissions__{child[0]}", child[1])
        for child in condition.children
    ]
    return shifted


def round_summary(round_: ReportRound) -> dict:
    return with_rates(round_.submissions.aggregate(**timeliness_counts()))


def organization_rates(task: ReportTask) -> list[dict]:
    """Per organisation over every round of a task: counts and on-time rate. One query."""
    rows = (Submission.objects.filter(round__task=task)
            .values("organization_id", "organization__name", "organization__path")
            .annotate(**timeliness_counts()).order_by("organization__path"))
    return [with_rates(dict(row)) for row in rows]


def organization_rates_by_month(task: ReportTask, months: int = 6) -> tuple[list[str], dict[int, list]]:
    """On-time rate of each organisation per month of due date, for the task's last ``months`` months.

    One query; returns the month labels and ``{organisation id: [rate or None per month]}``.
    """
    latest = task.rounds.order_by("-due_date").values_list("due_date", flat=True).first()
    if latest is None:
        return [], {}
    index = latest.year * 12 + latest.month - 1 - (months - 1)
    first = date(index // 12, index % 12 + 1, 1)
    labels = []
    for step in range(months):
        month_index = index + step
        labels.append(f"{month_index // 12}-{month_index % 12 + 1:02d}")
    rows = (Submission.objects.filter(round__task=task, round__due_date__gte=first)
            .annotate(month=TruncMonth("round__due_date"))
            .values("organization_id", "month")
            .annotate(expected=Count("pk"), on_time=Count("pk", filter=Q(late=False))).order_by())
    rates: dict[int, list] = {}
    for row in rows:
        position = labels.index(f"{row['month']:%Y-%m}")
        series = rates.setdefault(row["organization_id"], [None] * months)
        series[position] = round(row["on_time"] * 100 / row["expected"]) if row["expected"] else None
    return labels, rates


def open_submissions_for(user) -> QuerySet[Submission]:
    """The user's organisation's reports still to do (not submitted, or returned)."""
    return submissions_for_user(user).filter(
        organization_id=user.organization_id, status__in=[S.PENDING, S.DRAFT, S.RETURNED],
        round__task__status=ReportTask.Status.ACTIVE,
    )
