"""Excel export of the recruitment dashboard (write-only, formula-safe: apps.core.spreadsheets)."""
from __future__ import annotations

from apps.core.spreadsheets import SafeWorkbook

HEADERS = ["", "求职登记人数", "发布岗位数", "招聘人数", "求职申请", "面试", "入职", "点对点/推荐入职",
           "直接对接率（%）"]


def _line(row) -> list:
    return [row.label, row.seekers, row.posts, row.vacancies, row.applications, row.interviews, row.hires,
            row.direct_hires, float(row.rate)]


def dashboard_workbook(rows, total, groups, start, end) -> SafeWorkbook:
    workbook = SafeWorkbook()
    title = f"线上春风行动统计 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    by_district = workbook.sheet("按地区")
    by_district.append([title])
    by_district.header(["地区", *HEADERS[1:]])
    for row in rows:
        by_district.append(_line(row))
    by_district.append(_line(total))
    by_group = workbook.sheet("按重点群体")
    by_group.append([title])
    by_group.header(["重点群体", *HEADERS[1:]])
    for row in groups:
        by_group.append(_line(row))
    return workbook
