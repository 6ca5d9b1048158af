import hashlib
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.lookups import id_among
from common.widgets import option_html
from members import permissions as member_permissions
from members.models import Municipality
from members.sections import PageSection
from practices import search
from practices.cache import FACETS_TIMEOUT, library_version
from practices.facet_counts import facet_rows
from practices.filters import (
    POPULATION_BANDS,
    SORTS,
    PracticeFilter,
    population_band,
)
from practices.models import Adoption, Practice, PracticeReview, Topic, agenda_items, topic_label

PAGE_SIZE = 12
EXPORT_LIMIT = 5000


def practices_visible_to_user(*, user):
    """Published examples for members; public ones for visitors; everything for staff."""
    queryset = Practice.objects.all()
    if member_permissions.is_agency_staff(user):
        return queryset
    if member_permissions.is_member(user):
        return queryset.filter(status=Practice.Status.PUBLISHED)
    return queryset.filter(status=Practice.Status.PUBLISHED, is_public=True)


def practices_published_for_user(*, user) -> QuerySet:
    """What the library lists and searches: published examples the user may read."""
    queryset = Practice.objects.filter(status=Practice.Status.PUBLISHED)
    if not member_permissions.is_member(user):
        queryset = queryset.filter(is_public=True)
    return queryset


# What a card of the library and of the start page shows; the sections' long texts and the
# search vector stay in the database (the library's snippet is made there).
PRACTICE_CARD_FIELDS = ("title", "slug", "summary", "published_at")


def _municipalities_prefetch():
    return Prefetch(
        "municipalities", queryset=Municipality.objects.only("id", "name", "slug").order_by("name")
    )


def practices_newest_for_user(*, user, limit: int = 5):
    return list(
        practices_visible_to_user(user=user)
        .filter(status=Practice.Status.PUBLISHED)
        .only(*PRACTICE_CARD_FIELDS)
        .prefetch_related(_municipalities_prefetch())
        .order_by("-published_at")[:limit]
    )


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)
    selected: str = ""
    # The <option> elements, written once when the facet is built (see _options_html), so
    # that counts cached per library version carry their markup too.
    options_html: SafeString = field(default_factory=SafeString)


def _options_html(options: list[FacetOption]) -> SafeString:
    """The <option> elements, written in Python: up to 100 per filter through the template
    language cost a library page several milliseconds (as common.widgets), and joining them
    on every view of the cached counts another 0.7 ms."""
    return mark_safe(  # noqa: S308 - option_html escapes every value and label
        "".join(
            option_html(option.value, f"{option.label} ({option.count})", selected=option.selected)
            for option in options
        )
    )


@dataclass
class PracticeSearch:
    queryset: QuerySet
    query: str
    sort: str
    approximate: bool
    facets: list[Facet]
    filterset: PracticeFilter
    active_filters: dict[str, str]
    parsed: search.ParsedQuery = field(default_factory=lambda: search.ParsedQuery(terms=[]))
    # "Did you mean …?": the query in the library's own spelling, when it finds little.
    suggestion: str = ""
    # The viewer's municipality, for "municipalities like mine" (None for others).
    own_municipality: Municipality | None = None
    params: dict[str, str] = field(default_factory=dict)
    # The result's ids in page order when the search window already holds them.
    ordered_ids: list[int] | None = None

    @property
    def is_text_search(self) -> bool:
        return bool(self.parsed.terms)


# A select with thousands of municipalities helps nobody and weighs down every page: long
# filters offer the values with the most examples (the chosen one always stays).
FACET_OPTION_LIMIT = 100


def _facet(name: str, label, rows, selected: str) -> Facet:
    rows = [row for row in rows if row[0]]
    if len(rows) > FACET_OPTION_LIMIT:
        # The values with the most examples (equal counts in the list's order: sorted() is
        # stable), chosen among the rows: a search window's 500 municipalities would
        # otherwise each become an option only to be dropped.
        top = {id(row) for row in sorted(rows, key=lambda row: -row[2])[:FACET_OPTION_LIMIT]}
        # The chosen value stays too, with its name and count, where the order puts it.
        rows = [row for row in rows if id(row) in top or str(row[0]) == selected]
    options = [FacetOption(str(value), str(text), count) for value, text, count in rows]
    if selected and selected not in {option.value for option in options}:
        options.append(FacetOption(selected, selected, 0))
    for option in options:
        option.selected = option.value == selected
    return Facet(
        name=name,
        label=label,
        options=options,
        selected=selected,
        options_html=_options_html(options),
    )


