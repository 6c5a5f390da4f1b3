"""Demonstration report tasks: a closed one-off task (with late and returned submissions), a weekly
task with several rounds, and a monthly task open now with some districts missing."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.core import indicators as core_indicators

from . import schema
from .models import ReportField, ReportRound, ReportTask, Submission, SubmissionVersion, ValidationRule
from .services import expected_organizations, planned_periods

ONE_OFF = "复工复产落实情况专项报告（第一阶段）"
WEEKLY = "复工复产工作周报"
MONTHLY = "帮扶助企工作月报"


# Numbers the portal already knows are indicator fields, never typed again by every district.
DEMO_INDICATORS = [
    "recruitment.seekers_registered", "recruitment.posts_published", "recruitment.applications",
    "recruitment.hires", "recruitment.direct_hires", "recruitment.direct_match_rate",
    "training.enrollments", "training.quiz_participants",
]
HIRES_FIELD = "recruitment_hires"


def _fields(task: ReportTask) -> list[ReportField]:
    registry = core_indicators.all_indicators()
    installed = [registry[key] for key in DEMO_INDICATORS if key in registry]
    rows = [ReportField(task=task, key=indicator.key.replace(".", "_")[:40], label=indicator.label,
                        kind=ReportField.Kind.INDICATOR, indicator_key=indicator.key, group="平台指标",
                        required=False, order=index)
            for index, indicator in enumerate(installed)]
    order = len(rows)
    # Typed numbers are only what the portal cannot know: offline work.
    rows += [
        ReportField(task=task, key="visits", label="走访慰问困难职工（户）", kind=ReportField.Kind.NUMBER,
                    group="帮扶慰问", order=order + 1),
        ReportField(task=task, key="relief_funds", label="发放帮扶资金（万元）", kind=ReportField.Kind.NUMBER,
                    group="帮扶慰问", order=order + 2),
        ReportField(task=task, key="hired_total", label="达成就业总人数（含线下招聘会，人）",
                    kind=ReportField.Kind.NUMBER, group="就业服务", order=order + 3,
                    help_text="平台撮合的人数已自动计算，这里填平台与线下合计"),
        ReportField(task=task, key="progress", label="总体进展", kind=ReportField.Kind.CHOICE,
                    choices="按计划推进\n部分滞后\n严重滞后", group="工作情况", order=order + 4),
        ReportField(task=task, key="narrative", label="工作开展情况", kind=ReportField.Kind.TEXT, group="工作情况",
                    order=order + 5),
        ReportField(task=task, key="attachment", label="相关材料", kind=ReportField.Kind.FILE, group="工作情况",
                    required=False, order=order + 6),
    ]
    ReportField.objects.bulk_create(rows)
    if any(row.key == HIRES_FIELD for row in rows):
        ValidationRule.objects.create(task=task, left="hired_total", operator=ValidationRule.Operator.GE,
                                      right=HIRES_FIELD, message="达成就业总人数不能少于平台记录的达成就业人数。")
    return list(task.fields.all())


def _report_day(story: str, start, end, due, grace_days: int, today, rng):
    """The day a report of this story was handed in: after its period, never after today; else None."""
    if story not in ("on_time", "late", "returned", "returned_then_accepted", "awaiting") or end >= today:
        return None
    if story == "late":
        day = due + timedelta(days=grace_days + rng.randint(1, 4))
    else:
        day = due - timedelta(days=rng.randint(0, 3))
    day = max(day, end + timedelta(days=1))
    # Never today: a report "sent at 10:00 today" would lie in the future just after midnight.
    if day >= today or (story == "late" and day <= due + timedelta(days=grace_days)):
        return None
    return day


def _past(moment):
    """Demonstration events never lie in the future."""
    return min(moment, timezone.now())


def _at(day, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour, 15)))


def _task(title, creator, **kwargs) -> ReportTask:
    task = ReportTask.objects.create(title=title, created_by=creator, status=ReportTask.Status.ACTIVE,
                                     published_at=timezone.now(), **kwargs)
    return task


def _fill(task: ReportTask, fields, organizations, today, rng, creator, officers, *, outcomes) -> None:
    """Create rounds and submissions; ``outcomes(round, index)`` picks each organisation's story."""
    live_cache = {}
    versions = []
    for start, end, due in planned_periods(task, today):
        round_ = ReportRound.objects.create(task=task, period_start=start, period_end=end, due_date=due,
                                            grace_days=task.grace_days,
                                            lock_date=due + timedelta(days=task.lock_after_days)
                                            if task.lock_after_days is not None else None)
        key = (start, end)
        if key not in live_cache:
            live_cache[key] = schema.live_indicator_values(fields, organizations, start, end)
        submissions = []
        for index, org in enumerate(organizations):
            story = outcomes(round_, index)
            platform_hires = int(live_cache[key][org.pk].get(HIRES_FIELD) or 0)
            values = {"visits": rng.randint(5, 60), "relief_funds": rng.randint(2, 40),
                      "hired_total": platform_hires + rng.randint(0, 40),
                      "progress": rng.choice(["按计划推进", "按计划推进", "部分滞后"]),
                      "narrative": f"{org.name.replace('总工会', '')}工会组织线上招聘、职工培训和帮扶慰问，"
                                   "推动企业有序复工复产。"}
            submission = Submission(round=round_, organization=org, status=Submission.Status.PENDING)
            day = _report_day(story, start, end, due, task.grace_days, today, rng)
            if day is None and story != "draft":
                story = "missing"  # a period not over yet, or a late report whose day has not come
            if day is not None:
                when = _at(day, 16 if story == "late" else 10)
                submission.values, submission.indicator_values = values, live_cache[key][org.pk]
                submission.first_submitted_at = submission.submitted_at = when
                submission.late = story == "late"
                submission.version_count = 2 if story == "returned_then_accepted" else 1
                submission.status = {"returned": Submission.Status.RETURNED,
                                     "awaiting": Submission.Status.SUBMITTED}.get(story, Submission.Status.ACCEPTED)
                if submission.status == Submission.Status.ACCEPTED:
                    submission.accepted_at = _past(when + timedelta(days=1))
            elif story == "draft":
                submission.status, submission.values = Submission.Status.DRAFT, {"narrative": values["narrative"]}
            submission._story = story
            submissions.append(submission)
        Submission.objects.bulk_create(submissions)
        for submission in submissions:
            if submission.first_submitted_at is None:
                continue
            officer = officers.get(submission.organization_id)
            first = SubmissionVersion(submission=submission, number=1, values=submission.values,
                                      indicator_values=submission.indicator_values, submitted_by_id=officer,
                                      submitted_at=submission.first_submitted_at)
            if submission._story in ("returned", "returned_then_accepted"):
                first.values = {**submission.values, "relief_funds": submission.values["relief_funds"] * 10}
                first.decision = SubmissionVersion.Decision.RETURNED
                first.comment = "帮扶资金单位应为万元，请核实后重报。"
                first.reviewed_by = creator
                first.reviewed_at = _past(submission.first_submitted_at + timedelta(hours=20))
            elif submission.status == Submission.Status.ACCEPTED:
                first.decision, first.reviewed_by = SubmissionVersion.Decision.ACCEPTED, creator
                first.reviewed_at = submission.accepted_at
            versions.append(first)
            if submission._story == "returned_then_accepted":
                versions.append(SubmissionVersion(
                    submission=submission, number=2, values=submission.values,
                    indicator_values=submission.indicator_values, submitted_by_id=officer,
                    submitted_at=_past(submission.first_submitted_at + timedelta(hours=22)),
                    decision=SubmissionVersion.Decision.ACCEPTED, reviewed_by=creator,
                    reviewed_at=submission.accepted_at))
    SubmissionVersion.objects.bulk_create(versions)


