import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices import search
from practices.selectors import practice_search, practice_search_page
from practices.services import practice_search_index_update, practice_update
from tests.factories import MunicipalityFactory, TopicFactory
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db


def titles(user, **params):
    result = practice_search(user=user, params=params)
    return [practice.title for practice in result.queryset]


@pytest.fixture
def corpus(municipality):
    werdohl = IndexedPracticeFactory(
        title="Willkommenstasche",
        summary="Neubürger erhalten eine Tasche mit Gutscheinen.",
        municipalities=[municipality],
        is_public=True,
    )
    other = IndexedPracticeFactory(
        title="Fachkräfte-Messe",
        summary="Eine Messe für Pflegekräfte und Handwerk.",
        is_public=True,
    )
    return werdohl, other


def test_database_is_postgresql():
    # The full-text tests below are meaningful only on PostgreSQL (CI and make test).
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    "query",
    ["Willkommenstaschen", "Willkommens-Tasche", "willkommenstasche", "Willkommens Tasche"],
)
def test_search_finds_compound_variants(corpus, representative_user, query):
    assert titles(representative_user, q=query) == ["Willkommenstasche"]


def test_search_tolerates_typos_when_nothing_matches(corpus, representative_user):
    result = practice_search(user=representative_user, params={"q": "Wilkommenstashe"})

    assert [p.title for p in result.queryset] == ["Willkommenstasche"]
    assert result.approximate is True


def test_search_without_match_returns_nothing(corpus, representative_user):
    assert titles(representative_user, q="Breitbandausbau") == []


def test_search_ranks_title_over_summary_over_sections(representative_user):
    IndexedPracticeFactory(title="Stadtfest", summary="Kurz.", implementation="Mit Radwegen.")
    IndexedPracticeFactory(title="Radwegenetz", summary="Kurz.")
    IndexedPracticeFactory(title="Dorfladen", summary="Ein Projekt für Radwege im Ort.")

    assert titles(representative_user, q="Radwege", sortierung="relevanz") == [
        "Radwegenetz",
        "Dorfladen",
        "Stadtfest",
    ]


def test_search_index_follows_municipality_changes(corpus, representative_user):
    werdohl_practice, _other = corpus
    assert titles(representative_user, q="Neuenrade") == []

    werdohl_practice.municipalities.add(MunicipalityFactory(name="Neuenrade"))
    practice_search_index_update(practice_ids=[werdohl_practice.pk])

    assert titles(representative_user, q="Neuenrade") == ["Willkommenstasche"]


def test_snippet_highlights_match_and_escapes_user_html(representative_user):
    IndexedPracticeFactory(
        title="Stadtfest", summary="<script>alert(1)</script> Ein Fest mit Musik & Tanz für alle."
    )
    result = practice_search(user=representative_user, params={"q": "Musik"})

    page = practice_search_page(result=result, page_number=1)
    snippet = str(page.object_list[0].snippet)

    assert "<mark>Musik</mark>" in snippet
    assert "<script>" not in snippet
    assert "Musik</mark> &amp; Tanz" in snippet


def test_query_syntax_characters_are_harmless(corpus, representative_user):
    assert titles(representative_user, q="' & | ! :* ( Willkommenstasche") == ["Willkommenstasche"]


def test_tsquery_is_built_from_quoted_word_characters_only():
    raw = search.tsquery_string(search.query_terms("Willkommens-Tasche') | !x"))

    assert "'willkommenstasche':*" in raw
    assert "|" in raw and "!" not in raw
    # Every lexeme is quoted and holds letters and digits only.
    assert all(lexeme.isalnum() for lexeme in raw.split("'")[1::2])


def test_safe_snippet_escapes_everything_but_the_markers():
    raw = f"<script>x</script> {search.MARK_START}Tasche{search.MARK_STOP} & mehr"

    assert str(search.safe_snippet(raw)) == (
        "&lt;script&gt;x&lt;/script&gt; <mark>Tasche</mark> &amp; mehr"
    )


@pytest.mark.parametrize("query", ["Willkommenstaschen", "Willkommens-Tasche", "willkommenstasche"])
def test_simple_search_without_postgresql_finds_variants(
    corpus, representative_user, monkeypatch, query
):
    # `make run` uses SQLite: the simpler search must still find the example.
    monkeypatch.setattr(search, "uses_postgres", lambda: False)

    assert titles(representative_user, q=query) == ["Willkommenstasche"]


def test_service_update_keeps_the_index_current_for_topics(corpus, role_users, municipality):
    werdohl_practice, _other = corpus
    werdohl_practice.status = "draft"
    werdohl_practice.save()
    topic = TopicFactory(name="Stadtmarketing", slug="stadtmarketing")

    practice_update(
        practice=werdohl_practice,
        user=role_users["staff"],
        fields={"title": "Begrüßungspaket"},
        municipalities=[municipality],
        topics=[topic],
    )
    werdohl_practice.status = "published"
    werdohl_practice.save()

    assert titles(role_users["representative"], q="Stadtmarketing") == ["Begrüßungspaket"]
    assert titles(role_users["representative"], q="Begrüßungspakete") == ["Begrüßungspaket"]
    assert titles(role_users["representative"], q="Willkommenstasche") == []


