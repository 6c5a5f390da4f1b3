"""Census (四经普) import: enterprises matched by credit code, new ones created, a per-row report.

The file is read in chunks inside one transaction: every good row is written, every bad row is
reported with its reason, and if anything unexpected happens nothing at all is kept. Progress is
published through the cache (the transaction hides it from other connections until the end).
"""
from __future__ import annotations

import logging
from itertools import islice

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.models import Enterprise, Organization
from apps.core.outbox import enqueue
from apps.core.params import parse_int
from apps.core.scoping import org_scope_q, scope_root
from apps.core.validators import normalize_credit_code

from ..imports import ImportRefused, Row, read_table
from ..models import CensusImport

log = logging.getLogger(__name__)

COLUMNS = ["企业名称", "统一社会信用代码", "地址", "所在县（市、区）", "行业", "从业人员数"]
MAX_ROWS = 100_000
CHUNK = 1000
REPORT_LIMIT = 2000  # rejected rows kept in the report; the count covers them all
MAX_EMPLOYEES = 1_000_000
UPDATED_FIELDS = ["name", "district", "industry", "address", "employee_count", "size"]


def size_for(employees: int) -> str:
    if employees < 20:
        return Enterprise.Size.MICRO
    if employees < 300:
        return Enterprise.Size.SMALL
    if employees < 1000:
        return Enterprise.Size.MEDIUM
    return Enterprise.Size.LARGE


def progress_key(pk: int) -> str:
    return f"organizing:census:{pk}:rows"


def _district_names(actor) -> dict[str, Organization]:
    """Every way a census row may name a county-level union in the actor's scope."""
    names: dict[str, Organization] = {}
    for county in Organization.objects.filter(org_scope_q(actor), org_type=Organization.Type.COUNTY):
        short = county.name.replace("总工会", "")
        for name in (county.name, short, county.code):
            names[name] = county
    return names


def _all_county_names() -> set[str]:
    names = set()
    for name, code in Organization.objects.filter(org_type=Organization.Type.COUNTY).values_list("name", "code"):
        names.update({name, name.replace("总工会", ""), code})
    return names


def _parse(row: Row, districts: dict[str, Organization], known: set[str]) -> dict:
    """A clean enterprise dict from one row, or ValueError with the reason."""
    if row.error:
        raise ValueError(row.error)
    cells = row.cells
    name = cells["企业名称"]
    if not name:
        raise ValueError("企业名称为空")
    if len(name) > 120:
        raise ValueError("企业名称超过120字")
    try:
        code = normalize_credit_code(cells["统一社会信用代码"])
    except ValidationError as error:
        raise ValueError(f"统一社会信用代码有误：{error.messages[0]}") from None
    district_name = cells["所在县（市、区）"]
    district = districts.get(district_name)
    if district is None:
        if district_name in known:
            raise ValueError(f"“{district_name}”不在本单位管辖范围内")
        raise ValueError(f"未知的县（市、区）：“{district_name[:20]}”")
    raw = cells["从业人员数"].replace(",", "")
    employees = parse_int(raw)
    if employees is None or not 0 <= employees <= MAX_EMPLOYEES:
        raise ValueError("从业人员数应为0到1000000之间的整数")
    industry = cells["行业"] or "未分类"
    if len(industry) > 50 or len(cells["地址"]) > 200:
        raise ValueError("行业或地址过长")
    return {"name": name, "credit_code": code, "district": district, "industry": industry,
            "address": cells["地址"], "employee_count": employees, "size": size_for(employees)}


def _apply_chunk(parsed: list[tuple[int, dict]], *, actor, scope: set[int], report: dict) -> None:
    codes = [data["credit_code"] for _, data in parsed]
    existing = Enterprise.objects.in_bulk(codes, field_name="credit_code")
    to_create, to_update, fields = [], [], set()
    for number, data in parsed:
        found = existing.get(data["credit_code"])
        if found is None:
            to_create.append(Enterprise(**data))
            continue
        if found.district_id not in scope:
            report["rejected"].append((number, data["credit_code"], "该企业已登记在其他县（市、区），无权更新"))
            continue
        changed = False
        for key, value in data.items():
            current = found.district_id if key == "district" else getattr(found, key)
            if current != (value.pk if key == "district" else value):
                setattr(found, key, value)
                fields.add(key)
                changed = True
        if changed:
            to_update.append(found)
        else:
            report["unchanged"] += 1
    Enterprise.objects.bulk_create(to_create, batch_size=CHUNK)
    # Rows the census did not change are not written again; changed ones in modest batches, since
    # each batch is one UPDATE … CASE statement per field.
    if to_update:
        # Only the columns that changed somewhere in this chunk: fewer CASE expressions to build.
        Enterprise.objects.bulk_update(to_update, [f for f in UPDATED_FIELDS if f in fields], batch_size=200)
    report["created"] += len(to_create)
    report["updated"] += len(to_update)


