"""Census import: template, matching by credit code, per-row report, nothing half-imported."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.core.demo import credit_code_for
from apps.core.models import Enterprise
from apps.organizing import services
from apps.organizing.models import CensusImport
from apps.organizing.services.census import COLUMNS
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def xlsx(rows, header=COLUMNS, name="census.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows, encoding="utf-8-sig", header=COLUMNS):
    text = "\n".join(",".join(str(c) for c in line) for line in [header, *rows])
    return SimpleUploadedFile("census.csv", text.encode(encoding))


def row(seed, district="修武县", employees=40, name=None):
    return [name or f"焦作普查企业{seed}有限公司", credit_code_for(seed), "人民路1号", district, "制造业", employees]


def run(actor, uploaded, capture):
    with capture(execute=True):
        census = services.census_import_create(actor=actor, uploaded=uploaded)
    census.refresh_from_db()
    return census


def test_good_rows_created_and_existing_updated(xiuwu_staff, org_tree, django_capture_on_commit_callbacks):
    existing = EnterpriseFactory(credit_code=credit_code_for(101), district=org_tree.xiuwu, employee_count=5)
    same = EnterpriseFactory(credit_code=credit_code_for(104), district=org_tree.xiuwu, name="焦作普查企业104有限公司",
                             address="人民路1号", industry="制造业", employee_count=40, size="small")
    census = run(xiuwu_staff, xlsx([row(101, employees=88), row(102), row(103, district="410821"), row(104)]),
                 django_capture_on_commit_callbacks)
    assert census.status == "done"
    assert (census.created_count, census.updated_count, census.rejected_count) == (2, 1, 0)
    assert census.unchanged_count == 1 and Enterprise.objects.get(pk=same.pk).name == same.name
    existing.refresh_from_db()
    assert existing.employee_count == 88 and existing.size == "small"
    assert Enterprise.objects.get(credit_code=credit_code_for(102)).has_union is False


def test_bad_rows_are_reported_with_reasons(xiuwu_staff, org_tree, django_capture_on_commit_callbacks):
    bad_code = row(201)
    bad_code[1] = bad_code[1][:-1] + ("0" if bad_code[1][-1] != "0" else "1")
    nameless = row(205)
    nameless[0] = ""
    rows = [row(200), bad_code, row(202, district="火星区"), row(203, district="博爱县"), row(200),
            row(204, employees="很多"), nameless]
    census = run(xiuwu_staff, xlsx(rows), django_capture_on_commit_callbacks)
    assert census.created_count == 1 and census.rejected_count == 6
    reasons = {r["row"]: r["reason"] for r in census.rejected_rows}
    assert "统一社会信用代码" in reasons[3]
    assert "未知的县" in reasons[4]
    assert "管辖范围" in reasons[5]
    assert "重复" in reasons[6]
    assert "从业人员数" in reasons[7]
    assert "企业名称" in reasons[8]


def test_existing_enterprise_of_another_district_is_not_updated(xiuwu_staff, org_tree,
                                                               django_capture_on_commit_callbacks):
    other = EnterpriseFactory(credit_code=credit_code_for(301), district=org_tree.boai, name="博爱原名")
    census = run(xiuwu_staff, xlsx([row(301)]), django_capture_on_commit_callbacks)
    assert census.rejected_count == 1
    other.refresh_from_db()
    assert other.name == "博爱原名"


def test_missing_column_refuses_the_whole_file(xiuwu_staff, django_capture_on_commit_callbacks):
    census = run(xiuwu_staff, xlsx([row(400)[:-1]], header=COLUMNS[:-1]), django_capture_on_commit_callbacks)
    assert census.status == "failed" and "从业人员数" in census.error
    assert not Enterprise.objects.exists()


def test_too_many_rows_leaves_nothing_half_imported(xiuwu_staff, django_capture_on_commit_callbacks, monkeypatch):
    from apps.organizing.services import census as census_module

    monkeypatch.setattr(census_module, "MAX_ROWS", 3)
    monkeypatch.setattr(census_module, "CHUNK", 2)
    census = run(xiuwu_staff, xlsx([row(500 + n) for n in range(5)]), django_capture_on_commit_callbacks)
    assert census.status == "failed" and "超过" in census.error
    assert not Enterprise.objects.exists()


def test_csv_in_gb18030_is_read(xiuwu_staff, django_capture_on_commit_callbacks):
    census = run(xiuwu_staff, csv_file([row(600), row(601)], encoding="gb18030"), django_capture_on_commit_callbacks)
    assert census.created_count == 2
    assert Enterprise.objects.filter(name="焦作普查企业600有限公司").exists()


def test_upload_page_refuses_a_non_spreadsheet(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("organizing:census_list"),
                           {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 nothing")})
    assert response.status_code == 200 and "只接受" in response.content.decode()
    assert not CensusImport.objects.exists()


def test_upload_page_runs_and_shows_the_report(client, xiuwu_staff, django_capture_on_commit_callbacks):
    client.force_login(xiuwu_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organizing:census_list"), {"file": xlsx([row(700), row(701, "火星区")])})
    census = CensusImport.objects.get()
    assert response.url == reverse("organizing:census_detail", args=[census.pk])
    page = client.get(response.url).content.decode()
    assert 'data-testid="census-report"' in page and "未知的县" in page


def test_template_download_has_the_columns(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.get(reverse("organizing:census_template"))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [c.value for c in sheet[1]] == COLUMNS


def test_other_districts_import_is_404_and_grassroots_cannot_import(client, xiuwu_staff, boai_staff,
                                                                   grassroots_staff,
                                                                   django_capture_on_commit_callbacks):
    census = run(xiuwu_staff, xlsx([row(800)]), django_capture_on_commit_callbacks)
    client.force_login(boai_staff)
    assert client.get(reverse("organizing:census_detail", args=[census.pk])).status_code == 404
    client.force_login(grassroots_staff)
    assert client.get(reverse("organizing:census_list")).status_code == 403
