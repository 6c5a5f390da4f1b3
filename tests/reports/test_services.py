from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core import indicators as core_indicators
from apps.core.models import AuditLog
from apps.notifications.models import Notification
from apps.reports import services
from apps.reports.models import ReportRound, ReportTask, Submission, SubmissionVersion

from .factories import GOOD_VALUES, make_task

pytestmark = pytest.mark.django_db


def _submission(task, org) -> Submission:
    return Submission.objects.get(round__task=task, organization=org)


def _at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


# --- tasks and rounds ----------------------------------------------------------------------------

def test_publishing_a_one_off_task_expects_every_county(city_staff, org_tree):
    task = make_task(city_staff)
    assert task.status == ReportTask.Status.ACTIVE
    round_ = task.rounds.get()
    expected = set(round_.submissions.values_list("organization__code", flat=True))
    assert expected == {"410821", "410822"}  # counties only, not the industry union or grassroots
    assert round_.submissions.filter(status=Submission.Status.PENDING).count() == 2


def test_chosen_audience_expects_only_the_chosen_organisations(city_staff, org_tree):
    task = make_task(city_staff, audience=ReportTask.Audience.CHOSEN, chosen_organizations=[org_tree.industry])
    assert list(task.rounds.get().submissions.values_list("organization", flat=True)) == [org_tree.industry.pk]


def test_chosen_audience_without_organisations_is_refused(city_staff, org_tree):
    with pytest.raises(ValidationError) as error:
        make_task(city_staff, audience=ReportTask.Audience.CHOSEN)
    assert "chosen_organizations" in error.value.error_dict


def test_one_off_task_without_due_date_is_refused(city_staff, org_tree):
    with pytest.raises(ValidationError) as error:
        make_task(city_staff, due_date=None)
    assert "due_date" in error.value.error_dict
    assert not ReportTask.objects.exists()


def test_county_staff_cannot_create_tasks(xiuwu_staff, org_tree):
    with pytest.raises(PermissionDenied):
        make_task(xiuwu_staff)


def test_weekly_task_opens_one_round_per_week_begun_and_again_idempotently(city_staff, org_tree):
    today = date(2026, 3, 30)
    task = make_task(city_staff, period=ReportTask.Period.WEEKLY, start_date=date(2026, 3, 2), end_date=None,
                     due_date=None, due_days_after=2, today=today)
    rounds = list(task.rounds.order_by("period_start"))
    assert [r.period_start for r in rounds] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16),
                                               date(2026, 3, 23), date(2026, 3, 30)]
    assert rounds[0].period_end == date(2026, 3, 8) and rounds[0].due_date == date(2026, 3, 10)
    assert services.rounds_ensure(task=task, today=today) == []
    assert Submission.objects.filter(round__task=task).count() == 5 * 2
    created = services.rounds_ensure(task=task, today=today + timedelta(days=7))
    assert len(created) == 1


def test_monthly_task_periods_follow_calendar_months(city_staff, org_tree):
    task = make_task(city_staff, period=ReportTask.Period.MONTHLY, start_date=date(2026, 1, 15), end_date=None,
                     due_date=None, due_days_after=5, lock_after_days=10, today=date(2026, 3, 2))
    rounds = list(task.rounds.order_by("period_start"))
    assert [(r.period_start, r.period_end) for r in rounds] == [
        (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31))]
    assert rounds[1].due_date == date(2026, 3, 5) and rounds[1].lock_date == date(2026, 3, 15)


def test_published_task_form_cannot_change(city_staff, org_tree):
    task = make_task(city_staff)
    with pytest.raises(ValidationError):
        services.field_add(actor=city_staff, task=task, data={"label": "新增", "kind": "number"})


def test_indicator_field_must_name_an_installed_indicator(city_staff, org_tree):
    task = make_task(city_staff, publish=False, fields=[], rules=[])
    with pytest.raises(ValidationError):
        services.field_add(actor=city_staff, task=task,
                           data={"label": "岗位", "kind": "indicator", "indicator_key": "recruitment.nothing"})


