"""Report tasks built through the services, as the city office would, plus a registrable test indicator."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.core import indicators as core_indicators
from apps.core.indicators import Indicator
from apps.reports import services
from apps.reports.models import ReportTask

# Values of the test indicator, per organisation pk; tests change them to move "live data".
LIVE_HIRES: dict[int, int] = {}


def _hires(organizations, start, end):
    return {org.pk: LIVE_HIRES.get(org.pk, 0) for org in organizations}


TEST_INDICATOR = Indicator(key="testapp.hires", label="撮合就业人数", unit="人", compute=_hires,
                           link=lambda org, start, end: f"/jobs/?org={org.pk}")


def install_test_indicator(monkeypatch) -> None:
    real = core_indicators.all_indicators
    monkeypatch.setattr(core_indicators, "all_indicators", lambda: {**real(), TEST_INDICATOR.key: TEST_INDICATOR})


def make_task(actor, *, title="复工复产落实情况", period=ReportTask.Period.ONCE, publish=True, fields=None,
              rules=None, today=None, **overrides) -> ReportTask:
    """A task with a number pair (applications, hired), a narrative and the test indicator by default."""
    today = today or timezone.localdate()
    data = {"title": title, "instructions": "请如实填报。", "audience": ReportTask.Audience.COUNTIES,
            "period": period, "start_date": today - timedelta(days=10), "end_date": today,
            "due_date": today + timedelta(days=3), "grace_days": 1, "due_days_after": 2}
    data.update(overrides)
    task = services.task_create(actor=actor, data=data)
    for field in fields if fields is not None else [
        {"key": "applications", "label": "求职申请人次", "kind": "number", "group": "就业"},
        {"key": "hired", "label": "线下招聘会达成就业人数", "kind": "number", "group": "就业"},
        {"key": "narrative", "label": "工作开展情况", "kind": "text", "group": "情况"},
        {"key": "hires", "label": "撮合就业人数（平台）", "kind": "indicator", "indicator_key": "testapp.hires",
         "group": "平台指标"},
    ]:
        services.field_add(actor=actor, task=task, data=field)
    for rule in rules if rules is not None else [
        {"left": "hired", "operator": "le", "right": "applications", "message": "达成就业人数不能多于求职申请人次。"},
    ]:
        services.rule_add(actor=actor, task=task, **rule)
    if publish:
        services.task_publish(actor=actor, task=task, today=today)
    task.refresh_from_db()
    return task


GOOD_VALUES = {"applications": 120, "hired": 30, "narrative": "开展线上招聘会两场。"}
