"""German search: compounds, umlaut transcriptions, typos, suggestions (issue's first list)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from practices import search
from practices.selectors import practice_search, practice_search_page
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db


def titles(user, **params):
    return [p.title for p in practice_search(user=user, params=params).queryset]


@pytest.fixture
def library(municipality):
    return {
        "tasche": IndexedPracticeFactory(
            title="Willkommenstasche", summary="Ein Gruß der Stadt.", municipalities=[municipality]
        ),
        "fachkraefte": IndexedPracticeFactory(
            title="Fachkräftesicherung", summary="Ein Bündnis der Betriebe."
        ),
        "neubuerger": IndexedPracticeFactory(
            title="Empfang im Rathaus", summary="Zweimal im Jahr für alle Neubürger."
        ),
        "dorfladen": IndexedPracticeFactory(title="Dorfladen", summary="Eine Genossenschaft."),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Tasche", "Willkommenstasche"),
        ("Willkommen", "Willkommenstasche"),
        ("Fachkräfte", "Fachkräftesicherung"),
        ("Sicherung", "Fachkräftesicherung"),
        ("Wilkommenstasche", "Willkommenstasche"),
        ("neubuerger", "Empfang im Rathaus"),
        ("Fachkraefte", "Fachkräftesicherung"),
        ("FACHKRAEFTESICHERUNG", "Fachkräftesicherung"),
        ("Laden im Dorf", "Dorfladen"),
    ],
)
def test_each_query_of_the_issue_finds_its_example(library, representative_user, query, expected):
    assert expected in titles(representative_user, q=query)


def test_the_whole_compound_finds_a_text_that_uses_its_parts(representative_user):
    IndexedPracticeFactory(title="Sprechstunde per Video", summary="Termine im Rathaus.")

    assert titles(representative_user, q="Videosprechstunde") == ["Sprechstunde per Video"]


def test_ranking_prefers_the_exact_word_over_a_compound_part(representative_user):
    IndexedPracticeFactory(title="Willkommenstasche", summary="Für Zugezogene.")
    IndexedPracticeFactory(title="Tasche aus Stoff", summary="Für Zugezogene.")

    assert titles(representative_user, q="Tasche") == ["Tasche aus Stoff", "Willkommenstasche"]


def test_a_typo_finds_the_word_in_any_field_and_title_matches_rank_first(representative_user):
    IndexedPracticeFactory(title="Markt", summary="Kurz.", implementation="Mit Genossenschaft.")
    IndexedPracticeFactory(title="Genossenschaft", summary="Kurz.")

    result = practice_search(user=representative_user, params={"q": "Genosenschaft"})

    assert [p.title for p in result.queryset] == ["Genossenschaft", "Markt"]
    assert result.approximate is True


def test_similar_spellings_rank_below_exact_matches(representative_user):
    IndexedPracticeFactory(title="Bürgerbus", summary="Kurz.")
    IndexedPracticeFactory(title="Bürgerbüro", summary="Kurz.")
    parsed = search.parse_query("Bürgerbus")
    parsed.terms[0].similar = ["burgerburo"]

    ranked = search.apply_search(
        practice_search(user=representative_user, params={}).queryset.order_by(), parsed
    ).order_by("-rank")

    assert [p.title for p in ranked] == ["Bürgerbus", "Bürgerbüro"]


def test_did_you_mean_offers_the_library_spelling_when_little_is_found(
    library, representative_user
):
    result = practice_search(user=representative_user, params={"q": "Wilkommenstasche"})
    practice_search_page(result=result, page_number=1, user=representative_user)

    assert result.suggestion == "Willkommenstasche"


def test_did_you_mean_never_offers_a_word_only_members_may_see(municipality):
    IndexedPracticeFactory(title="Streuobstwiesenpatenschaft", is_public=False)

    result = practice_search(user=None or _anonymous(), params={"q": "Streuobstwiesenpatenschft"})
    practice_search_page(result=result, page_number=1, user=_anonymous())

    assert result.suggestion == ""


def _anonymous():
    return AnonymousUser()


def test_operators_alone_give_an_empty_search_not_an_error(library, representative_user):
    for query in ["-", "&", "|", "!", "'", "(", ")", "*", ":", "<->", "\\"]:
        result = practice_search(user=representative_user, params={"q": query})
        assert len(list(result.queryset)) == 4


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("willkommenstasche", {"willkommens", "tasche"}),
        ("fachkräftesicherung", {"fachkrafte", "sicherung"}),
        ("fachkraeftesicherung", {"fachkrafte", "sicherung"}),
    ],
)
def test_compound_parts_are_folded(word, parts):
    assert parts <= set(search.compound_parts(word))


def test_fold_reads_umlauts_and_transcriptions_alike():
    assert search.fold("Fachkräfte") == search.fold("Fachkraefte") == "fachkrafte"
    assert search.fold("Straße") == search.fold("Strasse")
    # "ue" after a vowel is no umlaut ("neue", "Feuer").
    assert search.fold("Feuer") == "feuer"


@pytest.mark.parametrize("query", ["Tasche", "Fachkraefte", "Wilkommenstasche", "neubuerger"])
def test_simple_search_without_postgresql_understands_the_same_queries(
    library, representative_user, monkeypatch, query
):
    monkeypatch.setattr(search, "uses_postgres", lambda: False)

    assert titles(representative_user, q=query)