def test_rule_between_text_fields_is_refused(city_staff, org_tree):
    task = make_task(city_staff, publish=False, rules=[])
    with pytest.raises(ValidationError):
        services.rule_add(actor=city_staff, task=task, left="narrative", operator="le", right="hired", message="x")


# --- submissions ---------------------------------------------------------------------------------

def test_draft_keeps_values_without_checking_required_fields(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_save_draft(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                                values={"applications": 10})
    assert submission.status == Submission.Status.DRAFT
    assert submission.values == {"applications": 10}
    assert submission.version_count == 0


def test_submit_snapshots_indicators_and_later_data_does_not_rewrite_them(
        city_staff, xiuwu_staff, org_tree, test_indicator):
    test_indicator[org_tree.xiuwu.pk] = 7
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    test_indicator[org_tree.xiuwu.pk] = 99
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.indicator_values == {"hires": 7}
    version = submission.versions.get()
    assert version.number == 1 and version.indicator_values == {"hires": 7}
    assert version.values["hired"] == 30
    assert AuditLog.objects.filter(action="reports.submission.submitted", target_id=str(submission.pk)).exists()


def test_core_indicator_counts_the_organisations_subtree(city_staff, xiuwu_staff, org_tree, xiuwu_enterprise):
    task = make_task(city_staff, fields=[
        {"key": "new_enterprises", "label": "新登记企业", "kind": "indicator",
         "indicator_key": "core.enterprises_registered"},
        {"key": "narrative", "label": "情况", "kind": "text"}], rules=[])
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values={"narrative": "好"})
    assert submission.indicator_values == {"new_enterprises": 1}


def test_indicator_no_longer_installed_is_stored_as_unavailable(city_staff, xiuwu_staff, org_tree, monkeypatch):
    task = make_task(city_staff)
    real_core_only = {k: v for k, v in core_indicators.all_indicators().items() if k.startswith("core.")}
    monkeypatch.setattr(core_indicators, "all_indicators", lambda: real_core_only)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    assert submission.indicator_values == {"hires": None}


def test_rule_violation_names_both_fields_and_saves_nothing(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    with pytest.raises(ValidationError) as error:
        services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                   values={**GOOD_VALUES, "hired": 500})
    assert set(error.value.error_dict) == {"hired", "applications"}
    assert "达成就业人数不能多于求职申请人次。" in error.value.messages
    submission = _submission(task, org_tree.xiuwu)
    assert submission.status == Submission.Status.PENDING and submission.values == {}
    assert not SubmissionVersion.objects.exists()


def test_rule_can_compare_a_number_with_an_indicator(city_staff, xiuwu_staff, org_tree, test_indicator):
    test_indicator[org_tree.xiuwu.pk] = 10
    task = make_task(city_staff, rules=[{"left": "hired", "operator": "ge", "right": "hires",
                                         "message": "达成就业人数应不少于平台撮合人数。"}])
    with pytest.raises(ValidationError) as error:
        services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                   values={**GOOD_VALUES, "hired": 3})
    assert "hired" in error.value.error_dict


@pytest.mark.parametrize("bad", ["-5", "很多", "NaN"])
def test_number_field_refuses_text_and_negative_values(city_staff, xiuwu_staff, org_tree, bad):
    task = make_task(city_staff)
    with pytest.raises(ValidationError) as error:
        services.submission_save_draft(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                       values={"applications": bad})
    assert "applications" in error.value.error_dict
    assert _submission(task, org_tree.xiuwu).values == {}


def test_negative_value_allowed_where_the_field_says_so(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff, fields=[{"key": "change", "label": "较上期增减", "kind": "number",
                                          "allow_negative": True}], rules=[])
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values={"change": "-3.5"})
    assert submission.values == {"change": "-3.5"}


