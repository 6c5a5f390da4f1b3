"""Keyword search over job posts.

PostgreSQL: the GIN index over the stored column ``search_bigrams`` = ``recruitment_bigrams(search_document)``
(migrations 0002, 0003) answers
every term of two characters or more by its bigrams; a one-character term matches the bigrams
that start with it. An exact substring check then drops the rare bigram coincidence; since it
follows every term of three characters or more, such a term asks the index only for its uncommon
bigrams (``bigram_shares``, from PostgreSQL's statistics): fewer posting lists, the same matches.
Other databases: ``icontains`` over the same column (a scan, fine for development data).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.apps import apps
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from apps.core import pagecache
from apps.core.search import MAX_TERMS, build_document, split_terms  # noqa: F401  (re-exported)

TOTAL_CAP = 1000


def _quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# A bigram held by more than this share of the posts narrows nothing worth an index lookup.
COMMON_BIGRAM_SHARE = 0.2
SHARES_KEY = "recruitment:bigram_shares"
SHARES_SECONDS = 2 * 3600  # refreshed every ten minutes (tasks.refresh_bigram_shares)


def _post_table() -> str:
    return apps.get_model("recruitment", "JobPost")._meta.db_table


def read_bigram_shares() -> dict[str, float]:
    """The share of posts holding each of the search column's most common lexemes (bigrams, title
    bigrams), from PostgreSQL's own statistics (``pg_stats.most_common_elems``, renewed by ANALYZE
    and autovacuum); the lexemes it does not list are rarer. Empty without statistics or on another
    database."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_bigrams'",
            [_post_table()])
        row = cursor.fetchone()
    if not row or not row[0]:
        return {}
    return dict(zip(row[0], row[1], strict=False))  # the frequencies end with three summary values


def refresh_bigram_shares() -> int:
    """Keep the statistics in the cache for the searches (a periodic task); returns how many."""
    shares = read_bigram_shares()
    cache.set(SHARES_KEY, shares, SHARES_SECONDS)
    return len(shares)


def bigram_shares() -> dict[str, float]:
    """What refresh_bigram_shares kept (never a query in a request), held by each process like the
    filter's districts (``pagecache.local_value``); empty until the task has run, and then every
    bigram is asked for."""
    if connection.vendor != "postgresql":
        return {}
    return pagecache.local_value(SHARES_KEY, lambda: cache.get(SHARES_KEY) or {})


def _narrowing(lexemes: list[str], shares: dict[str, float]) -> list[str]:
    """The lexemes worth asking the GIN index for: those held by at most ``COMMON_BIGRAM_SHARE`` of
    the posts, or else the rarest one. 压测企业0007 asked for six, three of them in 99 % of the posts:
    the index intersected three posting lists of 200,000 entries (11.7 ms); its two rare ones take
    2.3 ms (bench/recruitment.md, 2 Dec morning). Only for terms that the exact substring check
    follows, so the matches do not change."""
    rare = [lexeme for lexeme in lexemes if shares.get(lexeme, 0.0) <= COMMON_BIGRAM_SHARE]
    return rare or [min(lexemes, key=lambda lexeme: shares.get(lexeme, 0.0))]


def _tsquery(term: str, prefix: str, shares: dict[str, float] | None) -> str:
    if len(term) == 1:
        return _quote_lexeme(prefix + term) + ":*"
    pieces = sorted({prefix + term[i:i + 2] for i in range(len(term) - 1)
                     if not any(c.isspace() for c in term[i:i + 2])})
    if shares and len(term) > 2:
        pieces = _narrowing(pieces, shares)
    return " & ".join(_quote_lexeme(piece) for piece in pieces)


def bigram_tsquery(term: str, shares: dict[str, float] | None = None) -> str:
    """``'焊工'`` for 焊工, ``'电焊' & '焊工'`` for 电焊工, ``'焊':*`` for a single character.

    With ``shares`` (bigram_shares) a term of three characters or more, which the caller also checks
    as an exact substring, asks only for its uncommon bigrams (_narrowing)."""
    return _tsquery(term, "", shares)


def title_bigram_tsquery(term: str, shares: dict[str, float] | None = None) -> str:
    """The same query against the title's bigrams, which the column stores behind a space (migration 0004)."""
    return _tsquery(term, " ", shares)


