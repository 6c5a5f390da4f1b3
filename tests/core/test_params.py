"""The shared parsers of typed numbers and dates, the NUL guard, and the login field's length."""
from __future__ import annotations

from datetime import date

import pytest
from django.http import QueryDict
from django.urls import reverse

from apps.core.indicators import period_bounds, period_from_params
from apps.core.params import EARLIEST_DATE, LATEST_DATE, date_param, int_param, parse_id, parse_int


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (" 7 ", 7), ("-3", -3), ("²", None), ("١٢", None), ("１２", None), ("", None), (None, None),
    ("1e3", None), ("9" * 21, None), ("--1", None), ("-", None), ("0x10", None),
])
def test_parse_int_takes_ascii_digits_only(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw, expected", [("5", 5), ("0", None), ("-1", None), (str(2**63), None),
                                           (str(2**63 - 1), 2**63 - 1)])
def test_parse_id_fits_a_bigint(raw, expected):
    assert parse_id(raw) == expected


def test_int_param_clamps_and_defaults():
    params = QueryDict("page=999999999&size=-5&bad=²")
    assert int_param(params, "page", 1, minimum=1, maximum=100) == 100
    assert int_param(params, "size", 20, minimum=1) == 1
    assert int_param(params, "bad", 3) == 3
    assert int_param(params, "missing", 4) == 4


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-01", date(2026, 3, 1)), ("0001-01-01", EARLIEST_DATE), ("9999-12-31", LATEST_DATE),
    ("2026-02-30", None), ("２０２６-０１-０１", None), ("x" * 10_000, None), ("", None),
])
def test_date_param_is_bounded(raw, expected):
    assert date_param(QueryDict(mutable=True) | {"d": raw}, "d") == expected


def test_the_whole_calendar_as_a_period_has_bounds():
    start, end = period_from_params({"start": "0001-01-01", "end": "9999-12-31"})
    assert (start, end) == (EARLIEST_DATE, LATEST_DATE)
    period_bounds(start, end)  # no OverflowError


@pytest.mark.parametrize("query", ["q=a%00b", "no=%00", "%00=1", "page=1&q=%00"])
def test_nul_in_the_query_string_answers_400(client, db, query):
    response = client.get(reverse("recruitment:job_list") + "?" + query)
    assert response.status_code == 400


def test_nul_in_a_form_answers_400_and_nothing_is_tried(client, worker):
    response = client.post(reverse("accounts:login"), {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


def test_nul_in_a_multipart_form_answers_400(client, worker):
    response = client.post(reverse("accounts:login"), {"username": "a\x00b", "password": "x"}, format="multipart")
    assert response.status_code == 400


def test_a_256_character_user_name_is_refused_next_to_the_field(client, db):
    response = client.post(reverse("accounts:login"), {"username": "a" * 256, "password": "Wrong-pass-1"})
    assert response.status_code == 200
    assert "150" in str(response.context["form"].errors["username"])


@pytest.mark.parametrize("value", [str(10**30), "²", "-1", "0"])
def test_multiple_choice_of_records_refuses_ids_no_column_holds(org_tree, value):
    from django.core.exceptions import ValidationError

    from apps.core.fields import ModelMultipleIdsField
    from apps.core.models import Organization

    field = ModelMultipleIdsField(queryset=Organization.objects.all())
    with pytest.raises(ValidationError):
        field.clean([str(org_tree.xiuwu.pk), value])
    assert list(field.clean([str(org_tree.xiuwu.pk)])) == [org_tree.xiuwu]
