"""Full-text search over good-practice examples.

On PostgreSQL the index lives in `Practice.search_vector` (German configuration; title A,
summary and keywords B, sections C, municipality and topic names D), kept current by
`search_index_update`. PostgreSQL's German stemmer does not split compounds, so queries are
normalised (hyphens and spaces joined into a compound as an alternative) and matched by
prefix; when nothing matches, trigram similarity (pg_trgm) tolerates typos. On SQLite a
simple case-insensitive search is used instead.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from practices.cache import library_changed
from practices.models import Practice

CONFIG = "german"
SECTION_FIELDS = Practice.SECTION_FIELDS
# Word similarity above which a title counts as a near miss of the query ("Wilkommenstasche").
TRIGRAM_THRESHOLD = 0.45
MAX_TERMS = 8
# Control characters mark the highlights inside ts_headline's output; they cannot come from
# a form field, so the rest of the text can be escaped safely before they become <mark>.
MARK_START, MARK_STOP = "\x02", "\x03"


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def query_terms(text: str) -> list[list[str]]:
    """Split a query into words; a hyphenated word keeps its parts together.

    "Willkommens-Tasche Olpe" -> [["willkommens", "tasche"], ["olpe"]].
    """
    words = []
    for chunk in (text or "").lower().split()[:MAX_TERMS]:
        parts = [part for part in re.split(r"[\W_]+", chunk) if part]
        if parts:
            words.append(parts)
    return words


def _tsquery_string(words: list[list[str]]) -> str:
    """A raw tsquery made only of word characters, so user input cannot inject syntax."""
    every_part = [part for parts in words for part in parts]
    all_parts = " & ".join(f"{part}:*" for part in every_part)
    alternatives = [f"({all_parts})"]
    # Compounds: the joined spelling matches "Willkommenstasche" for "Willkommens-Tasche"
    # and for "Willkommens Tasche".
    if len(every_part) > 1:
        alternatives.append(f"{''.join(every_part)}:*")
    for parts in words:
        if len(parts) > 1:
            joined = "".join(parts)
            others = [p for other in words if other is not parts for p in other]
            alternatives.append(" & ".join([f"{joined}:*"] + [f"{p}:*" for p in others]))
    return " | ".join(dict.fromkeys(alternatives))


def search_query(text: str) -> SearchQuery | None:
    words = query_terms(text)
    if not words:
        return None
    return SearchQuery(_tsquery_string(words), search_type="raw", config=CONFIG)


def _strip_ending(word: str) -> str:
    """A crude stemmer for the SQLite fallback: "willkommenstaschen" -> "willkommenstasch"."""
    for ending in ("en", "e", "n", "s"):
        if len(word) > 5 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def document_vector() -> SearchVector:
    """The vector for a practice row, without the related names (see search_index_update)."""
    vector = SearchVector("title", weight="A", config=CONFIG)
    vector += SearchVector("summary", "keywords", weight="B", config=CONFIG)
    vector += SearchVector(*SECTION_FIELDS, weight="C", config=CONFIG)
    return vector


def search_index_update(*, practice_ids) -> None:
    """Recompute the search vector of the given practices (PostgreSQL only)."""
    from practices.models import Practice

    if not uses_postgres():
        return
    practice_ids = list(practice_ids)
    if not practice_ids:
        return
    names = {practice_id: [] for practice_id in practice_ids}
    for practice_id, name in Practice.municipalities.through.objects.filter(
        practice_id__in=practice_ids
    ).values_list("practice_id", "municipality__name"):
        names[practice_id].append(name)
    for practice_id, name in Practice.topics.through.objects.filter(
        practice_id__in=practice_ids
    ).values_list("practice_id", "topic__name"):
        names[practice_id].append(name)
    library_changed()
    for practice_id, related in names.items():
        related_vector = SearchVector(
            Value(" ".join(related), output_field=TextField()), weight="D", config=CONFIG
        )
        Practice.objects.filter(pk=practice_id).update(
            search_vector=document_vector() + related_vector
        )


def search_index_rebuild() -> None:
    """Recompute every practice's search vector in one statement (after bulk loads)."""
    from django.db.models import OuterRef, StringAgg, Subquery
    from django.db.models.functions import Coalesce

    from practices.models import Practice

    if not uses_postgres():
        return
    through_municipalities = Practice.municipalities.through.objects.filter(
        practice_id=OuterRef("pk")
    )
    through_topics = Practice.topics.through.objects.filter(practice_id=OuterRef("pk"))
    municipality_names = Subquery(
        through_municipalities.values("practice_id")
        .annotate(names=StringAgg("municipality__name", delimiter=Value(" ")))
        .values("names")
    )
    topic_names = Subquery(
        through_topics.values("practice_id")
        .annotate(names=StringAgg("topic__name", delimiter=Value(" ")))
        .values("names")
    )
    related = SearchVector(
        Coalesce(municipality_names, Value(""), output_field=TextField()),
        Coalesce(topic_names, Value(""), output_field=TextField()),
        weight="D",
        config=CONFIG,
    )
    Practice.objects.update(search_vector=document_vector() + related)
    library_changed()


def apply_search(queryset: QuerySet, text: str) -> tuple[QuerySet, bool]:
    """Filter by the query and annotate `rank`; returns (queryset, matched_approximately)."""
    words = query_terms(text)
    if not words:
        return queryset, False
    if not uses_postgres():
        condition = Q()
        for parts in words:
            word = _strip_ending("".join(parts))
            condition &= (
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(keywords__icontains=word)
                | Q(implementation__icontains=word)
            )
        return queryset.filter(condition).annotate(rank=Value(1.0)), False
    query = search_query(text)
    exact = queryset.filter(search_vector=query).annotate(
        rank=SearchRank(F("search_vector"), query)
    )
    if exact.exists():
        return exact, False
    # Typo tolerance: nothing matched exactly, so look for titles and keywords that are close.
    joined = " ".join("".join(parts) for parts in words)
    approximate = (
        queryset.annotate(rank=Coalesce(TrigramWordSimilarity(Value(joined), Lower("title")), 0.0))
        .annotate(
            keyword_rank=Coalesce(TrigramWordSimilarity(Value(joined), Lower("keywords")), 0.0)
        )
        .filter(Q(rank__gte=TRIGRAM_THRESHOLD) | Q(keyword_rank__gte=TRIGRAM_THRESHOLD))
    )
    return approximate, True


def annotate_headline(queryset: QuerySet, text: str) -> QuerySet:
    """Add `headline_raw` (ts_headline with control-character markers) on PostgreSQL."""
    query = search_query(text)
    if query is None or not uses_postgres():
        return queryset
    return queryset.annotate(
        headline_raw=SearchHeadline(
            Concat(
                "summary",
                Value(" "),
                "goals",
                Value(" "),
                "implementation",
                output_field=TextField(),
            ),
            query,
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )


def safe_snippet(raw: str) -> SafeString:
    """Escape the whole snippet, then turn the markers into <mark>."""
    escaped = str(escape(raw or ""))
    return mark_safe(  # noqa: S308 - everything but our own markers is escaped
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )
