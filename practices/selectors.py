import hashlib
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem
from members import permissions as member_permissions
from members.models import Municipality
from members.sections import PageSection
from practices import search
from practices.cache import FACETS_TIMEOUT, library_version
from practices.filters import POPULATION_BANDS, SORTS, PracticeFilter, presented_subquery
from practices.models import Adoption, Practice, PracticeReview, Topic

PAGE_SIZE = 12
EXPORT_LIMIT = 5000
SIMILAR_TITLE_THRESHOLD = 0.2


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


def _municipalities_prefetch():
    return Prefetch(
        "municipalities", queryset=Municipality.objects.only("id", "name", "slug").order_by("name")
    )


def practices_newest_for_user(*, user, limit: int = 5):
    return list(
        practices_visible_to_user(user=user)
        .filter(status=Practice.Status.PUBLISHED)
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


@dataclass
class PracticeSearch:
    queryset: QuerySet
    query: str
    sort: str
    approximate: bool
    facets: list[Facet]
    filterset: PracticeFilter
    active_filters: dict[str, str]
    # Where the ranked ids of a text search are cached (None without search text).
    ranked_ids_key: str | None = None


# A select with thousands of municipalities helps nobody and weighs down every page: long
# filters offer the values with the most examples (the chosen one always stays).
FACET_OPTION_LIMIT = 100


def _facet(name: str, label, rows, selected: str) -> Facet:
    options = [FacetOption(str(value), str(text), count) for value, text, count in rows if value]
    if len(options) > FACET_OPTION_LIMIT:
        order = {id(option): index for index, option in enumerate(options)}
        top = sorted(options, key=lambda option: -option.count)[:FACET_OPTION_LIMIT]
        options = sorted(top, key=lambda option: order[id(option)])
    if selected and selected not in {option.value for option in options}:
        options.append(FacetOption(selected, selected, 0))
    for option in options:
        option.selected = option.value == selected
    return Facet(name=name, label=label, options=options, selected=selected)


def practice_facets(
    *, queryset: QuerySet, selected: dict[str, str], queryset_without=None
) -> list[Facet]:
    """Counts per filter value, one query per filter.

    A filter that is set counts its values as if it were not (`queryset_without(name)`: the
    result with every other filter and the search text), so its list still offers the
    alternatives with the number each would give; the other filters count within the result.
    """

    def ids(name):
        if name in selected and queryset_without is not None:
            return queryset_without(name).order_by().values("pk")
        return queryset.order_by().values("pk")

    def municipality_links(name):
        return Practice.municipalities.through.objects.filter(practice_id__in=ids(name))

    topic_rows = (
        Practice.topics.through.objects.filter(practice_id__in=ids("thema"))
        .values("topic__slug", "topic__name")
        .annotate(count=Count("practice_id", distinct=True))
        .order_by("topic__name")
    )
    district_rows = (
        municipality_links("kreis")
        .filter(municipality__district__isnull=False)
        .values("municipality__district__ags_prefix", "municipality__district__name")
        .annotate(count=Count("practice_id", distinct=True))
        .order_by("municipality__district__name")
    )
    municipality_rows = (
        municipality_links("kommune")
        .values("municipality__slug", "municipality__name")
        .annotate(count=Count("practice_id", distinct=True))
        .order_by("municipality__name")
    )
    network_rows = (
        Practice.objects.filter(pk__in=ids("netzwerk"), network__isnull=False)
        .values("network__slug", "network__name")
        .annotate(count=Count("id"))
        .order_by("network__name")
    )
    band_case = Case(
        *[
            When(
                Q(municipality__population__gte=lower)
                & (Q(municipality__population__lt=upper) if upper else Q()),
                then=Value(value),
            )
            for value, _label, lower, upper in POPULATION_BANDS
        ],
        default=Value(""),
        output_field=CharField(),
    )
    band_counts = dict(
        municipality_links("einwohner")
        .annotate(band=band_case)
        .values("band")
        .annotate(count=Count("practice_id", distinct=True))
        .values_list("band", "count")
    )
    year_rows = (
        Practice.objects.filter(pk__in=ids("beginn"), started_on__isnull=False)
        .annotate(year=ExtractYear("started_on"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by("-year")
    )
    presented_counts = dict(
        Practice.objects.filter(pk__in=ids("vorgestellt"))
        .annotate(presented=presented_subquery())
        .values("presented")
        .annotate(count=Count("id"))
        .values_list("presented", "count")
    )
    return [
        _facet(
            "thema",
            _("Topic"),
            [(r["topic__slug"], r["topic__name"], r["count"]) for r in topic_rows],
            selected.get("thema", ""),
        ),
        _facet(
            "kreis",
            _("District"),
            [
                (
                    r["municipality__district__ags_prefix"],
                    r["municipality__district__name"],
                    r["count"],
                )
                for r in district_rows
            ],
            selected.get("kreis", ""),
        ),
        _facet(
            "kommune",
            _("Municipality"),
            [
                (r["municipality__slug"], r["municipality__name"], r["count"])
                for r in municipality_rows
            ],
            selected.get("kommune", ""),
        ),
        _facet(
            "netzwerk",
            _("Network or project"),
            [(r["network__slug"], r["network__name"], r["count"]) for r in network_rows],
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
            [(r["year"], r["year"], r["count"]) for r in year_rows],
            selected.get("beginn", ""),
        ),
        _facet(
            "vorgestellt",
            _("Presented at a meeting"),
            [
                (value, label, presented_counts[key])
                for value, label, key in [("ja", _("Yes"), True), ("nein", _("No"), False)]
                if presented_counts.get(key)
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


def _visibility_scope(user) -> str:
    if member_permissions.is_agency_staff(user):
        return "staff"
    return "member" if member_permissions.is_member(user) else "public"


def _cache_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"practices:{kind}:{library_version()}:{digest}"


def _search_key_parts(*, user, query, selected, sort="") -> list[str]:
    return [
        _visibility_scope(user),
        get_language() or "",
        query,
        sort,
        *sorted(f"{name}={value}" for name, value in selected.items()),
    ]


def _cached_facets(*, queryset, selected, query, user, queryset_without) -> list[Facet]:
    """Filter counts are the costly part of a broad search; they are cached per library
    version (see practices.cache), so a committed change is never hidden."""
    key = _cache_key("facets", *_search_key_parts(user=user, query=query, selected=selected))
    facets = cache.get(key)
    if facets is None:
        facets = practice_facets(
            queryset=queryset, selected=selected, queryset_without=queryset_without
        )
        cache.set(key, facets, FACETS_TIMEOUT)
    return facets


def _filtered(*, user, params, query) -> tuple[PracticeFilter, QuerySet, bool]:
    filterset = PracticeFilter(params, queryset=practices_published_for_user(user=user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    queryset, approximate = search.apply_search(queryset, query)
    return filterset, queryset, approximate


def practice_search(*, user, params, with_facets: bool = True) -> PracticeSearch:
    """The library's result for the URL's parameters: filtered, searched, sorted, counted."""
    query = (params.get("q") or "").strip()[:200]
    filterset, queryset, approximate = _filtered(user=user, params=params, query=query)
    sort = params.get("sortierung") or ""
    if sort not in dict(SORTS):
        sort = "relevanz" if query else "neueste"
    active = {
        name: str(params.get(name))
        for name in ["thema", "kreis", "kommune", "netzwerk", "einwohner", "beginn", "vorgestellt"]
        if params.get(name)
    }

    def queryset_without(name):
        others = params.copy()
        others.pop(name, None)
        return _filtered(user=user, params=others, query=query)[1]

    facets = (
        _cached_facets(
            queryset=queryset,
            selected=active,
            query=query,
            user=user,
            queryset_without=queryset_without,
        )
        if with_facets
        else []
    )
    if sort == "relevanz" and query:
        queryset = queryset.order_by("-rank", "-published_at", "-pk")
    elif sort == "meist-uebernommen":
        queryset = queryset.annotate(adoption_count=_adoption_count()).order_by(
            "-adoption_count", "-published_at", "-pk"
        )
    else:
        queryset = queryset.order_by("-published_at", "-pk")
    ranked_ids_key = (
        _cache_key("ranked", *_search_key_parts(user=user, query=query, selected=active, sort=sort))
        if query
        else None
    )
    return PracticeSearch(
        queryset=queryset,
        ranked_ids_key=ranked_ids_key,
        query=query,
        sort=sort,
        approximate=approximate,
        facets=facets,
        filterset=filterset,
        active_filters=active,
    )


def practice_search_page(*, result: PracticeSearch, page_number) -> Page:
    """One page of cards with municipalities, topics and a highlighted snippet.

    The page's ids come first; snippets and adoption counts are computed for those
    twenty rows only, not for every match.
    """
    ids_of_result = result.queryset.values_list("pk", flat=True)
    if result.ranked_ids_key:
        # Ranking every match of a common word is the slow part of a search; the ranked
        # ids are kept per library version like the filter counts.
        ranked = cache.get(result.ranked_ids_key)
        if ranked is None:
            ranked = list(ids_of_result)
            cache.set(result.ranked_ids_key, ranked, FACETS_TIMEOUT)
        ids_of_result = ranked
    page = Paginator(ids_of_result, PAGE_SIZE).get_page(page_number)
    ids = list(page.object_list)
    rows = search.annotate_headline(
        Practice.objects.filter(pk__in=ids).annotate(adoption_count=_adoption_count()),
        result.query,
    ).prefetch_related(
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
                queryset=AgendaItem.objects.select_related("meeting").order_by(
                    "meeting__starts_at"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def practice_get_for_change(*, slug: str) -> Practice | None:
    return Practice.objects.prefetch_related("municipalities").filter(slug=slug).first()


def practices_similar(*, practice: Practice, user, limit: int = 3) -> list[Practice]:
    """Published examples sharing topics with this one, then those with a similar title."""
    topic_ids = [topic.pk for topic in practice.topics.all()]
    candidates = (
        practices_published_for_user(user=user)
        .exclude(pk=practice.pk)
        .annotate(shared_topics=Count("topics", filter=Q(topics__in=topic_ids), distinct=True))
    )
    if search.uses_postgres():
        candidates = candidates.annotate(
            title_similarity=TrigramSimilarity("title", practice.title)
        ).filter(Q(shared_topics__gt=0) | Q(title_similarity__gte=SIMILAR_TITLE_THRESHOLD))
        ordering = ["-shared_topics", "-title_similarity", "-published_at"]
    else:
        candidates = candidates.filter(shared_topics__gt=0)
        ordering = ["-shared_topics", "-published_at"]
    return list(candidates.order_by(*ordering).prefetch_related(_municipalities_prefetch())[:limit])


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
    return list(queryset.order_by("-updated_at")[:limit])


def practices_for_feed(*, limit: int = 30) -> list[Practice]:
    """The public feed: published examples that staff made public."""
    return list(
        Practice.objects.filter(status=Practice.Status.PUBLISHED, is_public=True)
        .prefetch_related(_municipalities_prefetch())
        .order_by("-published_at", "-pk")[:limit]
    )


def practice_is_published(*, slug: str) -> bool:
    return Practice.objects.filter(slug=slug, status=Practice.Status.PUBLISHED).exists()


def agenda_item_for_practice_draft(*, pk: int):
    return (
        AgendaItem.objects.select_related("meeting", "meeting__host", "presenting_municipality")
        .filter(pk=pk)
        .first()
    )


def municipality_practices_section(*, municipality, viewer) -> PageSection:
    """For the municipality page: its published examples that the viewer may read."""
    practices = list(
        practices_visible_to_user(user=viewer)
        .filter(municipalities=municipality, status=Practice.Status.PUBLISHED)
        .only("slug", "title")
        .order_by("-published_at")
    )
    return PageSection(
        template="practices/_municipality_section.html", context={"practices": practices}, order=20
    )


def network_practices_section(*, network, viewer) -> PageSection:
    """For the network page: the network's published examples that the viewer may read."""
    practices = list(
        practices_visible_to_user(user=viewer)
        .filter(network=network, status=Practice.Status.PUBLISHED)
        .only("slug", "title")
        .order_by("-published_at")
    )
    return PageSection(
        template="practices/_municipality_section.html", context={"practices": practices}, order=20
    )