def title_match_q(queryset: QuerySet, query: str) -> Q | None:
    """Rows whose title holds any of the terms (relevance puts them first); None without terms."""
    terms = split_terms(query)
    if not terms:
        return None
    table = queryset.model._meta.db_table
    shares = bigram_shares()
    condition = Q(pk__in=[])
    for term in terms:
        if connection.vendor == "postgresql":
            term_q = Q(RawSQL(f'"{table}"."search_bigrams" @@ %s::tsquery', (title_bigram_tsquery(term, shares),),
                              output_field=BooleanField()))
            if len(term) > 2:
                term_q &= Q(title__icontains=term)
        else:
            term_q = Q(title__icontains=term)
        condition |= term_q
    return condition


def district_lexeme(district_id: int) -> Q:
    """PostgreSQL: posts of a district, from the search column's ``@d<id>`` lexeme (migration 0006)."""
    return Q(RawSQL(f'"{_post_table()}"."search_bigrams" @@ %s::tsquery', (_quote_lexeme(f"@d{district_id}"),),
                    output_field=BooleanField()))


def filter_keyword(queryset: QuerySet, query: str) -> QuerySet:
    """Keep rows containing every term (see the module docstring)."""
    terms = split_terms(query)
    if not terms:
        return queryset
    table = queryset.model._meta.db_table
    shares = bigram_shares()
    for term in terms:
        if connection.vendor == "postgresql":
            matches = RawSQL(f'"{table}"."search_bigrams" @@ %s::tsquery', (bigram_tsquery(term, shares),),
                             output_field=BooleanField())
            queryset = queryset.filter(matches)
            if len(term) > 2:
                # Bigrams in any order would match; keep only the exact substring.
                queryset = queryset.filter(search_document__contains=term)
        else:
            queryset = queryset.filter(Q(search_document__icontains=term))
    return queryset


# Planner settings for one query that walks the index of its ordering (fetch_in_index_order).
_INDEX_WALK = ("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; "
               "SET LOCAL max_parallel_workers_per_gather = 0; ")
_INDEX_WALK_RESET = ("RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_sort; "
                     "RESET max_parallel_workers_per_gather")


def fetch_in_index_order(queryset: QuerySet) -> list:
    """Evaluate a page of a query known to match many rows by walking the index of its ordering.

    The planner cannot estimate a bigram AND-query (the bigrams of a word are not independent, so
    it guesses a handful of rows) and would fetch every match and sort them. When the capped count
    already says there are more than ``TOTAL_CAP`` matches, the newest-first (or salary) index
    finds a page within a few hundred rows, so other plans are switched off for this one query.

    The settings travel in the same query string as the SELECT: PostgreSQL runs a string of several
    statements as one implicit transaction, so ``SET LOCAL`` holds for the SELECT and ends with it —
    one round trip instead of BEGIN, SET, SELECT, COMMIT. Inside a transaction (a test, an atomic
    block) it would hold until the end of it, so it is reset at once.
    """
    if connection.vendor != "postgresql":
        return list(queryset)

    def walk(execute, sql, params, many, context):
        return execute(_INDEX_WALK + sql, params, many, context)

    with connection.execute_wrapper(walk):
        rows = list(queryset)
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(_INDEX_WALK_RESET)
    return rows


# How long "more than TOTAL_CAP match" is believed without counting again (see CappedPaginator).
CAPPED_SECONDS = 60


def _row_pk(row) -> int:
    return row[0] if isinstance(row, tuple) else row.pk


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"([to]?)([0-9]{1,18})\.([0-9]{1,18})")


@dataclass(frozen=True)
class Cursor:
    """Where the page before this one ended (keyset pagination): its last row's group (相关度: ``t``
    title matches, ``o`` the others; otherwise empty), sort value (``published_at`` in microseconds
    since 1970, or ``salary_max``) and primary key. The 下一页 link carries it as ``after``, so the
    next page is read from there in the ordering's index instead of walking past every row before
    it: page 10 of a common term costs what page 1 costs, and a post published meanwhile does not
    push a row the reader has seen onto the next page again."""

    group: str
    value: int
    pk: int

    @classmethod
    def parse(cls, text) -> Cursor | None:
        """The cursor ``text`` spells, or None for anything else (the page is then found by number)."""
        match = _CURSOR.fullmatch(text) if isinstance(text, str) else None
        return cls(match[1], int(match[2]), int(match[3])) if match else None

    def __str__(self) -> str:
        return f"{self.group}{self.value}.{self.pk}"


