"""Every list page and every object answers in a constant number of queries as data grows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Meeting, Minutes
from oparl.views import LIST_SECTIONS
from tests import factories
from tests.meetings.factories import DocumentFactory, MinutesFactory
from tests.oparl.conftest import OParlClient, api

pytestmark = pytest.mark.django_db

# The HTML key pages stay within 15 queries; the interface keeps to the same limit.
QUERY_LIMIT = 15
LISTS = sorted(LIST_SECTIONS)


# Organization and File lists read several tables one after the other (selectors.SOURCES).
MULTI_TABLE = {"organization", "file"}


def _grow(count):
    """Adds `count` of everything the interface serves, linked as in real use."""
    created = []
    now = timezone.now()
    for _ in range(count):
        municipality = factories.MunicipalityFactory(district=factories.DistrictFactory())
        person = factories.RepresentativeFactory(
            municipality=municipality, listed_in_open_data=True
        )
        practice = factories.PracticeFactory(municipalities=[municipality], is_public=True)
        meeting = factories.MeetingFactory(
            host=municipality,
            is_public=True,
            status=Meeting.Status.SCHEDULED,
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=3, hours=-2),
            venue="Rathaus",
        )
        for position in range(3):
            item = factories.AgendaItemFactory(
                meeting=meeting, position=position, practice=practice if position == 1 else None
            )
            DocumentFactory(meeting=meeting, agenda_item=item)
        DocumentFactory(meeting=meeting)
        MinutesFactory(meeting=meeting, status=Minutes.Status.PUBLISHED)
        factories.InvitationFactory(meeting=meeting, representative=person, attended=True)
        factories.NetworkFactory()
        created.append((meeting, practice, person, municipality))
    return created


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.response(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("query", ["", "?modified_since=2000-01-01T00:00:00%2B01:00", "?limit=3"])
def test_list_pages_need_the_same_queries_for_one_object_and_for_many(
    name, query, django_assert_num_queries, django_assert_max_num_queries
):
    client = OParlClient()
    _grow(1)
    url = api(f"body/1/{name}{query}")
    small = _count(client, url)
    every_table = _count(client, api(f"body/1/{name}?modified_since=2000-01-01T00:00:00%2B01:00"))
    _grow(6)

    if name in MULTI_TABLE:
        # A page reads its tables in turn until it is full: at most all of them, as on
        # the first page of the small data.
        with django_assert_max_num_queries(max(small, every_table)):
            client.response(url)
    else:
        with django_assert_num_queries(small):
            client.response(url)
    assert small <= QUERY_LIMIT


@pytest.mark.parametrize(
    "path",
    [
        lambda m, p, r, o: f"meeting/{m.pk}",
        lambda m, p, r, o: f"agendaitem/{m.agenda_items.first().pk}",
        lambda m, p, r, o: f"consultation/{m.agenda_items.get(position=1).pk}",
        lambda m, p, r, o: f"paper/{p.pk}",
        lambda m, p, r, o: f"person/{r.pk}",
        lambda m, p, r, o: f"membership/{r.pk}",
        lambda m, p, r, o: f"location/{m.pk}",
        lambda m, p, r, o: f"file/document/{m.documents.first().pk}",
        lambda m, p, r, o: f"file/minutes/{m.minutes.pk}",
        lambda m, p, r, o: f"organization/municipality/{o.pk}",
        lambda m, p, r, o: f"organization/series/{m.series_id}/meeting",
    ],
    ids=[
        "meeting",
        "agendaitem",
        "consultation",
        "paper",
        "person",
        "membership",
        "location",
        "document",
        "minutes",
        "organization",
        "organization meetings",
    ],
)
def test_objects_need_the_same_queries_however_much_they_hold(path, django_assert_num_queries):
    client = OParlClient()
    (small_record,) = _grow(1)
    small = _count(client, api(path(*small_record)))
    (large_record,) = _grow(1)
    meeting = large_record[0]
    # The larger object: a longer agenda with more documents and participants.
    for position in range(3, 12):
        item = factories.AgendaItemFactory(meeting=meeting, position=position)
        DocumentFactory(meeting=meeting, agenda_item=item)
        person = factories.RepresentativeFactory(listed_in_open_data=True)
        factories.InvitationFactory(meeting=meeting, representative=person, attended=True)
    _grow(3)
    url = api(path(*large_record))

    with django_assert_num_queries(small):
        client.response(url)
    assert small <= QUERY_LIMIT


def test_a_withdrawn_object_answers_in_a_few_queries(public_record, django_assert_max_num_queries):
    client = OParlClient()
    public_record.listed.listed_in_open_data = False
    public_record.listed.save()

    with django_assert_max_num_queries(4):
        client.response(api(f"membership/{public_record.listed.pk}"))
