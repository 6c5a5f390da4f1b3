"""Keyword search over job posts.

PostgreSQL: the GIN index over the stored column ``search_bigrams`` = ``recruitment_bigrams(search_document)``
(migrations 0002, 0003) answers
every term of two characters or more by its bigrams; a one-character term matches the bigrams
that start with it. An exact substring check then drops the rare bigram coincidence.
Other databases: ``icontains`` over the same column (a scan, fine for development data).
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from apps.core.search import MAX_TERMS, build_document, split_terms  # noqa: F401  (re-exported)

TOTAL_CAP = 1000


def _quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def bigram_tsquery(term: str) -> str:
    """``'焊工'`` for 焊工, ``'电焊' & '焊工'`` for 电焊工, ``'焊':*`` for a single character."""
    if len(term) == 1:
        return _quote_lexeme(term) + ":*"
    pieces = sorted({term[i:i + 2] for i in range(len(term) - 1) if not any(c.isspace() for c in term[i:i + 2])})
    return " & ".join(_quote_lexeme(piece) for piece in pieces)


def title_bigram_tsquery(term: str) -> str:
    """The same query against the title's bigrams, which the column stores behind a space (migration 0004)."""
    if len(term) == 1:
        return _quote_lexeme(" " + term) + ":*"
    pieces = sorted({term[i:i + 2] for i in range(len(term) - 1) if not any(c.isspace() for c in term[i:i + 2])})
    return " & ".join(_quote_lexeme(" " + piece) for piece in pieces)


def title_match_q(queryset: QuerySet, query: str) -> Q | None:
    """Rows whose title holds any of the terms (relevance puts them first); None without terms."""
    terms = split_terms(query)
    if not terms:
        return None
    table = queryset.model._meta.db_table
    condition = Q(pk__in=[])
    for term in terms:
        if connection.vendor == "postgresql":
            term_q = Q(RawSQL(f'"{table}"."search_bigrams" @@ %s::tsquery', (title_bigram_tsquery(term),),
                              output_field=BooleanField()))
            if len(term) > 2:
                term_q &= Q(title__icontains=term)
        else:
            term_q = Q(title__icontains=term)
        condition |= term_q
    return condition


def district_lexeme(district_id: int) -> Q:
    """PostgreSQL: posts of a district, from the search column's ``@d<id>`` lexeme (migration 0006)."""
    return Q(RawSQL('"recruitment_jobpost"."search_bigrams" @@ %s::tsquery', (_quote_lexeme(f"@d{district_id}"),),
                    output_field=BooleanField()))


def filter_keyword(queryset: QuerySet, query: str) -> QuerySet:
    """Keep rows containing every term (see the module docstring)."""
    terms = split_terms(query)
    if not terms:
        return queryset
    table = queryset.model._meta.db_table
    for term in terms:
        if connection.vendor == "postgresql":
            matches = RawSQL(f'"{table}"."search_bigrams" @@ %s::tsquery', (bigram_tsquery(term),),
                             output_field=BooleanField())
            queryset = queryset.filter(matches)
            if len(term) > 2:
                # Bigrams in any order would match; keep only the exact substring.
                queryset = queryset.filter(search_document__contains=term)
        else:
            queryset = queryset.filter(Q(search_document__icontains=term))
    return queryset


def fetch_in_index_order(queryset: QuerySet) -> list:
    """Evaluate a page of a query known to match many rows by walking the index of its ordering.

    The planner cannot estimate a bigram AND-query (the bigrams of a word are not independent, so
    it guesses a handful of rows) and would fetch every match and sort them. When the capped count
    already says there are more than ``TOTAL_CAP`` matches, the newest-first (or salary) index
    finds a page within a few hundred rows, so other plans are switched off for this one query.
    """
    if connection.vendor != "postgresql":
        return list(queryset)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; "
                       "SET LOCAL enable_sort = off; SET LOCAL max_parallel_workers_per_gather = 0")
        return list(queryset)


class CappedPaginator(Paginator):
    """Counts at most ``TOTAL_CAP + 1`` rows: an exact total for a common term costs more than the page."""

    cap = TOTAL_CAP

    @cached_property
    def count(self) -> int:
        # Without ordering or joins: the index answers "are there 1001 matches?" without walking by date.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    def page(self, number):
        """As Paginator.page, but a capped count does not cut the last page short."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_capped and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap}+" if self.is_capped else str(self.count)


class RelevancePaginator(CappedPaginator):
    """Keyword results by relevance: posts with the keyword in the title first, then the others,
    each group in the queryset's own order (newest first).

    Two ordered queries instead of one ``ORDER BY title_match, published_at``: that sort would read
    every match of a common term (thousands) before the first page; each group alone is walked in
    the newest-first index like any common term (``fetch_in_index_order``), and its size is
    counted with the same cap, from the GIN index.
    """

    def __init__(self, object_list, per_page, *, title_q: Q, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.title_q = title_q

    @cached_property
    def title_count(self) -> int:
        if self.count == 0:
            return 0
        return self.object_list.filter(self.title_q).order_by().values("pk")[: self.cap + 1].count()

    def _rows(self, queryset: QuerySet, matches: int, start: int, stop: int) -> list:
        if stop <= start:
            return []
        window = queryset[start:stop]
        return fetch_in_index_order(window) if matches > self.cap else list(window)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_capped and top + self.orphans >= self.count:
            top = self.count
        in_title = self.title_count
        titled = self.object_list.filter(self.title_q)
        if in_title > self.cap:
            # More title matches than the cap: fetch the page; if the title group ends inside it,
            # its exact size is now known and the other matches follow.
            rows = self._rows(titled, in_title, bottom, top)
            if not rows or len(rows) == top - bottom:
                return self._get_page(rows, number, self)
            in_title = bottom + len(rows)
        else:
            rows = self._rows(titled, in_title, bottom, min(top, in_title))
        if len(rows) < top - bottom:
            others = self.object_list.exclude(self.title_q)
            start = max(0, bottom - in_title)
            rows += self._rows(others, self.count - in_title if not self.is_capped else self.cap + 1,
                               start, start + (top - bottom - len(rows)))
        return self._get_page(rows, number, self)