def _cursor_value(value) -> int | None:
    """A sort value as a cursor spells it; None where no cursor can follow (no value)."""
    if isinstance(value, datetime):
        return (value - _EPOCH) // timedelta(microseconds=1)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


_INT_MAX = 2**31 - 1


class _Beyond(NamedTuple):
    """The rows past a cursor (``q``), after it (``forward``) or before it."""

    q: Q
    forward: bool


def _column_value(field, value: int):
    """A cursor's sort value as ``field`` holds it; None when no row can have it (a hand-made link)."""
    if field.get_internal_type() == "DateTimeField":
        try:
            return _EPOCH + timedelta(microseconds=value)
        except OverflowError:  # past the year 9999
            return None
    return value if value <= _INT_MAX else None


class CappedPaginator(Paginator):
    """Counts at most ``TOTAL_CAP + 1`` rows: an exact total for a common term costs more than the page.

    The count reads the matches themselves (their primary keys and sort keys, unordered, at most
    ``TOTAL_CAP + 1``, which costs what counting them costs): when there are at most ``TOTAL_CAP``,
    the page is cut from them in Python and read by primary key, so a rare term costs one scan of the
    index, not one per query (count, page, title group).

    With a ``count_key`` (the search's filters, without page and order), a count over the cap is
    remembered for ``CAPPED_SECONDS``: a common term's "1000+" does not change when a post is
    published, edited or closed, and counting it again after every change costs more than the rest of
    the page (bench/recruitment.md, "cold"). Only the label and the number of page links rest on it;
    the rows of a page are always read afresh. An exact count (at most the cap) is never kept.

    ``paging``: the same rows, phrased for reading a page in order (``selectors.for_paging``); its
    ordering is the page's. Rows are model instances or ``values_list`` tuples starting with the pk.
    ``walk_index``: a page of a capped count is read by :func:`fetch_in_index_order` (a keyword,
    whose matches the planner cannot estimate).

    ``after`` / ``before``: the :class:`Cursor` of the 下一页 / 上一页 link. Over the cap, the page is
    the rows after (before) it in the ordering (``(value, pk) < cursor``, the index walked from
    there); :meth:`next_cursor` and :meth:`previous_cursor` give the links'. At most the cap, pages
    are cut from the matches by number, and a cursor is not needed. A paging row that carries the
    ordering's column (``values_list("pk", …, "published_at")``) is what a cursor is made from.
    """

    cap = TOTAL_CAP

    def __init__(self, object_list, per_page, *, count_key: str | None = None, known: dict | None = None,
                 paging=None, walk_index: bool = False, after: Cursor | None = None,
                 before: Cursor | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        if known is not None:  # the caller read capped_keys(count_key) already
            self._known_capped = known
        self.paging = object_list if paging is None else paging
        self.walk_index = walk_index
        self.matches: list[tuple] | None = None  # (pk, *sort keys, *flags) of every match when not capped
        self._paged: dict | None = None  # pk -> its paging row, read with the matches
        self.after, self.before = after, None if after else before
        self._first_group = self._last_group = ""  # the groups of the page's first and last rows (RelevancePaginator)

    @staticmethod
    def capped_keys(count_key: str) -> tuple[str, str]:
        """The cache keys of a search's remembered "over the cap": all matches, title matches."""
        return count_key, count_key + ":title"

    @cached_property
    def _known_capped(self) -> dict:
        if not self.count_key:
            return {}
        return cache.get_many(list(self.capped_keys(self.count_key)))

    def _remember_capped(self, key: str | None) -> None:
        if key:
            cache.set(key, True, CAPPED_SECONDS)

    @property
    def _order(self) -> list[tuple[str, bool]]:
        """The page's ordering as (field, descending) pairs."""
        return [(name.lstrip("-"), name.startswith("-")) for name in self.paging.query.order_by]

    def _flags(self) -> dict:
        """Extra booleans read with each match (RelevancePaginator: in the title)."""
        return {}

    @cached_property
    def _columns(self) -> tuple[str, ...]:
        """The paging row's columns after its pk (a ``values_list`` that starts with it)."""
        names = tuple(self.paging.query.values_select)
        return names[1:] if names[:1] == ("pk",) else ()

    @cached_property
    def count(self) -> int:
        if self.count_key and self._known_capped.get(self.count_key):
            return self.cap + 1
        flags = self._flags()
        names = ["pk", *[name for name, _desc in self._order], *flags]
        # The paging row's columns come with the matches: a page cut from them needs no query of its own.
        extra = [name for name in self._columns if name not in names]
        # Without ordering or joins: the index answers "are there 1001 matches?" without walking by date.
        rows = list(self.object_list.order_by().annotate(**flags).values_list(*names, *extra)[: self.cap + 1])
        if len(rows) > self.cap:
            self._remember_capped(self.count_key)
            return self.cap + 1
        self.matches = [row[:len(names)] for row in rows]
        if self._columns:
            at = [[*names, *extra].index(name) for name in self._columns]
            self._paged = {row[0]: (row[0], *(row[i] for i in at)) for row in rows}
        return len(rows)

    def _sorted_matches(self, matches: list[tuple]) -> list[tuple]:
        """``matches`` in the page's order, as PostgreSQL sorts (NULLs first when descending)."""
        ordered = list(matches)
        for index, (_name, descending) in reversed(list(enumerate(self._order, start=1))):
            ordered.sort(key=lambda row, i=index: (row[i] is None, row[i]) if descending
                         else (row[i] is not None, row[i]), reverse=descending)
        return ordered

    def _rows_by_pk(self, pks: list[int]) -> list:
        if not pks:
            return []
        if self._paged is not None:
            return [self._paged[pk] for pk in pks]
        position = {pk: i for i, pk in enumerate(pks)}
        return sorted(self.paging.filter(pk__in=pks), key=lambda row: position[_row_pk(row)])

    def _read(self, window: QuerySet, many: bool) -> list:
        """A window of ordered rows; walked in the ordering's index when there are many matches."""
        return fetch_in_index_order(window) if many and self.walk_index else list(window)

    def _bounds(self, number) -> tuple[int, int, int]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_capped and top + self.orphans >= self.count:
            top = self.count
        return number, bottom, top

    @cached_property
    def _cursor_field(self):
        """The ordering's first field when a cursor can follow it: the ordering is that field, then
        the pk, both descending (newest first, highest salary first)."""
        order = self._order
        if len(order) == 2 and order[0][1] and order[1] in (("id", True), ("pk", True)):
            return self.paging.model._meta.get_field(order[0][0])
        return None

    def _keyset(self, group: str) -> _Beyond | None:
        """The rows past the page's cursor when it belongs to ``group`` of a capped search, else None:
        after it (下一页) or before it (上一页). ``value <= v`` (``>=``) starts the walk at the cursor
        in the ordering's index; the rest breaks ties by pk."""
        cursor, forward = (self.after, True) if self.after else (self.before, False)
        field = self._cursor_field if cursor and cursor.group == group else None
        value = _column_value(field, cursor.value) if field is not None else None
        if value is None or not self.is_capped or self.matches is not None:
            return None
        name, beyond = field.name, "lt" if forward else "gt"
        tie = Q(**{name: value, f"pk__{beyond}": cursor.pk})
        return _Beyond(Q(**{f"{name}__{beyond}e": value}) & (Q(**{f"{name}__{beyond}": value}) | tie), forward)

    def _past(self, queryset: QuerySet, matches: int, beyond: _Beyond) -> list:
        """Up to a page of rows next to the cursor, in order (before it: read backwards, then turned)."""
        if beyond.forward:
            return self._read(queryset.filter(beyond.q)[: self.per_page], matches > self.cap)
        return self._read(queryset.filter(beyond.q).reverse()[: self.per_page], matches > self.cap)[::-1]

    def _page_of(self, segments: list[tuple[str, list]], number):
        """A page made of (group, rows) pieces; the groups of its first and last rows make its cursors."""
        groups = [group for group, rows in segments if rows]
        self._first_group, self._last_group = (groups[0], groups[-1]) if groups else ("", "")
        return self._get_page([row for _group, rows in segments for row in rows], number, self)

    def _cursor_of(self, row, group: str) -> Cursor | None:
        field = self._cursor_field
        if field is None or not isinstance(row, tuple) or field.name not in self._columns:
            return None
        value = _cursor_value(row[1 + self._columns.index(field.name)])
        return Cursor(group, value, row[0]) if value is not None else None

    def next_cursor(self, page) -> Cursor | None:
        """The 下一页 link's cursor: over the cap, where ``page``'s last row is in the ordering."""
        if self.matches is not None or not page.has_next() or not page.object_list:
            return None
        return self._cursor_of(page.object_list[-1], self._last_group)

    def previous_cursor(self, page) -> Cursor | None:
        """The 上一页 link's cursor: over the cap, where ``page``'s first row is; none back to page 1,
        which is read from the start (it shows what was published since)."""
        if self.matches is not None or page.number <= 2 or not page.object_list:
            return None
        return self._cursor_of(page.object_list[0], self._first_group)

    def page(self, number):
        """As Paginator.page, but a capped count does not cut the last page short."""
        number, bottom, top = self._bounds(number)
        if self.matches is not None:
            pks = [row[0] for row in self._sorted_matches(self.matches)[bottom:top]]
            return self._get_page(self._rows_by_pk(pks), number, self)
        if (beyond := self._keyset("")) is not None:
            return self._page_of([("", self._past(self.paging, self.cap + 1, beyond))], number)
        return self._page_of([("", self._read(self.paging[bottom:top], self.is_capped))], number)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap}+" if self.is_capped else str(self.count)