def test_missing_required_field_is_refused(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    with pytest.raises(ValidationError) as error:
        services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                   values={"applications": 5})
    assert {"hired", "narrative"} <= set(error.value.error_dict)


def test_submission_within_grace_days_is_on_time_and_after_is_late(city_staff, xiuwu_staff, boai_staff, org_tree):
    task = make_task(city_staff, grace_days=1)
    due = task.rounds.get().due_date
    on_time = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                         values=GOOD_VALUES, now=_at(due + timedelta(days=1), 23))
    late = services.submission_submit(actor=boai_staff, submission=_submission(task, org_tree.boai),
                                      values=GOOD_VALUES, now=_at(due + timedelta(days=2), 8))
    assert on_time.late is False and late.late is True


def test_other_districts_staff_cannot_fill_in(city_staff, boai_staff, org_tree):
    task = make_task(city_staff)
    with pytest.raises(PermissionDenied):
        services.submission_submit(actor=boai_staff, submission=_submission(task, org_tree.xiuwu), values=GOOD_VALUES)


def test_city_office_cannot_fill_in_for_a_district(city_staff, org_tree):
    task = make_task(city_staff)
    with pytest.raises(PermissionDenied):
        services.submission_save_draft(actor=city_staff, submission=_submission(task, org_tree.xiuwu), values={})