def seed(stdout=None) -> None:
    if ReportTask.objects.filter(title__in=[ONE_OFF, WEEKLY, MONTHLY]).exists():
        if stdout:
            stdout.write(f"  报告任务 {ReportTask.objects.count()} 个（已存在）")
        return
    user_model = get_user_model()
    creator = user_model.objects.filter(username="city_office").first()
    today = timezone.localdate()
    rng = random.Random(2026)

    one_off = _task(ONE_OFF, creator, instructions="请各县（市、区）总工会报告复工复产第一阶段落实情况，附相关材料。",
                    audience=ReportTask.Audience.COUNTIES, period=ReportTask.Period.ONCE,
                    start_date=today - timedelta(days=75), end_date=today - timedelta(days=45),
                    due_date=today - timedelta(days=40), grace_days=1, lock_after_days=10)
    organizations = list(expected_organizations(one_off))
    officers = dict(user_model.objects.filter(organization__in=organizations).values_list("organization_id", "pk"))
    fields = _fields(one_off)
    one_off_stories = ["on_time", "late", "returned_then_accepted", "on_time", "returned", "late", "on_time",
                       "missing", "on_time", "on_time", "late"]
    _fill(one_off, fields, organizations, today, rng, creator, officers,
          outcomes=lambda round_, i: one_off_stories[i % len(one_off_stories)])
    one_off.status = ReportTask.Status.CLOSED
    one_off.save(update_fields=["status"])

    weekly = _task(WEEKLY, creator, instructions="每周一报送上周工作进展。", audience=ReportTask.Audience.COUNTIES,
                   period=ReportTask.Period.WEEKLY, start_date=today - timedelta(days=today.weekday() + 7 * 6),
                   due_days_after=1, grace_days=0, remind_days_before=1)
    fields = _fields(weekly)

    def weekly_story(round_, i):
        if round_.period_end >= today:
            return "draft" if i % 3 == 0 else "missing"
        if round_.due_date >= today:
            return rng.choice(["awaiting", "draft", "missing"])
        return rng.choices(["on_time", "late", "missing", "awaiting"], weights=[70, 15, 10, 5])[0]

    _fill(weekly, fields, organizations, today, rng, creator, officers, outcomes=weekly_story)

    # Three months back to now: finished months are reported (the last one still partly under review),
    # the month in progress is at most a draft; nothing due later is shown as reported.
    first_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    first_month = (first_month - timedelta(days=1)).replace(day=1)
    monthly = _task(MONTHLY, creator, instructions="每月结束后 5 日内报送本月帮扶助企工作情况。",
                    audience=ReportTask.Audience.COUNTIES_AND_INDUSTRIES, period=ReportTask.Period.MONTHLY,
                    start_date=first_month, due_days_after=5, grace_days=1, lock_after_days=15)
    fields = _fields(monthly)
    monthly_orgs = list(expected_organizations(monthly))
    open_stories = ["draft", "missing", "missing"]
    due_stories = ["awaiting", "missing", "draft", "awaiting", "missing"]

    def monthly_story(round_, i):
        if round_.period_end >= today:
            return open_stories[i % len(open_stories)]
        if round_.due_date >= today:
            return due_stories[i % len(due_stories)]
        return rng.choices(["on_time", "late", "missing"], weights=[80, 15, 5])[0]

    _fill(monthly, fields, monthly_orgs, today, rng, creator, officers, outcomes=monthly_story)
    if stdout:
        stdout.write(f"  报告任务 3 个，轮次 {ReportRound.objects.count()} 个，报告 {Submission.objects.count()} 份")
