import pytest

from practices.models import Practice
from practices.search import search_index_rebuild
from practices.services import practice_search_index_update
from tests.factories import MunicipalityFactory, PracticeFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_rebuild_gives_the_same_index_as_the_per_practice_update():
    werdohl = MunicipalityFactory(name="Werdohl")
    first = PracticeFactory(title="Willkommenstasche", municipalities=[werdohl])
    first.topics.add(TopicFactory(name="Willkommenskultur", slug="willkommenskultur"))
    second = PracticeFactory(title="Dorfladen", summary="Ein Laden im Ort.")
    practice_search_index_update(practice_ids=[first.pk, second.pk])
    expected = dict(Practice.objects.values_list("pk", "search_vector"))
    Practice.objects.update(search_vector=None)

    search_index_rebuild()

    assert dict(Practice.objects.values_list("pk", "search_vector")) == expected
    assert "werdohl" in expected[first.pk]
