"""Shared form rendering: one error summary above every form, Chinese empty options, dates."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils.formats import date_format

from apps.core.forms import EnterpriseForm


def test_empty_report_gets_one_summary_and_field_messages(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    response = client.post(reverse("core:enterprise_create"), {"name": ""})
    html = response.content.decode()
    errors = response.context["form"].errors
    assert f"请修改下面标出的 {len(errors)} 处" in html
    assert html.count('data-testid="form-error-summary"') == 1
    # The field messages stay beside their fields.
    assert html.count("invalid-feedback") >= len(errors)


def test_no_dashes_as_an_empty_option(client, xiuwu_staff):
    client.force_login(xiuwu_staff)
    html = client.get(reverse("core:enterprise_create")).content.decode()
    assert "---------" not in html
    assert ">请选择</option>" in html


def test_select_widget_anywhere_says_please_choose(db, xiuwu_staff):
    form = EnterpriseForm(user=xiuwu_staff)
    html = str(form["union"])
    assert "---------" not in html and "请选择" in html

    class Plain(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")])

    assert "请选择" in str(Plain()["kind"])


def test_dates_read_the_same_everywhere():
    day = dt.date(2026, 12, 1)
    assert date_format(day) == "2026年12月1日"
    assert date_format(day, "SHORT_DATE_FORMAT") == "12月1日"
    rendered = Template('{{ d|date }} {{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": day}))
    assert rendered == "2026年12月1日 12月1日"


def test_templates_use_named_date_formats():
    """No page spells out its own date pattern (machine values for inputs and links excepted)."""
    import pathlib
    import re

    offenders = []
    for path in pathlib.Path("templates").rglob("*.html"):
        for match in re.finditer(r'\|date:"([^"]+)"', path.read_text()):
            if match.group(1) not in {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT",
                                      "SHORT_DATETIME_FORMAT", "TIME_FORMAT", "YEAR_MONTH_FORMAT",
                                      "Y年n月j日 H:i:s"}:
                offenders.append(f"{path}: {match.group(0)}")
    assert offenders == []


def test_content_disposition_carries_a_chinese_name():
    from urllib.parse import unquote

    from apps.core.downloads import content_disposition

    header = content_disposition('题库导入模板.xlsx')
    assert header.startswith('attachment; filename="')
    assert unquote(header.split("filename*=UTF-8''")[1]) == "题库导入模板.xlsx"
    nasty = content_disposition('a"\r\nb.xlsx')
    assert "\r" not in nasty and "\n" not in nasty and nasty.count('"') == 2