def census_import_run(*, import_id: int) -> CensusImport:
    """Run one census import (called by the task); idempotent: a finished import is left alone."""
    census = CensusImport.objects.select_related("uploaded_by").get(pk=import_id)
    if census.status not in (CensusImport.Status.QUEUED, CensusImport.Status.RUNNING):
        return census
    CensusImport.objects.filter(pk=import_id).update(status=CensusImport.Status.RUNNING)
    actor = census.uploaded_by
    report = {"created": 0, "updated": 0, "unchanged": 0, "rejected": [], "rows": 0}
    rejected_total = 0
    try:
        with transaction.atomic():
            districts = _district_names(actor)
            known = _all_county_names()
            scope = {county.pk for county in districts.values()}
            seen: dict[str, int] = {}
            kind = "csv" if census.original_name.lower().endswith(".csv") else "xlsx"
            with census.file.open("rb") as handle:
                rows = read_table(handle, kind=kind, columns=COLUMNS, max_rows=MAX_ROWS)
                while chunk := list(islice(rows, CHUNK)):
                    parsed = []
                    for row in chunk:
                        try:
                            data = _parse(row, districts, known)
                            first = seen.get(data["credit_code"])
                            if first is not None:
                                raise ValueError(f"统一社会信用代码与第 {first} 行重复")
                            seen[data["credit_code"]] = row.number
                            parsed.append((row.number, data))
                        except ValueError as error:
                            report["rejected"].append((row.number, row.cells.get("统一社会信用代码", "")[:20],
                                                       str(error)))
                    _apply_chunk(parsed, actor=actor, scope=scope, report=report)
                    report["rows"] += len(chunk)
                    rejected_total += len(report["rejected"])
                    census.rejected_rows.extend(
                        {"row": n, "code": c, "reason": r} for n, c, r in report["rejected"]
                        if len(census.rejected_rows) < REPORT_LIMIT)
                    report["rejected"] = []
                    cache.set(progress_key(import_id), report["rows"], 3600)
    except ImportRefused as error:
        return _finish(census, status=CensusImport.Status.FAILED, error=str(error))
    except Exception:
        log.exception("census import %s failed", import_id)
        return _finish(census, status=CensusImport.Status.FAILED,
                       error="导入时发生错误，未导入任何数据，请联系管理员。")
    census.rows_total, census.created_count = report["rows"], report["created"]
    census.updated_count, census.rejected_count = report["updated"], rejected_total
    census.unchanged_count = report["unchanged"]
    census.rejected_rows = census.rejected_rows[:REPORT_LIMIT]
    finished = _finish(census, status=CensusImport.Status.DONE)
    audit_record(actor=actor, action="organizing.census.imported", target=finished,
                 after={"created": finished.created_count, "updated": finished.updated_count,
                        "unchanged": finished.unchanged_count,
                        "rejected": finished.rejected_count}, organization=finished.organization)
    return finished


def _finish(census: CensusImport, *, status: str, error: str = "") -> CensusImport:
    census.status, census.error, census.finished_at = status, error[:300], timezone.now()
    if status == CensusImport.Status.FAILED:
        census.created_count = census.updated_count = census.rejected_count = census.unchanged_count = 0
        census.rejected_rows = []
    census.save()
    return census


@transaction.atomic
def census_import_create(*, actor, uploaded) -> CensusImport:
    """Keep the uploaded file and queue its import in the background."""
    from ..tasks import run_census_import

    census = CensusImport(original_name=(uploaded.name or "census")[:200], organization=scope_root(actor),
                          uploaded_by=actor)
    census.file.save(uploaded.name or "census.xlsx", uploaded, save=False)
    census.save()
    audit_record(actor=actor, action="organizing.census.uploaded", target=census)
    enqueue(run_census_import, census.pk)
    return census
