"""German full-text search over good-practice examples (design note: docs/search.md).

Text is prepared in Python before PostgreSQL sees it, the same way for the index and for
queries:

- folding: lower case, accents and umlauts removed, "ß" as "ss", and the transcriptions
  "ae", "oe", "ue" read as "a", "o", "u" ("Fachkraefte" = "Fachkräfte" = "fachkrafte");
- decompounding: German compounds are split by charsplit-fst (the CharSplit model), and the
  parts are indexed with the lowest weight next to the whole word, so "Tasche" finds the
  "Willkommenstasche" while an example that says "Tasche" itself ranks higher;
- a vocabulary of the published examples' words (`SearchWord`, trigram index) turns unknown
  query words into the library's own spellings ("Wilkommenstasche"), ranked below exact
  matches, and gives "Did you mean …?".

On PostgreSQL the index is `Practice.search_vector` (German configuration; title A, summary
and keywords B, sections C, municipality and topic names plus compound parts D, GIN index).
On SQLite the same folding and decompounding drive a substring search without ranking.
"""

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from charsplit_fst import Splitter
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from practices.cache import library_changed
from practices.models import Practice, SearchWord

CONFIG = "german"
SECTION_FIELDS = Practice.SECTION_FIELDS
MAX_TERMS = 8
MAX_WORD_LENGTH = 60
# Words shorter than this are not split (few German compounds are).
MIN_COMPOUND_LENGTH = 8
MIN_PART_LENGTH = 3
# CharSplit scores below this are guesses ("Tasche" -> "Tas" + "che").
MIN_SPLIT_SCORE = -0.6
# Vocabulary words this similar (pg_trgm similarity) to an unknown query word stand in for it.
SIMILAR_WORD_THRESHOLD = 0.4
SIMILAR_WORDS_PER_TERM = 3
# Matches by a similar spelling count this much of an exact match in the ranking.
SIMILAR_WORD_RANK_SHARE = 0.1
# Control characters mark the highlights inside ts_headline's output; they cannot come from
# a form field, so the rest of the text can be escaped safely before they become <mark>.
MARK_START, MARK_STOP = "\x02", "\x03"