def _by_label(rows):
    """Rows in the order of their labels as a German reader expects: "Ölbach" under O."""

    def key(row):
        label = str(row[1]).casefold()
        if label.isascii():  # most names: nothing to decompose
            return label
        decomposed = unicodedata.normalize("NFKD", label)
        return "".join(char for char in decomposed if not unicodedata.combining(char))

    return sorted(rows, key=key)


@contextmanager
def _index_lookups_only(enabled: bool):
    """Plan the filter counts of a search window (at most 500 ids) as the few rows they are.

    With the default costs PostgreSQL joins the window's municipality links to all
    municipalities by hashing the whole table, three times, and starts parallel workers for
    a statement of milliseconds: 35-45 ms at Germany scale, against 11-15 ms with index
    lookups and no workers (EXPLAIN ANALYZE, interleaved runs). The same settings for the
    whole connection made the counts over the whole library slower, so they hold for this
    statement only (set_config local to the transaction opened here; inside an outer
    transaction, until that one ends). A small window would be planned well without them;
    it gets them too, so that a page's queries stay the same as the library grows.
    """
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('random_page_cost', '1.1', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
        yield


def practice_facets(
    *,
    queryset: QuerySet,
    selected: dict[str, str],
    queryset_without=None,
    ids_without=None,
    window: bool = False,
) -> list[Facet]:
    """Counts per filter value, all filters in one statement.

    A filter that is set counts its values as if it were not (`queryset_without(name)`: the
    result with every other filter and the search text), so its list still offers the
    alternatives with the number each would give; the other filters count within the result.
    ``window`` says the ids are a text search's window (planned as such, see
    _index_lookups_only).
    """

    def ids(name):
        if ids_without is not None:
            return ids_without(name)
        if name in selected and queryset_without is not None:
            return queryset_without(name)
        # The same object for every filter not set, so that they share their reads.
        return queryset

    rows: dict[str, list[tuple[str, str, int]]] = {}
    with _index_lookups_only(window):
        for facet, key, label, count in facet_rows(ids):
            rows.setdefault(facet, []).append((key, label, count))
    band_counts = {key: count for key, _label, count in rows.get("einwohner", [])}
    presented = {key: count for key, _label, count in rows.get("vorgestellt", [])}
    presented_counts = {
        "ja": presented.get("ja", 0),
        "nein": presented.get("alle", 0) - presented.get("ja", 0),
    }
    years = sorted(rows.get("beginn", []), key=lambda row: -int(row[0]))
    return [
        _facet(
            "thema",
            _("Topic"),
            _by_label(
                (slug, topic_label(slug=slug, name=name), count)
                for slug, name, count in rows.get("thema", [])
            ),
            selected.get("thema", ""),
        ),
        _facet(
            "kreis",
            _("District"),
            _by_label(rows.get("kreis", [])),
            selected.get("kreis", ""),
        ),
        _facet(
            "kommune",
            _("Municipality"),
            _by_label(rows.get("kommune", [])),
            selected.get("kommune", ""),
        ),
        _facet(
            "netzwerk",
            _("Network or project"),
            _by_label(rows.get("netzwerk", [])),
            selected.get("netzwerk", ""),
        ),
        _facet(
            "einwohner",
            _("Population"),
            [
                (value, label, band_counts[value])
                for value, label, _lower, _upper in POPULATION_BANDS
                if band_counts.get(value)
            ],
            selected.get("einwohner", ""),
        ),
        _facet(
            "beginn",
            _("Started in"),
            [(year, year, count) for year, _label, count in years],
            selected.get("beginn", ""),
        ),
        _facet(
            "vorgestellt",
            _("Presented at a meeting"),
            [
                (value, label, presented_counts[value])
                for value, label in [("ja", _("Yes")), ("nein", _("No"))]
                if presented_counts.get(value)
            ],
            selected.get("vorgestellt", ""),
        ),
    ]


def _adoption_count():
    """Adoptions per practice as a correlated subquery: no GROUP BY over the whole result."""
    adoptions = (
        Adoption.objects.filter(practice=OuterRef("pk"))
        .order_by()
        .values("practice")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(adoptions, output_field=IntegerField()), 0)


def _own_facts(municipality: Municipality) -> tuple[tuple | None, int | None, list[int]]:
    band = population_band(municipality.population)
    network_ids = list(municipality.networks.values_list("pk", flat=True))
    return band, municipality.district_id, network_ids


def _like_mine_parts(municipality: Municipality | None) -> list:
    """Conditions on a practice: a municipality of the same size band, one of the same
    district, a network the municipality belongs to."""
    if municipality is None:
        return []
    band, district_id, network_ids = _own_facts(municipality)
    links = Practice.municipalities.through.objects.filter(practice_id=OuterRef("pk"))
    parts = []
    if band is not None:
        _value, lower, upper = band
        in_band = Q(municipality__population__gte=lower)
        if upper is not None:
            in_band &= Q(municipality__population__lt=upper)
        parts.append(Exists(links.filter(in_band)))
    if district_id is not None:
        parts.append(Exists(links.filter(municipality__district_id=district_id)))
    if network_ids:
        parts.append(
            Q(network_id__in=network_ids)
            | Exists(links.filter(municipality__networks__in=network_ids))
        )
    return parts


def like_mine_condition(municipality: Municipality | None):
    """Examples from municipalities like this one (size band, district or network)."""
    parts = _like_mine_parts(municipality)
    if not parts:
        return None
    condition = Q(parts[0])
    for part in parts[1:]:
        condition |= Q(part)
    return condition


def like_mine_score(municipality: Municipality | None):
    """How many of size band, district and networks an example shares (0 to 3)."""
    score = Value(0)
    for part in _like_mine_parts(municipality):
        score = score + Case(When(part, then=Value(1)), default=Value(0))
    return score


def similar_size_adoption_count(municipality: Municipality):
    """Adoptions by municipalities in the same population band as this one."""
    band = population_band(municipality.population)
    adoptions = Adoption.objects.filter(practice=OuterRef("pk"))
    if band is None:
        return Value(0)
    _value, lower, upper = band
    adoptions = adoptions.filter(municipality__population__gte=lower)
    if upper is not None:
        adoptions = adoptions.filter(municipality__population__lt=upper)
    counted = adoptions.order_by().values("practice").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _visibility_scope(user) -> str:
    if member_permissions.is_agency_staff(user):
        return "staff"
    return "member" if member_permissions.is_member(user) else "public"


# The shape of what is cached (pickled Facet objects): raised when it changes, so that a
# process of the new code never reads an entry that one of the old code wrote during a
# rolling deploy (2: Facet.options_html became a field).
CACHE_FORMAT = 2


def _cache_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"practices:{kind}:v{CACHE_FORMAT}:{library_version()}:{digest}"


def _list_facets(*, queryset, selected, user, queryset_without) -> list[Facet]:
    """Counts of the library without search text, shared by every viewer of the same
    visibility: they cover the whole library, so they are cached under the library version
    (see practices.cache), the filters and, for "like mine", the viewer's municipality,
    which is all they depend on. A text search counts
    its bounded window directly (see SEARCH_WINDOW)."""
    # "Like mine" narrows by the viewer's own municipality, so its counts are theirs alone.
    municipality = member_permissions.current_municipality(user) if "aehnlich" in selected else None
    key = _cache_key(
        "facets",
        _visibility_scope(user),
        get_language() or "",
        f"municipality={municipality.pk if municipality else ''}",
        *sorted(f"{name}={value}" for name, value in selected.items()),
    )
    facets = cache.get(key)
    if facets is None:
        facets = practice_facets(
            queryset=queryset, selected=selected, queryset_without=queryset_without
        )
        cache.set(key, facets, FACETS_TIMEOUT)
    return facets


FILTER_NAMES = [
    "thema",
    "kreis",
    "kommune",
    "netzwerk",
    "einwohner",
    "beginn",
    "vorgestellt",
    "aehnlich",
]
# Parameters of the library's address; anything else in the query string is ignored.
PARAMETERS = ["q", *FILTER_NAMES, "sortierung", "seite"]
MAX_PARAMETER_LENGTH = 200
# Characters no search or filter value needs and the database must not see: control
# characters (NUL among them), lone surrogates and private-use code points.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ue000-\uf8ff]")


def clean_parameters(params) -> dict[str, str]:
    """The library's parameters as plain strings, without characters that have no meaning
    in a search (NUL, surrogates, control characters) and at most 200 characters long."""
    cleaned = {}
    for name in PARAMETERS:
        value = params.get(name)
        if value is None:
            continue
        value = _UNWANTED.sub("", str(value)).strip()[:MAX_PARAMETER_LENGTH]
        if value:
            cleaned[name] = value
    return cleaned


def _filtered(*, user, params, parsed) -> tuple[PracticeFilter, QuerySet, search.Window | None]:
    """The filtered, searched result; a text search also gives its window of ids."""
    filterset = PracticeFilter(params, queryset=practices_published_for_user(user=user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    if params.get("aehnlich") == "ja":
        condition = like_mine_condition(member_permissions.current_municipality(user))
        queryset = queryset.filter(condition) if condition is not None else queryset.none()
    if not parsed.terms:
        return filterset, queryset, None
    window = search.search_window(queryset, parsed, size=SEARCH_WINDOW)
    windowed = Practice.objects.filter(id_among("pk", window.ranked)).annotate(
        rank=search.rank_of_position(window.ranked)
    )
    return filterset, windowed, window


# A text search ranks the newest matches up to this many; a word found in most of the
# library ("Neubürger") is then as fast as a rare one, and the page says to narrow it.
SEARCH_WINDOW = 500
# With fewer results than this, "Did you mean …?" is offered when there is a better spelling.
FEW_RESULTS = 3


def practice_search(*, user, params, with_facets: bool = True) -> PracticeSearch:
    """The library's result for the URL's parameters: filtered, searched, sorted, counted."""
    params = clean_parameters(params)
    query = params.get("q", "")
    parsed = search.parse_query(query)
    filterset, queryset, window = _filtered(user=user, params=params, parsed=parsed)
    own = member_permissions.current_municipality(user)
    sort = params.get("sortierung") or ""
    if sort not in dict(SORTS) or (sort == "aehnliche-kommunen" and own is None):
        sort = "relevanz" if parsed.terms else "neueste"
    active = {name: params[name] for name in FILTER_NAMES if params.get(name)}

    def queryset_without(name):
        others = {key: value for key, value in params.items() if key != name}
        return _filtered(user=user, params=others, parsed=parsed)[1]

    def window_ids_without(name):
        # The ids themselves, not a subquery: the link tables are then read by their index.
        if name not in active:
            return window.ranked
        others = {key: value for key, value in params.items() if key != name}
        return _filtered(user=user, params=others, parsed=parsed)[2].ranked

    facets = []
    if with_facets and window is not None:
        facets = practice_facets(
            queryset=queryset,
            selected=active,
            ids_without=window_ids_without,
            window=True,
        )
    elif with_facets:
        facets = _list_facets(
            queryset=queryset, selected=active, user=user, queryset_without=queryset_without
        )
    ordered_ids = None
    if window is not None and sort == "relevanz":
        ordered_ids = window.ranked
    elif window is not None and sort == "neueste":
        ordered_ids = window.newest
    ranked = ["-rank"] if parsed.terms and sort == "relevanz" else []
    if sort == "aehnliche-kommunen":
        queryset = queryset.annotate(like_mine=like_mine_score(own)).order_by(
            "-like_mine", *(["-rank"] if parsed.terms else []), "-published_at", "-pk"
        )
    elif sort == "meist-uebernommen":
        queryset = queryset.annotate(adoption_count=_adoption_count()).order_by(
            "-adoption_count", "-published_at", "-pk"
        )
    else:
        queryset = queryset.order_by(*ranked, "-published_at", "-pk")
    return PracticeSearch(
        queryset=queryset,
        query=query,
        sort=sort,
        approximate=parsed.uses_similar_words,
        facets=facets,
        filterset=filterset,
        active_filters=active,
        parsed=parsed,
        own_municipality=own,
        params=params,
        ordered_ids=ordered_ids,
    )


def like_mine_query_string(*, result: PracticeSearch) -> str:
    """The list's address narrowed to municipalities like the viewer's, "" for others."""
    if result.own_municipality is None:
        return ""
    params = {name: value for name, value in result.params.items() if name != "seite"}
    params["aehnlich"] = "ja"
    params["sortierung"] = "aehnliche-kommunen"
    return urlencode(params)


def _suggestion(*, result: PracticeSearch, user, found: int) -> str:
    """The query in the library's spelling, offered only when it finds something the user
    may see (the vocabulary also holds words of members-only examples)."""
    suggestion = result.parsed.suggestion
    if (
        found >= FEW_RESULTS
        or not suggestion
        or search.fold(suggestion) == search.fold(result.query)
    ):
        return ""
    visible = practices_published_for_user(user=user)
    parsed = search.parse_query(suggestion)
    return suggestion if search.apply_search(visible, parsed).exists() else ""


def practice_search_page(*, result: PracticeSearch, page_number, user=None) -> Page:
    """One page of cards with municipalities, topics and a highlighted snippet.

    The database ranks the ids (a text search's window already holds them in order);
    snippets and adoption counts are computed for the page's twelve rows only.
    """
    ids_of_result = result.ordered_ids
    if ids_of_result is None:
        ids_of_result = result.queryset.values_list("pk", flat=True)
    page = Paginator(ids_of_result, PAGE_SIZE).get_page(page_number)
    ids = list(page.object_list)
    rows = (
        Practice.objects.filter(pk__in=ids)
        .only(*PRACTICE_CARD_FIELDS)
        .annotate(adoption_count=_adoption_count())
    )
    if result.own_municipality is not None:
        rows = rows.annotate(
            similar_size_adoptions=similar_size_adoption_count(result.own_municipality)
        )
    rows = search.annotate_headline(rows, result.parsed).prefetch_related(
        _municipalities_prefetch(), Prefetch("topics", queryset=Topic.objects.order_by("name"))
    )
    by_id = {practice.pk: practice for practice in rows} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    for practice in page.object_list:
        raw = getattr(practice, "headline_raw", None)
        if raw and search.MARK_START in raw:
            practice.snippet = search.safe_snippet(raw)
        else:
            practice.snippet = Truncator(practice.summary).words(40)
    if result.parsed.terms:
        result.suggestion = _suggestion(result=result, user=user, found=page.paginator.count)
    return page


def practices_for_export(*, result: PracticeSearch):
    queryset = result.queryset
    if "adoption_count" not in queryset.query.annotations:
        queryset = queryset.annotate(adoption_count=_adoption_count())
    return list(
        queryset.select_related("network").prefetch_related(
            _municipalities_prefetch(), Prefetch("topics", queryset=Topic.objects.order_by("name"))
        )[:EXPORT_LIMIT]
    )


def practice_get_for_page(*, slug: str) -> Practice | None:
    """A practice with everything its page shows, in a fixed number of queries."""
    return (
        Practice.objects.select_related("contact", "contact__municipality", "network", "created_by")
        .prefetch_related(
            Prefetch(
                "municipalities",
                queryset=Municipality.objects.select_related("district").order_by("name"),
            ),
            Prefetch("topics", queryset=Topic.objects.order_by("name")),
            "links",
            "attachments",
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.select_related("municipality").order_by(
                    "municipality__name"
                ),
            ),
            Prefetch(
                "reviews",
                queryset=PracticeReview.objects.select_related("created_by").order_by(
                    "-created_at", "-id"
                ),
            ),
            Prefetch(
                "agenda_items",
                queryset=agenda_items().select_related("meeting").order_by("meeting__starts_at"),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def practice_get_for_change(*, slug: str) -> Practice | None:
    return Practice.objects.prefetch_related("municipalities").filter(slug=slug).first()


# Similar examples are chosen among the newest this many that share a topic or words.
SIMILAR_CANDIDATES = 500


def practices_similar(*, practice: Practice, user, limit: int = 3) -> list[Practice]:
    """Published examples like this one: shared words (full-text rank of its title and
    keywords), shared topics, municipalities of the same size band and district."""
    topic_ids = [topic.pk for topic in practice.topics.all()]
    municipalities = list(practice.municipalities.all())
    visible = practices_published_for_user(user=user).exclude(pk=practice.pk)
    words = search.query_terms(f"{practice.title} {practice.keywords}")
    words = [term for term in words if len(term.word) >= 4]
    text_query = None
    if search.uses_postgres() and words:
        text_query = search.SearchQuery(
            " | ".join(search.lexeme(term.word, prefix=False) for term in words),
            search_type="raw",
            config=search.CONFIG,
        )
    # Per candidate, read from the link table's (practice, topic) index: the newest 500 are
    # found after a few hundred rows, where "in the set of every example of these topics"
    # first gathered tens of thousands of links. The count, a subquery too, spares grouping
    # the candidates' whole rows.
    shared_topics = Practice.topics.through.objects.filter(
        practice_id=OuterRef("pk"), topic_id__in=topic_ids
    )
    related = Q(Exists(shared_topics))
    if text_query is not None:
        related |= Q(search_vector=text_query)
    candidate_ids = (
        visible.filter(related).order_by("-published_at", "-pk").values("pk")[:SIMILAR_CANDIDATES]
    )
    links = Practice.municipalities.through.objects.filter(practice_id=OuterRef("pk"))
    topic_count = shared_topics.order_by().values("practice_id").annotate(count=Count("pk"))
    score = Coalesce(Subquery(topic_count.values("count"), output_field=IntegerField()), 0) * 1.0
    if text_query is not None:
        score = score + 4 * search.SearchRank(F("search_vector"), text_query)
    districts = {m.district_id for m in municipalities if m.district_id}
    if districts:
        score = score + Case(
            When(Exists(links.filter(municipality__district_id__in=districts)), then=0.5),
            default=0.0,
        )
    bands = {population_band(m.population) for m in municipalities} - {None}
    for _value, lower, upper in bands:
        in_band = Q(municipality__population__gte=lower)
        if upper is not None:
            in_band &= Q(municipality__population__lt=upper)
        score = score + Case(When(Exists(links.filter(in_band)), then=0.5), default=0.0)
    return list(
        Practice.objects.filter(pk__in=candidate_ids)
        .annotate(similarity=ExpressionWrapper(score, output_field=FloatField()))
        .order_by("-similarity", "-published_at", "-pk")
        .prefetch_related(_municipalities_prefetch())[:limit]
    )


def practices_in_progress_for_user(*, user, limit: int = 20) -> list[Practice]:
    """Drafts and submissions the user works on: staff see what waits for review,
    representatives the unpublished examples of their municipality."""
    if member_permissions.is_agency_staff(user):
        queryset = Practice.objects.filter(status=Practice.Status.SUBMITTED)
    else:
        municipality = member_permissions.current_municipality(user)
        if municipality is None:
            return []
        queryset = Practice.objects.filter(
            status__in=[Practice.Status.DRAFT, Practice.Status.SUBMITTED],
            pk__in=Practice.municipalities.through.objects.filter(municipality=municipality).values(
                "practice_id"
            ),
        )
    # The lists show a link with the title and the state.
    return list(queryset.only("title", "slug", "status").order_by("-updated_at")[:limit])


FEED_LENGTH = 30


def practices_for_feed(*, user, params) -> list[Practice]:
    """The newest examples of the search in `params` (the list's query string)."""
    params = {**clean_parameters(params), "sortierung": "neueste"}
    result = practice_search(user=user, params=params, with_facets=False)
    return list(result.queryset.prefetch_related(_municipalities_prefetch())[:FEED_LENGTH])


def practice_is_published(*, slug: str) -> bool:
    return Practice.objects.filter(slug=slug, status=Practice.Status.PUBLISHED).exists()


def agenda_item_for_practice_draft(*, pk: int):
    return (
        agenda_items()
        .select_related("meeting", "meeting__host", "presenting_municipality")
        .filter(pk=pk)
        .first()
    )


def practice_open_review(*, practice: Practice) -> PracticeReview | None:
    """The reviewer's request for changes that the authors have not answered yet.

    That is the newest review step when it sent the example back to a draft with a comment
    and the example is still a draft. Uses the prefetched review history when there is one.
    """
    if practice.status != Practice.Status.DRAFT:
        return None
    if "reviews" in getattr(practice, "_prefetched_objects_cache", {}):
        latest = max(
            practice.reviews.all(), key=lambda step: (step.created_at, step.pk), default=None
        )
    else:
        latest = (
            practice.reviews.select_related("created_by").order_by("-created_at", "-id").first()
        )
    if latest is None or latest.new_status != Practice.Status.DRAFT or not latest.comment:
        return None
    return latest


def _published_practices_section(*, viewer, **filters) -> PageSection:
    # Municipality and network pages list the same: published examples the viewer may read.
    practices = list(
        practices_visible_to_user(user=viewer)
        .filter(status=Practice.Status.PUBLISHED, **filters)
        .only("slug", "title")
        .order_by("-published_at")
    )
    return PageSection(
        template="practices/_municipality_section.html", context={"practices": practices}, order=20
    )


def municipality_practices_section(*, municipality, viewer) -> PageSection:
    """For the municipality page: its published examples that the viewer may read."""
    return _published_practices_section(viewer=viewer, municipalities=municipality)


def network_practices_section(*, network, viewer) -> PageSection:
    """For the network page: the network's published examples that the viewer may read."""
    return _published_practices_section(viewer=viewer, network=network)
