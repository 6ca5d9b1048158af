import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices.models import Adoption, Practice, PracticeLink
from practices.search import search_index_update
from tests.factories import MunicipalityFactory, NetworkFactory, TopicFactory
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    """Adds published practices in bulk, linked like real ones, with an up-to-date index."""
    municipalities = [MunicipalityFactory(population=5000 * (i + 1)) for i in range(4)]
    topics = [TopicFactory(name=f"Thema {i}", slug=f"qc-thema-{i}") for i in range(3)]
    network = NetworkFactory()
    created = {"count": 0}

    def grow(total):
        start = created["count"]
        practices = Practice.objects.bulk_create(
            Practice(
                title=f"Willkommen Beispiel {i}",
                slug=f"qc-beispiel-{i}",
                summary="Neubürger werden mit einer Willkommenstasche begrüßt.",
                status=Practice.Status.PUBLISHED,
                published_at=timezone.now(),
                network=network if i % 2 else None,
                started_on=timezone.localdate().replace(year=2020 + i % 4),
            )
            for i in range(start, total)
        )
        Practice.municipalities.through.objects.bulk_create(
            Practice.municipalities.through(
                practice_id=p.pk, municipality_id=municipalities[i % 4].pk
            )
            for i, p in enumerate(practices)
        )
        Practice.topics.through.objects.bulk_create(
            Practice.topics.through(practice_id=p.pk, topic_id=topics[i % 3].pk)
            for i, p in enumerate(practices)
        )
        Adoption.objects.bulk_create(
            Adoption(practice=p, municipality=municipalities[(i + 1) % 4])
            for i, p in enumerate(practices)
        )
        search_index_update(practice_ids=[practice.pk for practice in practices])
        created["count"] = total

    return grow, municipalities, topics


def count_queries(client, url, params=None):
    # Cold cache: the bulk inserts of these tests bypass the services that bump the
    # library version, and the uncached path is the one whose count must stay constant.
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Willkommenstaschen", "thema": "qc-thema-1", "einwohner": "10000-20000"},
        {"sortierung": "meist-uebernommen", "vorgestellt": "nein", "seite": "2"},
    ],
)
def test_list_query_count_is_constant(library, role_users, client_for, params):
    grow, _municipalities, _topics = library
    client = client_for(role_users["representative"])
    url = reverse("practices:list")

    grow(10)
    small = count_queries(client, url, params)
    grow(1000)
    large = count_queries(client, url, params)

    assert small == large
    assert large <= 20


def test_detail_query_count_is_constant(library, role_users, client_for, municipality):
    grow, municipalities, topics = library
    practice = IndexedPracticeFactory(municipalities=[municipality], topics=topics[:2])
    client = client_for(role_users["other_representative"])
    url = reverse("practices:detail", args=[practice.slug])

    grow(10)
    small = count_queries(client, url)
    grow(1000)
    for other in MunicipalityFactory.create_batch(5):
        Adoption.objects.create(practice=practice, municipality=other)
    PracticeLink.objects.bulk_create(
        PracticeLink(practice=practice, url=f"https://example.org/{i}") for i in range(5)
    )
    large = count_queries(client, url)

    assert small == large
    assert large <= 20


def _selected_columns(sql: str) -> str:
    return sql.split(" FROM ", 1)[0]


def test_library_cards_and_drafts_leave_long_texts_and_the_search_vector_in_the_database(
    library, role_users, client_for, municipality
):
    grow, _municipalities, _topics = library
    grow(15)
    draft = IndexedPracticeFactory(municipalities=[municipality], status=Practice.Status.DRAFT)
    client = client_for(role_users["representative"])

    for params in ({}, {"q": "Willkommenstasche"}):
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("practices:list"), params)

        assert response.status_code == 200
        assert draft.title in response.content.decode()
        rows = [
            _selected_columns(query["sql"])
            for query in context.captured_queries
            if '"practices_practice"."slug"' in _selected_columns(query["sql"])
        ]
        assert len(rows) == 2  # the cards and the drafts in progress
        for columns in rows:
            for column in ("goals", "implementation", "starting_situation", "search_vector"):
                assert f'"practices_practice"."{column}"' not in columns


def test_start_page_cards_leave_long_texts_and_the_search_vector_in_the_database(
    library, role_users, client_for
):
    grow, _municipalities, _topics = library
    grow(6)

    with CaptureQueriesContext(connection) as context:
        response = client_for(role_users["representative"]).get("/")

    assert "Willkommen Beispiel 5" in response.content.decode()
    (columns,) = [
        _selected_columns(query["sql"])
        for query in context.captured_queries
        if '"practices_practice"."slug"' in _selected_columns(query["sql"])
    ]
    for column in ("goals", "implementation", "starting_situation", "search_vector"):
        assert f'"practices_practice"."{column}"' not in columns