class RelevancePaginator(CappedPaginator):
    """Keyword results by relevance: posts with the keyword in the title first, then the others,
    each group in the queryset's own order (newest first).

    At most ``TOTAL_CAP`` matches: cut from the matches read by the count, each marked whether its
    title holds the keyword. More: two ordered queries instead of one ``ORDER BY title_match,
    published_at``, which would read every match of a common term (thousands) before the first page;
    each group alone is walked in the newest-first index like any common term
    (``fetch_in_index_order``), and the title group is counted with the same cap, from the GIN index.
    A cursor names its group: after a title match the title group goes on (and the others follow
    when it ends), after another match the others go on.
    """

    def __init__(self, object_list, per_page, *, title_q: Q, **kwargs):
        super().__init__(object_list, per_page, walk_index=True, **kwargs)
        self.title_q = title_q

    def _flags(self) -> dict:
        return {"in_title": ExpressionWrapper(self.title_q, output_field=BooleanField())}

    @cached_property
    def title_count(self) -> int:
        if self.count == 0:
            return 0
        if self.matches is not None:
            return sum(1 for row in self.matches if row[-1])
        key = self.capped_keys(self.count_key)[1] if self.count_key else None
        if key and self._known_capped.get(key):
            return self.cap + 1
        count = self.object_list.filter(self.title_q).order_by().values("pk")[: self.cap + 1].count()
        if count > self.cap:
            self._remember_capped(key)
        return count

    def _rows(self, queryset: QuerySet, matches: int, start: int, stop: int) -> list:
        return self._read(queryset[start:stop], matches > self.cap) if stop > start else []

    def page(self, number):
        number, bottom, top = self._bounds(number)
        if self.matches is not None:
            ordered = sorted(self._sorted_matches(self.matches), key=lambda row: not row[-1])  # stable: titles first
            return self._get_page(self._rows_by_pk([row[0] for row in ordered[bottom:top]]), number, self)
        titled, others = self.paging.filter(self.title_q), self.paging.exclude(self.title_q)
        if (beyond := self._keyset("o")) is not None:  # the cursor is among the others
            segments = [("o", self._past(others, self.cap + 1, beyond))]
            if not beyond.forward and len(segments[0][1]) < self.per_page:  # back into the title group's end
                tail = self._read(titled.reverse()[: self.per_page - len(segments[0][1])], self.title_count > self.cap)
                segments.insert(0, ("t", tail[::-1]))
            return self._page_of(segments, number)
        in_title = self.title_count
        if (beyond := self._keyset("t")) is not None:  # the cursor is in the title group
            segments = [("t", self._past(titled, in_title, beyond))]
            if beyond.forward and len(segments[0][1]) < self.per_page:  # the others start
                segments.append(("o", self._rows(others, self.cap + 1, 0, self.per_page - len(segments[0][1]))))
            return self._page_of(segments, number)
        if in_title > self.cap:
            # More title matches than the cap: fetch the page; if the title group ends inside it,
            # its exact size is now known and the other matches follow.
            rows = self._rows(titled, in_title, bottom, top)
            if not rows or len(rows) == top - bottom:
                return self._page_of([("t", rows)], number)
            in_title = bottom + len(rows)
        else:
            rows = self._rows(titled, in_title, bottom, min(top, in_title))
        start = max(0, bottom - in_title)
        more = self._rows(others, self.cap + 1, start, start + self.per_page - len(rows))  # none when full
        return self._page_of([("t", rows), ("o", more)], number)