def test_return_requires_a_comment_then_resubmission_makes_a_second_version(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    with pytest.raises(ValidationError):
        services.submission_return(actor=city_staff, submission=submission, comment="  ")
    services.submission_return(actor=city_staff, submission=submission, comment="请补充招聘会场次。")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    first_time = submission.first_submitted_at
    services.submission_submit(actor=xiuwu_staff, submission=submission,
                               values={**GOOD_VALUES, "narrative": "开展线上招聘会三场。"})
    submission.refresh_from_db()
    versions = list(submission.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].decision == "returned" and versions[0].comment == "请补充招聘会场次。"
    assert versions[0].values["narrative"] == "开展线上招聘会两场。"
    assert versions[1].values["narrative"] == "开展线上招聘会三场。"
    assert submission.first_submitted_at == first_time  # timeliness counts the first submission


def test_accepted_submission_is_locked_until_reopened(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    services.submission_accept(actor=city_staff, submission=submission)
    with pytest.raises(ValidationError):
        services.submission_save_draft(actor=xiuwu_staff, submission=submission, values={"applications": 1})
    with pytest.raises(ValidationError):
        services.submission_submit(actor=xiuwu_staff, submission=submission, values=GOOD_VALUES)
    services.submission_reopen(actor=city_staff, submission=submission, comment="数据口径调整，请更新。")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED and submission.accepted_at is None
    services.submission_submit(actor=xiuwu_staff, submission=submission, values=GOOD_VALUES)
    assert submission.versions.count() == 2


def test_second_acceptance_is_refused_and_writes_nothing_twice(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    services.submission_accept(actor=city_staff, submission=submission)
    with pytest.raises(ValidationError):
        services.submission_accept(actor=city_staff, submission=submission)
    assert AuditLog.objects.filter(action="reports.submission.accepted").count() == 1


def test_county_staff_cannot_review(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    with pytest.raises(PermissionDenied):
        services.submission_accept(actor=xiuwu_staff, submission=submission)


def test_locked_round_refuses_new_submissions_but_accepts_returned_ones(city_staff, xiuwu_staff, boai_staff,
                                                                        org_tree):
    task = make_task(city_staff, lock_after_days=2)
    round_ = task.rounds.get()
    after_lock = _at(round_.lock_date + timedelta(days=1))
    returned = services.submission_submit(actor=boai_staff, submission=_submission(task, org_tree.boai),
                                          values=GOOD_VALUES)
    services.submission_return(actor=city_staff, submission=returned, comment="请更正。")
    with pytest.raises(ValidationError):
        services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                   values=GOOD_VALUES, now=after_lock)
    services.submission_submit(actor=boai_staff, submission=returned, values=GOOD_VALUES, now=after_lock)


def test_file_field_keeps_the_file_of_each_version(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff, fields=[{"key": "material", "label": "材料", "kind": "file"}], rules=[])
    submission = _submission(task, org_tree.xiuwu)
    first = SimpleUploadedFile("a.pdf", b"%PDF-1.4 first", content_type="application/pdf")
    services.submission_submit(actor=xiuwu_staff, submission=submission, values={}, files={"material": first})
    services.submission_return(actor=city_staff, submission=submission, comment="换一份。")
    second = SimpleUploadedFile("b.pdf", b"%PDF-1.4 second", content_type="application/pdf")
    services.submission_submit(actor=xiuwu_staff, submission=submission, values={}, files={"material": second})
    ids = [v.values["material"] for v in submission.versions.order_by("number")]
    assert len(set(ids)) == 2
    assert submission.files.get(pk=ids[0]).file.read() == b"%PDF-1.4 first"


# --- reminders -----------------------------------------------------------------------------------

def test_reminders_go_to_missing_organisations_before_on_and_after_the_due_date(
        city_staff, xiuwu_staff, boai_staff, org_tree, django_capture_on_commit_callbacks):
    task = make_task(city_staff, remind_days_before=2)
    round_ = task.rounds.get()
    services.submission_submit(actor=boai_staff, submission=_submission(task, org_tree.boai), values=GOOD_VALUES)
    Notification.objects.all().delete()
    for offset in (-2, 0, 1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            services.reminders_send(today=round_.due_date + timedelta(days=offset))
    titles = list(Notification.objects.filter(recipient=xiuwu_staff).values_list("title", flat=True))
    assert len(titles) == 4
    assert any("今天截止" in t for t in titles) and any("逾期 2 天" in t for t in titles)
    assert not Notification.objects.filter(recipient=boai_staff).exists()
    assert Notification.objects.filter(recipient=city_staff, title__contains="催报情况").count() == 4


def test_reminders_are_not_sent_twice_on_the_same_day(city_staff, xiuwu_staff, org_tree,
                                                      django_capture_on_commit_callbacks):
    task = make_task(city_staff)
    due = task.rounds.get().due_date
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.reminders_send(today=due)
    assert Notification.objects.filter(recipient=xiuwu_staff, title__contains="今天截止").count() == 1


def test_no_reminder_on_days_between(city_staff, xiuwu_staff, org_tree, django_capture_on_commit_callbacks):
    task = make_task(city_staff, remind_days_before=2, due_date=timezone.localdate() + timedelta(days=5))
    due = task.rounds.get().due_date
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=due - timedelta(days=1)) == {"organizations": 0, "summaries": 0}


def test_rounds_create_due_skips_one_off_and_draft_tasks(city_staff, org_tree):
    make_task(city_staff)
    make_task(city_staff, title="草稿", period=ReportTask.Period.WEEKLY, publish=False)
    assert services.rounds_create_due(today=timezone.localdate()) == 0
    assert ReportRound.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_record_one_decision(city_staff, xiuwu_staff, org_tree):
    import threading

    from django.db import connection

    from tests.conftest import require_postgres

    require_postgres()
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    outcomes, barrier = [], threading.Barrier(2)

    def accept():
        barrier.wait()
        try:
            services.submission_accept(actor=city_staff, submission=submission)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert AuditLog.objects.filter(action="reports.submission.accepted").count() == 1


def test_closed_task_refuses_new_submissions(city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    services.task_close(actor=city_staff, task=task)
    with pytest.raises(ValidationError):
        services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                   values=GOOD_VALUES)


def test_deleting_a_rule_of_a_draft_is_audited(city_staff, org_tree):
    task = make_task(city_staff, publish=False)
    rule = task.rules.first()
    services.rule_delete(actor=city_staff, rule=rule)
    assert not task.rules.filter(pk=rule.pk).exists()
    assert AuditLog.objects.filter(action="reports.rule.deleted", target_id=str(task.pk)).exists()
