"""A post's welcomed groups and a seeker's wishes, read as one list column of the row that owns them.

Lists of posts and the matching read these for every row. A prefetch would cost one query more per
list (two on a 相关度 page, which reads two groups of posts); a correlated subquery in the SELECT
costs none: PostgreSQL evaluates it only for the rows returned, from the relation's unique index
(``ARRAY(SELECT code …)``); SQLite, the development database, gathers it with ``json_group_array``.
"""
from __future__ import annotations

import json

from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery


class _ListField(models.Field):
    """What a ``CodeList`` returns: a Python list (PostgreSQL gives an array, SQLite a JSON text)."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        return json.loads(value) if isinstance(value, str) else list(value)


class CodeList(Subquery):
    """``queryset``'s one column (named ``value``) as a list, per row of the outer query."""

    template = "ARRAY(%(subquery)s)"

    def __init__(self, queryset: QuerySet, **extra):
        super().__init__(queryset, output_field=_ListField(), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="(SELECT json_group_array(value) FROM (%(subquery)s))", **extra)


def codes_of(model, owner: str, column: str = "code", *, outer: str = "pk") -> CodeList:
    """``column`` of the ``model`` rows whose ``owner`` is the outer row (or the row its ``outer`` names)."""
    return CodeList(model.objects.filter(**{owner: OuterRef(outer)}).order_by().values(value=F(column)))
