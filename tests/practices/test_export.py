"""The CSV export of the practice library: its query count stays constant as data grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MunicipalityFactory, PracticeFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _queries(client):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("practices:export"))
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode("utf-8").count("\n")


def test_export_queries_do_not_grow_with_the_practices(client_for, representative_user):
    client = client_for(representative_user)
    PracticeFactory()
    small, small_lines = _queries(client)

    topics = [TopicFactory() for _ in range(3)]
    for _ in range(10):
        practice = PracticeFactory(municipalities=[MunicipalityFactory(), MunicipalityFactory()])
        practice.topics.set(topics)
    large, large_lines = _queries(client)

    assert large_lines == small_lines + 10
    assert small == large
