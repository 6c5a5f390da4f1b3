"""Reading numbers and dates out of query strings and forms, one way for every page.

A value a person (or a robot) typed can be anything: empty, ``-1``, ``10**30``, ``١٢``, ``²``,
year 1 or 9999, 10,000 characters. These helpers never raise: they return a value inside the
bounds the caller names, or the default.
"""
from __future__ import annotations

from datetime import date

# Dates outside this range mean nothing to the portal, and year 9999 plus a day overflows.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
_MAX_NUMBER_LENGTH = 20


# The largest primary key a database column holds (bigint).
MAX_ID = 2**63 - 1


def parse_int(raw) -> int | None:
    """An integer written in ASCII digits (an optional leading minus), or None.

    ``str.isdigit`` is not enough: it accepts ``²`` and ``١٢``, which ``int`` then refuses or reads.
    """
    text = str(raw if raw is not None else "").strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or len(digits) > _MAX_NUMBER_LENGTH or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def parse_id(raw) -> int | None:
    """A primary key: a positive integer a bigint column can hold, or None."""
    value = parse_int(raw)
    return value if value is not None and 0 < value <= MAX_ID else None


def int_param(params, name: str, default: int | None = None, *, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    """An integer from ``params[name]`` (ASCII digits only), clamped to ``minimum``..``maximum``."""
    value = parse_int(params.get(name))
    if value is None:
        return default
    if minimum is not None and value < minimum:
        value = minimum
    if maximum is not None and value > maximum:
        value = maximum
    return value


def parse_date(raw: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date within EARLIEST_DATE..LATEST_DATE (clamped), or None."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 10 or not raw.isascii():
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return min(max(value, EARLIEST_DATE), LATEST_DATE)


def date_param(params, name: str, default: date | None = None) -> date | None:
    return parse_date(params.get(name)) or default