def test_search_window_ids_reach_the_filter_counts_as_one_array(corpus, representative_user):
    """The window's ids go to the filter counts as arrays, not one parameter per id."""
    for number in range(30):
        IndexedPracticeFactory(title=f"Neubürgerempfang {number}", topics=[TopicFactory()])

    with CaptureQueriesContext(connection) as queries:
        result = practice_search(user=representative_user, params={"q": "Neubürger"})
    counts = [q["sql"] for q in queries if "practices_practice_topics" in q["sql"]]

    assert len(result.ordered_ids) == 31
    assert counts
    assert all("= ANY('{" in sql for sql in counts)
    assert not any(re.search(r"IN \((\d+, ){20}", sql) for sql in counts)


def test_search_window_counts_set_filters_as_if_unset_and_others_within_the_result(
    representative_user,
):
    """With a municipality chosen, its list still offers the other municipalities the
    search finds (with their numbers), while topics count within the narrowed result."""
    lennestadt = MunicipalityFactory(name="Lennestadt", slug="lennestadt", population=17000)
    wenden = MunicipalityFactory(name="Wenden", slug="wenden", population=24000)
    housing = TopicFactory(name="Wohnen", slug="wohnen")
    work = TopicFactory(name="Arbeit", slug="arbeit")
    IndexedPracticeFactory(
        title="Neubürgerempfang Lennestadt", municipalities=[lennestadt], topics=[housing]
    )
    for number in range(2):
        IndexedPracticeFactory(
            title=f"Neubürgerbrief Wenden {number}", municipalities=[wenden], topics=[work]
        )
    IndexedPracticeFactory(title="Fachkräftemesse", municipalities=[wenden], topics=[work])

    result = practice_search(
        user=representative_user, params={"q": "Neubürger", "kommune": "lennestadt"}
    )
    facets = {facet.name: facet for facet in result.facets}

    assert {o.value: o.count for o in facets["kommune"].options} == {"wenden": 2, "lennestadt": 1}
    assert [o.value for o in facets["kommune"].options if o.selected] == ["lennestadt"]
    assert {o.value: o.count for o in facets["thema"].options} == {"wohnen": 1}
    assert {o.value: o.count for o in facets["einwohner"].options} == {"10000-20000": 1}
    assert {o.value: o.count for o in facets["vorgestellt"].options} == {"nein": 1}


def test_search_window_reads_its_municipality_links_once_for_all_counts(
    municipality, representative_user
):
    """The district, municipality and population counts of a window share one read of its
    links (a WITH query); the whole library's counts join their own, which PostgreSQL may
    run in parallel."""
    IndexedPracticeFactory(title="Neubürgerempfang", municipalities=[municipality])

    with CaptureQueriesContext(connection) as searched:
        practice_search(user=representative_user, params={"q": "Neubürger"})
    with CaptureQueriesContext(connection) as listed:
        practice_search(user=representative_user, params={"thema": "wohnen"})
    window_counts = next(q["sql"] for q in searched if "SELECT 'kommune'" in q["sql"])
    library_counts = next(q["sql"] for q in listed if "SELECT 'kommune'" in q["sql"])

    assert window_counts.count('FROM "practices_practice_municipalities"') == 1
    assert "AS MATERIALIZED" in window_counts
    assert library_counts.count('FROM "practices_practice_municipalities"') == 3
    assert not library_counts.startswith("WITH")


def test_search_vector_stays_in_the_row_and_long_texts_go_beside_it():
    """The layout a text search relies on (migration 0009): testing a row's vector reads
    one page, not the TOAST table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'practices_practice'::regclass AND attname = 'search_vector'"
        )
        storage = cursor.fetchone()[0]
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'practices_practice'")
        options = cursor.fetchone()[0]

    assert storage == "m"
    assert "toast_tuple_target=128" in options


def _planner_settings(queries) -> list[str]:
    return [q["sql"] for q in queries if "set_config('random_page_cost'" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_search_window_filter_counts_get_index_lookup_costs_for_that_statement_only(
    municipality, representative_user
):
    """A window's filter counts run with random_page_cost 1.1 and no parallel workers (so the
    planner looks municipalities up by index instead of hashing them all), the counts stay
    right, and the settings end with the statement's transaction."""
    topic = TopicFactory()
    for number in range(6):
        IndexedPracticeFactory(
            title=f"Neubürgerempfang {number}", topics=[topic], municipalities=[municipality]
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        default_cost = cursor.fetchone()[0]

    with CaptureQueriesContext(connection) as queries:
        result = practice_search(user=representative_user, params={"q": "Neubürger"})
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        cost_afterwards = cursor.fetchone()[0]

    statements = [q["sql"] for q in queries]
    (setting,) = _planner_settings(queries)
    counts = next(sql for sql in statements if "SELECT 'kommune'" in sql)
    assert statements.index(setting) < statements.index(counts)
    assert "max_parallel_workers_per_gather" in setting
    facets = {facet.name: facet for facet in result.facets}
    assert [(option.label, option.count) for option in facets["kommune"].options] == [
        (municipality.name, 6)
    ]
    assert cost_afterwards == default_cost


def test_library_without_search_text_counts_filters_with_the_connections_settings(
    corpus, representative_user
):
    with CaptureQueriesContext(connection) as queries:
        practice_search(user=representative_user, params={"thema": "x"})

    assert any("SELECT 'kommune'" in q["sql"] for q in queries)
    assert not _planner_settings(queries)
