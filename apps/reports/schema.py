"""A task's form as data: live indicator values, required fields and the rules between fields.

Used by the submission form (to show errors next to the fields) and by the services (which refuse
the same input whatever the caller), so the rules live here once.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from apps.core import indicators as core_indicators
from apps.core.indicators import Indicator
from apps.core.models import Organization

from .models import ReportField, ValidationRule

UNAVAILABLE = "指标不可用（相关模块未启用）"


def to_number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def jsonable_number(value) -> int | str | None:
    """Numbers as JSON keeps them: whole numbers as int, others as exact decimal strings."""
    if value is None:
        return None
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return int(number)
    return str(number.normalize())


def indicator_for(field: ReportField, registry: dict[str, Indicator] | None = None) -> Indicator | None:
    registry = core_indicators.all_indicators() if registry is None else registry
    return registry.get(field.indicator_key)


def live_indicator_values(
    fields: Iterable[ReportField], organizations: Sequence[Organization], start: date, end: date,
) -> dict[int, dict[str, int | str | None]]:
    """``{org.pk: {field.key: value}}`` computed now; None where the indicator is not installed.

    One ``compute`` call per indicator field, whatever the number of organisations.
    """
    registry = core_indicators.all_indicators()
    result: dict[int, dict[str, int | str | None]] = {org.pk: {} for org in organizations}
    for field in fields:
        if field.kind != ReportField.Kind.INDICATOR:
            continue
        indicator = registry.get(field.indicator_key)
        computed = indicator.compute(list(organizations), start, end) if indicator and organizations else {}
        for org in organizations:
            result[org.pk][field.key] = jsonable_number(computed.get(org.pk)) if indicator else None
    return result


def indicator_link(field: ReportField, organization: Organization, start: date, end: date,
                   registry: dict[str, Indicator] | None = None) -> str:
    indicator = indicator_for(field, registry)
    if indicator is None or indicator.link is None:
        return ""
    try:
        return indicator.link(organization, start, end)
    except Exception:  # noqa: BLE001 - a broken link in another app must not break the report
        return ""


def missing_required(fields: Iterable[ReportField], values: dict) -> dict[str, str]:
    errors = {}
    for field in fields:
        if field.kind == ReportField.Kind.INDICATOR or not field.required:
            continue
        if values.get(field.key) in (None, "", []):
            errors[field.key] = "此项为必填项。" if field.kind != ReportField.Kind.FILE else "请上传附件。"
    return errors


def invalid_values(fields: Iterable[ReportField], values: dict) -> dict[str, str]:
    """Type checks the service repeats: numbers are numbers, not negative unless allowed; choices exist."""
    errors = {}
    for field in fields:
        value = values.get(field.key)
        if value in (None, ""):
            continue
        if field.kind == ReportField.Kind.NUMBER:
            number = to_number(value)
            if number is None or not number.is_finite():
                errors[field.key] = "请输入数字。"
            elif number < 0 and not field.allow_negative:
                errors[field.key] = "不能为负数。"
        elif field.kind == ReportField.Kind.CHOICE and value not in field.choice_list:
            errors[field.key] = "请从选项中选择。"
    return errors


_COMPARE = {
    ValidationRule.Operator.LE: lambda a, b: a <= b,
    ValidationRule.Operator.LT: lambda a, b: a < b,
    ValidationRule.Operator.GE: lambda a, b: a >= b,
    ValidationRule.Operator.GT: lambda a, b: a > b,
    ValidationRule.Operator.EQ: lambda a, b: a == b,
}


def broken_rules(rules: Iterable[ValidationRule], numbers: dict[str, object]) -> dict[str, list[str]]:
    """``{field key: [messages]}`` for every rule the numbers break; a rule with a blank side is skipped."""
    errors: dict[str, list[str]] = {}
    for rule in rules:
        left, right = to_number(numbers.get(rule.left)), to_number(numbers.get(rule.right))
        if left is None or right is None:
            continue
        if not _COMPARE[rule.operator](left, right):
            for key in (rule.left, rule.right):
                errors.setdefault(key, []).append(rule.message)
    return errors


def indicator_tie(rule: ValidationRule, fields: Sequence[ReportField]) -> tuple[str, str] | None:
    """``(manual key, indicator key)`` when the rule says a typed number equals an indicator, else None.

    Such a tie warns rather than refuses: the unit may know of work the portal does not record, but
    the difference is pointed out to the officer and to the reviewer.
    """
    if rule.operator != ValidationRule.Operator.EQ:
        return None
    kinds = {field.key: field.kind for field in fields}
    sides = (rule.left, rule.right)
    for manual, indicator in (sides, sides[::-1]):
        if kinds.get(manual) == ReportField.Kind.NUMBER and kinds.get(indicator) == ReportField.Kind.INDICATOR:
            return manual, indicator
    return None


def indicator_warnings(fields: Sequence[ReportField], rules: Iterable[ValidationRule], values: dict,
                       indicator_values: dict) -> dict[str, list[str]]:
    """``{manual field key: [warning]}`` where a typed number differs from the indicator a rule ties it to."""
    labels = {field.key: field.label for field in fields}
    warnings: dict[str, list[str]] = {}
    for rule in rules:
        tie = indicator_tie(rule, fields)
        if tie is None:
            continue
        manual, indicator = tie
        typed, known = to_number(values.get(manual)), to_number(indicator_values.get(indicator))
        if typed is None or known is None or typed == known:
            continue
        warnings.setdefault(manual, []).append(
            f"{rule.message}（填报 {jsonable_number(typed)}，平台“{labels.get(indicator, indicator)}”为 "
            f"{jsonable_number(known)}，请核实）")
    return warnings


def submission_errors(fields: Sequence[ReportField], rules: Iterable[ValidationRule], values: dict,
                      indicator_values: dict) -> dict[str, list[str]]:
    """Every reason the values cannot be submitted, by field key (ties to an indicator only warn)."""
    errors: dict[str, list[str]] = {}
    for source in (invalid_values(fields, values), missing_required(fields, values)):
        for key, message in source.items():
            errors.setdefault(key, []).append(message)
    blocking = [rule for rule in rules if indicator_tie(rule, fields) is None]
    for key, messages in broken_rules(blocking, {**indicator_values, **values}).items():
        errors.setdefault(key, []).extend(messages)
    return errors


def duplicated_indicator(label: str, registry: dict[str, Indicator] | None = None) -> Indicator | None:
    """The indicator a typed-number field's name repeats (达成就业人数 = 达成就业人数（人）), if any."""
    registry = core_indicators.all_indicators() if registry is None else registry
    wanted = _bare(label)
    if not wanted:
        return None
    return next((indicator for indicator in registry.values() if _bare(indicator.label) == wanted), None)


def _bare(label: str) -> str:
    import re

    text = re.sub(r"[（(][^）)]*[）)]", "", label or "")
    return re.sub(r"[\s　：:，,、。.]", "", text)