_TRANSCRIPTIONS = re.compile(r"ae|oe|(?<![aeiouyq])ue")
_WORD = re.compile(r"\w+")


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def fold(text: str) -> str:
    """Lower case without accents; umlauts and their transcriptions become one spelling."""
    text = (text or "").lower().replace("ß", "ss")
    text = _TRANSCRIPTIONS.sub(lambda match: match.group(0)[0], text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.cache
def _splitter():
    return Splitter()


def _best_split(word: str) -> tuple[float, str, str] | None:
    candidates = [word]
    if _TRANSCRIPTIONS.search(word):
        # The model knows "Fachkräfte", not "Fachkraefte": try the umlauts too.
        candidates.append(word.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü"))
    best = None
    for candidate in candidates:
        for score, head, tail in _splitter().split_compound(candidate)[:1]:
            if best is None or score > best[0]:
                best = (score, head, tail)
    return best


@functools.lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The folded parts of a German compound, recursively; () for a simple word.

    "willkommenstasche" -> ("willkommens", "tasche"); "streuobstwiesen" -> ("streuobst",
    "wiesen", "streu", "obst").
    """
    word = word.lower()
    if len(word) < MIN_COMPOUND_LENGTH or len(word) > MAX_WORD_LENGTH or not word.isalpha():
        return ()
    split = _best_split(word)
    if split is None:
        return ()
    score, head, tail = split
    if score < MIN_SPLIT_SCORE or min(len(head), len(tail)) < MIN_PART_LENGTH:
        return ()
    parts = [fold(head), fold(tail)]
    for part in (head, tail):
        parts.extend(compound_parts(part))
    return tuple(dict.fromkeys(parts))


def text_words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def parts_of_text(*texts: str) -> list[str]:
    """The compound parts of every word of the texts, once each."""
    parts: dict[str, None] = {}
    for text in texts:
        for word in text_words(text):
            parts.update(dict.fromkeys(compound_parts(word)))
    return list(parts)


# --- the index ---------------------------------------------------------------------------


@dataclass
class IndexDocument:
    """The folded text of one example per weight, as to_tsvector receives it."""

    title: str
    summary: str
    sections: str
    related: str


def _surface_words(practice) -> set[str]:
    texts = [practice.title, practice.summary, practice.keywords]
    texts += [getattr(practice, name) or "" for name in SECTION_FIELDS]
    # As written, so that "Did you mean …?" offers "Willkommenstasche", not its folded form.
    return {
        word
        for text in texts
        for word in _WORD.findall(text or "")
        if MIN_PART_LENGTH <= len(word) <= MAX_WORD_LENGTH and word.isalpha()
    }


def index_document(practice, related_names: list[str]) -> IndexDocument:
    sections = " ".join(getattr(practice, name) or "" for name in SECTION_FIELDS)
    summary = f"{practice.summary or ''} {practice.keywords or ''}"
    names = " ".join(related_names)
    parts = parts_of_text(practice.title, summary, sections, names)
    return IndexDocument(
        title=fold(practice.title),
        summary=fold(summary),
        sections=fold(sections),
        related=fold(names) + " " + " ".join(parts),
    )


_UPDATE_VECTORS = """
UPDATE practices_practice AS practice SET search_vector =
    setweight(to_tsvector('german', document.title), 'A')
    || setweight(to_tsvector('german', document.summary), 'B')
    || setweight(to_tsvector('german', document.sections), 'C')
    || setweight(to_tsvector('german', document.related), 'D')
FROM (
    SELECT unnest(%s::integer[]) AS id, unnest(%s::text[]) AS title,
           unnest(%s::text[]) AS summary, unnest(%s::text[]) AS sections,
           unnest(%s::text[]) AS related
) AS document
WHERE practice.id = document.id
"""


def _related_names(practice_ids) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {practice_id: [] for practice_id in practice_ids}
    for practice_id, name in Practice.municipalities.through.objects.filter(
        practice_id__in=practice_ids
    ).values_list("practice_id", "municipality__name"):
        names[practice_id].append(name)
    for practice_id, name in Practice.topics.through.objects.filter(
        practice_id__in=practice_ids
    ).values_list("practice_id", "topic__name"):
        names[practice_id].append(name)
    return names


def _index_batch(practices) -> None:
    practices = list(practices)
    if not practices:
        return
    names = _related_names([practice.pk for practice in practices])
    documents = {
        practice.pk: index_document(practice, names[practice.pk]) for practice in practices
    }
    if uses_postgres():
        ids = list(documents)
        with connection.cursor() as cursor:
            cursor.execute(
                _UPDATE_VECTORS,
                [
                    ids,
                    [documents[pk].title for pk in ids],
                    [documents[pk].summary for pk in ids],
                    [documents[pk].sections for pk in ids],
                    [documents[pk].related for pk in ids],
                ],
            )
    vocabulary: dict[str, str] = {}
    for practice in practices:
        # Only published examples lend their words to suggestions and similar spellings.
        if practice.status == practice.Status.PUBLISHED:
            for word in _surface_words(practice):
                vocabulary.setdefault(fold(word), word)
    SearchWord.objects.bulk_create(
        [SearchWord(folded=folded, spelling=spelling) for folded, spelling in vocabulary.items()],
        ignore_conflicts=True,
        batch_size=2000,
    )


def search_index_update(*, practice_ids) -> None:
    """Recompute the index of the given practices and add their words to the vocabulary."""
    practice_ids = list(practice_ids)
    if not practice_ids:
        return
    library_changed()
    _index_batch(Practice.objects.filter(pk__in=practice_ids))


REBUILD_BATCH = 2000


def search_index_rebuild() -> None:
    """Recompute every practice's index and the vocabulary (after bulk loads, in batches)."""
    SearchWord.objects.all().delete()
    last_id = 0
    while True:
        batch = list(Practice.objects.filter(pk__gt=last_id).order_by("pk")[:REBUILD_BATCH])
        if not batch:
            break
        _index_batch(batch)
        last_id = batch[-1].pk
    library_changed()


# --- queries -----------------------------------------------------------------------------


@dataclass
class QueryTerm:
    """One word of the query with what may stand for it."""

    word: str  # folded, e.g. "kitaplatz" for "Kita-Platz"
    parts: list[str] = field(default_factory=list)  # hyphenated parts or compound parts
    similar: list[str] = field(default_factory=list)  # the vocabulary's spellings nearby
    typed: str = ""


def query_terms(text: str) -> list[QueryTerm]:
    """Split a query into words; a hyphenated word is one term whose parts may stand apart.

    Every character that is not a letter or digit separates words, so no operator of the
    tsquery syntax ever reaches PostgreSQL.
    """
    terms = []
    for chunk in (text or "").lower().split():
        pieces = [piece for piece in re.split(r"[\W_]+", chunk) if piece]
        if not pieces:
            continue
        joined = "".join(pieces)[:MAX_WORD_LENGTH]
        parts = [fold(piece) for piece in pieces] if len(pieces) > 1 else []
        parts += [part for part in compound_parts(joined) if part not in parts]
        terms.append(QueryTerm(word=fold(joined), parts=parts, typed=joined))
        if len(terms) == MAX_TERMS:
            break
    return terms


def lexeme(word: str, *, prefix: bool) -> str:
    # Only letters and digits are left after folding and splitting; quoting keeps even
    # those from being read as syntax.
    return f"'{word}'" + (":*" if prefix else "")


def _term_tsquery(term: QueryTerm, *, with_similar: bool) -> str:
    alternatives = [lexeme(term.word, prefix=True)]
    if term.parts:
        alternatives.append(
            "(" + " & ".join(lexeme(part, prefix=False) for part in term.parts[:4]) + ")"
        )
    if with_similar:
        alternatives += [lexeme(word, prefix=True) for word in term.similar]
    return "(" + " | ".join(alternatives) + ")"


def tsquery_string(terms: list[QueryTerm], *, with_similar: bool = True) -> str:
    return " & ".join(_term_tsquery(term, with_similar=with_similar) for term in terms)


def _similar_words_postgres(words: list[str]) -> dict[str, tuple[bool, list[tuple[str, str]]]]:
    """Per folded word: whether the vocabulary knows it (as a word or a word's beginning),
    and the most similar vocabulary words (folded, spelling), in one query."""
    sql = """
        SELECT term.word,
               EXISTS (SELECT 1 FROM practices_searchword
                       WHERE folded LIKE replace(replace(term.word, '\\', ''), '%%', '') || '%%'),
               near.folded, near.spelling
        FROM unnest(%s::text[]) AS term(word)
        LEFT JOIN LATERAL (
            SELECT folded, spelling FROM practices_searchword
            WHERE folded %% term.word AND similarity(folded, term.word) >= %s
            ORDER BY similarity(folded, term.word) DESC, folded
            LIMIT %s
        ) AS near ON true
    """
    found: dict[str, tuple[bool, list[tuple[str, str]]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [words, SIMILAR_WORD_THRESHOLD, SIMILAR_WORDS_PER_TERM])
        for word, known, folded, spelling in cursor.fetchall():
            _known, similar = found.setdefault(word, (known, []))
            if folded and folded != word:
                similar.append((folded, spelling))
    return found


def _similar_words_python(words: list[str]) -> dict[str, tuple[bool, list[tuple[str, str]]]]:
    vocabulary = dict(SearchWord.objects.values_list("folded", "spelling"))
    found = {}
    for word in words:
        known = any(folded.startswith(word) for folded in vocabulary)
        close = difflib.get_close_matches(word, list(vocabulary), n=SIMILAR_WORDS_PER_TERM)
        found[word] = (known, [(folded, vocabulary[folded]) for folded in close if folded != word])
    return found


@dataclass
class ParsedQuery:
    terms: list[QueryTerm]
    # The query with every unknown word replaced by the library's closest spelling.
    suggestion: str = ""

    @property
    def uses_similar_words(self) -> bool:
        return any(term.similar for term in self.terms)


MAX_ENDING = 3


def _inflects(word: str, known: str) -> bool:
    return word.startswith(known) and len(word) - len(known) <= MAX_ENDING


def parse_query(text: str) -> ParsedQuery:
    """Terms of the query, with similar spellings for the words the library does not know."""
    terms = query_terms(text)
    if not terms:
        return ParsedQuery(terms=[])
    lookup = _similar_words_postgres if uses_postgres() else _similar_words_python
    found = lookup(list(dict.fromkeys(term.word for term in terms)))
    suggestion_words = []
    for term in terms:
        known, similar = found.get(term.word, (True, []))
        # An inflected form of a known word ("willkommenstaschen") is no misspelling.
        known = known or any(_inflects(term.word, folded) for folded, _spelling in similar)
        if not known and similar:
            term.similar = [folded for folded, _spelling in similar]
            suggestion_words.append(similar[0][1])
        else:
            suggestion_words.append(term.typed)
    suggestion = " ".join(suggestion_words) if any(term.similar for term in terms) else ""
    return ParsedQuery(terms=terms, suggestion=suggestion)


def search_query(parsed: ParsedQuery, *, with_similar: bool = True) -> SearchQuery | None:
    if not parsed.terms:
        return None
    return SearchQuery(
        tsquery_string(parsed.terms, with_similar=with_similar), search_type="raw", config=CONFIG
    )


def _like_condition(term: QueryTerm) -> Q:
    fields = ["title", "summary", "keywords", *SECTION_FIELDS]

    def contains(word):
        condition = Q()
        for variant in _spellings(word):
            for name in fields:
                condition |= Q(**{f"{name}__icontains": variant})
        return condition

    condition = contains(_strip_ending(term.word))
    if term.parts:
        every_part = Q()
        for part in term.parts[:4]:
            every_part &= contains(_strip_ending(part))
        condition |= every_part
    for word in term.similar:
        condition |= contains(_strip_ending(word))
    return condition


def _spellings(folded: str) -> list[str]:
    """Spellings a folded word may have in the stored text (SQLite compares characters)."""
    variants = {folded}
    for plain, umlaut in (("a", "ä"), ("o", "ö"), ("u", "ü")):
        for variant in list(variants):
            if plain in variant:
                variants.add(variant.replace(plain, umlaut))
    return sorted(variants)[:16]


def _strip_ending(word: str) -> str:
    """A crude stemmer for SQLite: "willkommenstaschen" -> "willkommenstasch"."""
    for ending in ("en", "e", "n", "s"):
        if len(word) > 5 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _match(queryset: QuerySet, parsed: ParsedQuery) -> tuple[QuerySet, object]:
    """The matching rows and the rank expression (exact matches above similar spellings)."""
    if not uses_postgres():
        condition = Q()
        for term in parsed.terms:
            condition &= _like_condition(term)
        return queryset.filter(condition), Value(1.0)
    query = search_query(parsed)
    rank = SearchRank(F("search_vector"), query)
    if parsed.uses_similar_words:
        exact = search_query(parsed, with_similar=False)
        rank = SearchRank(F("search_vector"), exact) + SIMILAR_WORD_RANK_SHARE * rank
    return queryset.filter(search_vector=query), rank


def apply_search(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Filter by the query and annotate `rank`."""
    if not parsed.terms:
        return queryset
    matched, rank = _match(queryset, parsed)
    return matched.annotate(rank=rank)


@dataclass
class Window:
    """The newest matches of a search, up to a bound, in rank order and newest first."""

    ranked: list[int]
    newest: list[int]


def search_window(queryset: QuerySet, parsed: ParsedQuery, *, size: int) -> Window:
    """Find and rank the newest `size` matches in one scan; later queries (filter counts,
    the page) then work on these ids, however common the query's words are."""
    matched, rank = _match(queryset, parsed)
    pairs = list(
        matched.annotate(rank=rank)
        .order_by("-published_at", "-pk")
        .values_list("pk", "rank")[:size]
    )
    # A stable sort: among equal ranks the newer example stays first.
    ranked = [pk for pk, _rank in sorted(pairs, key=lambda pair: -pair[1])]
    return Window(ranked=ranked, newest=[pk for pk, _rank in pairs])


def rank_of_position(ranked: list[int]):
    """An expression that orders rows like `ranked` (higher is better)."""
    if not uses_postgres():
        return Case(
            *[When(pk=pk, then=Value(-index)) for index, pk in enumerate(ranked)],
            default=Value(-len(ranked)),
            output_field=IntegerField(),
        )
    position = Func(
        Value(ranked, output_field=ArrayField(IntegerField())), F("pk"), function="array_position"
    )
    return ExpressionWrapper(-position, output_field=IntegerField())


def annotate_headline(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Add `headline_raw` (ts_headline with control-character markers) on PostgreSQL."""
    query = search_query(parsed)
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
