from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.core.validators import (
    mask_mobile,
    mask_name,
    mask_resident_id,
    normalize_credit_code,
    normalize_mobile,
    normalize_resident_id,
)


@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x", " 110105 19491231002X "])
def test_valid_resident_id_is_normalised(value):
    assert normalize_resident_id(value) == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "校验位"),
        ("110105194902300020", "出生日期"),
        ("11010519491231002", "18位"),
        ("", "18位"),
    ],
)
def test_invalid_resident_id_says_why(value, message):
    with pytest.raises(ValidationError) as error:
        normalize_resident_id(value)
    assert message in error.value.messages[0]


def test_valid_credit_code():
    assert normalize_credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(("value", "message"), [("91350100M000100Y44", "校验位"), ("9135010", "18位")])
def test_invalid_credit_code(value, message):
    with pytest.raises(ValidationError) as error:
        normalize_credit_code(value)
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    "value", ["13812345678", "+86 138 1234 5678", "+8613812345678", "008613812345678", "138-1234-5678"]
)
def test_mobile_numbers_are_normalised(value):
    assert normalize_mobile(value) == "13812345678"


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "+1 650 253 0000", "23812345678", "abc"])
def test_bad_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        normalize_mobile(value)


def test_masks_hide_the_middle():
    assert mask_resident_id("410802199001011234") == "4108**********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("欧阳修") == "欧**"


def test_demo_credit_codes_pass_the_validator():
    from apps.core.demo import credit_code_for

    for seed in (1, 4108021, 900123, 9999999):
        code = credit_code_for(seed)
        assert normalize_credit_code(code) == code
