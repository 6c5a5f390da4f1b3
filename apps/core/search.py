"""Search text shared by the apps' keyword searches (jobs, articles).

A record keeps one lower-cased ``search_document``; a query is split into at most ``MAX_TERMS``
terms, every one of which must occur. Chinese has no spaces, so a term is a substring of the
document, never a word: a two-character term such as 工会 matches as it is. Recruitment adds a
bigram GIN index on PostgreSQL for its large table (``apps/recruitment/search.py``).
"""
from __future__ import annotations

from django.db.models import QuerySet

MAX_TERMS = 5


def build_document(*parts: str) -> str:
    """The text a record is found by: its fields, lower-cased, whitespace collapsed."""
    return " ".join(" ".join(str(p).split()) for p in parts if p).lower()


def split_terms(query: str) -> list[str]:
    return [term.lower() for term in query.split() if term][:MAX_TERMS]


def filter_substrings(queryset: QuerySet, query: str, field: str = "search_document") -> QuerySet:
    """Keep rows whose ``field`` holds every term (a scan: for tables of thousands, not millions)."""
    for term in split_terms(query.replace("\x00", "")):
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset
