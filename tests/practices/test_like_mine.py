"""Municipalities like mine: narrow and re-rank by size band, district and networks."""

import pytest
from django.urls import reverse

from practices.selectors import practice_search, practice_search_page, practices_similar
from tests.factories import (
    MunicipalityFactory,
    NetworkMembershipFactory,
    RepresentativeUserFactory,
    TopicFactory,
)
from tests.practices.factories import AdoptionFactory, IndexedPracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(municipality):
    """Werdohl (20,000, its district) and examples from a like and an unlike municipality."""
    like = MunicipalityFactory(name="Altena", district=municipality.district, population=25000)
    unlike = MunicipalityFactory(name="Großstadt", population=300000)
    networked = MunicipalityFactory(name="Netzstadt", population=300000)
    membership = NetworkMembershipFactory(municipality=municipality)
    NetworkMembershipFactory(network=membership.network, municipality=networked)
    return {
        "like": IndexedPracticeFactory(title="Dorfladen Altena", municipalities=[like]),
        "unlike": IndexedPracticeFactory(title="Dorfladen Großstadt", municipalities=[unlike]),
        "networked": IndexedPracticeFactory(title="Dorfladen Netz", municipalities=[networked]),
        "like_municipality": like,
        "unlike_municipality": unlike,
    }


def test_narrowing_keeps_examples_from_municipalities_like_mine(region, representative_user):
    result = practice_search(user=representative_user, params={"q": "Dorfladen", "aehnlich": "ja"})

    assert {p.title for p in result.queryset} == {"Dorfladen Altena", "Dorfladen Netz"}


def test_re_ranking_puts_municipalities_like_mine_first(region, representative_user):
    result = practice_search(
        user=representative_user, params={"q": "Dorfladen", "sortierung": "aehnliche-kommunen"}
    )

    assert [p.title for p in result.queryset][-1] == "Dorfladen Großstadt"
    assert [p.title for p in result.queryset][0] == "Dorfladen Altena"


def test_visitors_have_no_municipality_to_compare_with(region, client_for):
    response = client_for(None).get(reverse("practices:list"), {"aehnlich": "ja"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_list_offers_the_one_click_link_preset_from_the_profile(
    region, representative_user, client_for
):
    response = client_for(representative_user).get(reverse("practices:list"), {"q": "Dorfladen"})

    assert "aehnlich=ja" in response.content.decode()
    assert "sortierung=aehnliche-kommunen" in response.content.decode()


def test_cards_count_adoptions_by_municipalities_of_similar_size(region, representative_user):
    AdoptionFactory(practice=region["unlike"], municipality=region["like_municipality"])
    AdoptionFactory(practice=region["unlike"], municipality=MunicipalityFactory(population=900))
    result = practice_search(user=representative_user, params={"q": "Großstadt"})

    page = practice_search_page(result=result, page_number=1, user=representative_user)

    card = page.object_list[0]
    assert (card.adoption_count, card.similar_size_adoptions) == (2, 1)


def test_similar_examples_use_text_topic_size_and_district(municipality, representative_user):
    topic = TopicFactory(name="Nahversorgung", slug="nahversorgung")
    practice = IndexedPracticeFactory(
        title="Dorfladen", keywords="Genossenschaft", municipalities=[municipality], topics=[topic]
    )
    neighbour = MunicipalityFactory(district=municipality.district, population=19000)
    IndexedPracticeFactory(title="Genossenschaft im Ort", municipalities=[neighbour])
    IndexedPracticeFactory(title="Radweg", municipalities=[MunicipalityFactory(population=90000)])

    similar = practices_similar(practice=practice, user=representative_user)

    assert [p.title for p in similar] == ["Genossenschaft im Ort"]


def test_like_mine_counts_are_not_shared_between_municipalities(region, client_for):
    far_away = MunicipalityFactory(population=900000)
    url = reverse("practices:list")
    own = client_for(RepresentativeUserFactory(representative=region["like_municipality"]))
    other = client_for(RepresentativeUserFactory(representative=far_away))

    def band_counts(client):
        facets = client.get(url, {"aehnlich": "ja"}).context["result"].facets
        band = next(facet for facet in facets if facet.name == "einwohner")
        return {option.value: option.count for option in band.options}

    assert band_counts(own) == {"20000-50000": 1}
    assert band_counts(other) == {"ab-50000": 2}
