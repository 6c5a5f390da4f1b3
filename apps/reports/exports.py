"""Excel exports: small tables straight to the browser, a whole round in the background.

Every workbook goes through apps.core.spreadsheets.SafeWorkbook: openpyxl's write-only mode
streams rows to temporary files, so memory stays flat whatever the number of submissions, and
text a filler typed (``=...``, ``+...``) reaches Excel as text, never as a formula.
"""
from __future__ import annotations

import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from apps.core.spreadsheets import SafeWorkbook

from .models import ExportJob, ReportField, Submission, SubmissionFile

PROGRESS_EVERY = 25


def _cell_value(field: ReportField, submission: Submission, file_names: dict[int, str]):
    if field.kind == ReportField.Kind.INDICATOR:
        if submission.first_submitted_at is None:
            return None
        value = submission.indicator_values.get(field.key)
        return "不可用" if value is None else _number(value)
    value = submission.values.get(field.key)
    if value in (None, ""):
        return None
    if field.kind == ReportField.Kind.NUMBER:
        return _number(value)
    if field.kind == ReportField.Kind.FILE:
        return f"附件：{file_names.get(value, value)}"
    return str(value)


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def write_round_workbook(round_, handle, *, on_progress=None) -> int:
    """Write every submission of a round: a summary sheet, then one sheet per field group."""
    fields = list(round_.task.fields.all())
    groups: dict[str, list[ReportField]] = {}
    for field in fields:
        groups.setdefault(field.group or "填报内容", []).append(field)
    workbook = SafeWorkbook()
    summary = workbook.sheet("报送情况")
    summary.header(["单位", "状态", "首次报送时间", "是否按时", "版本数", "通过时间"])
    sheets = {}
    for name, group_fields in groups.items():
        sheet = workbook.sheet(name or "填报内容")
        sheet.header(["单位"] + [f"{f.label}" for f in group_fields])
        sheets[name] = sheet
    file_names = dict(SubmissionFile.objects.filter(submission__round=round_).values_list("pk", "original_name"))
    submissions = (round_.submissions.select_related("organization").order_by("organization__path")
                   .iterator(chunk_size=200))
    done = 0
    tz = timezone.get_current_timezone()
    for submission in submissions:
        first = submission.first_submitted_at
        summary.append([
            submission.organization.name, submission.get_status_display(),
            first.astimezone(tz).strftime("%Y-%m-%d %H:%M") if first else None,
            None if submission.late is None else ("逾期" if submission.late else "按时"),
            submission.version_count,
            submission.accepted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if submission.accepted_at else None,
        ])
        for name, group_fields in groups.items():
            sheets[name].append([submission.organization.name]
                                + [_cell_value(f, submission, file_names) for f in group_fields])
        done += 1
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done)
    workbook.save(handle)
    return done


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the round's workbook into the private storage; safe to run again."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("round__task").get(pk=job_id)
        if job.status == ExportJob.Status.DONE:
            return job
        job.status = ExportJob.Status.RUNNING
        job.total = job.round.submissions.count()
        job.save(update_fields=["status", "total"])

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=done)

    try:
        with tempfile.TemporaryFile() as handle:
            written = write_round_workbook(job.round, handle, on_progress=progress)
            handle.seek(0)
            job.file.save(f"round-{job.round_id}.xlsx", File(handle), save=False)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(error)[:300],
                                                   finished_at=timezone.now())
        raise
    job.status, job.progress, job.finished_at = ExportJob.Status.DONE, written, timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])
    return job
