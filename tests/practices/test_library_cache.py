"""Cached filter counts and rankings never outlive a committed change."""

import pytest
from django.urls import reverse

from practices import services
from practices.models import Practice
from tests.factories import PracticeFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)


def result_count(client, **params):
    response = client.get(reverse("practices:list"), params)
    return response.context["page"].paginator.count, response.context["result"].facets


def topic_count(facets, slug):
    for facet in facets:
        for option in facet.options:
            if option.value == slug:
                return option.count
    return 0


def test_publishing_through_the_service_refreshes_cached_counts_and_ranking(
    client_for, representative_user, staff_user, municipality
):
    topic = TopicFactory(name="Ehrenamt", slug="ehrenamt")
    first = PracticeFactory(title="Ehrenamtsbörse", municipalities=[municipality])
    first.topics.add(topic)
    services.practice_search_index_update(practice_ids=[first.pk])
    client = client_for(representative_user)
    assert result_count(client, q="Ehrenamtsbörse")[0] == 1
    count, facets = result_count(client, thema="ehrenamt")
    assert (count, topic_count(facets, "ehrenamt")) == (1, 1)

    second = PracticeFactory(
        title="Ehrenamtsbörse Nord",
        municipalities=[municipality],
        status="submitted",
        published_at=None,
    )
    second.topics.add(topic)
    services.practice_search_index_update(practice_ids=[second.pk])
    services.practice_publish(practice=Practice.objects.get(pk=second.pk), user=staff_user)

    assert result_count(client, q="Ehrenamtsbörse")[0] == 2
    count, facets = result_count(client, thema="ehrenamt")
    assert (count, topic_count(facets, "ehrenamt")) == (2, 2)
