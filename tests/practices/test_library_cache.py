"""Cached filter counts and rankings never outlive a committed change."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from practices import selectors, services
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


def test_cached_filter_counts_of_another_format_are_not_read(role_users, client_for, monkeypatch):
    """An entry written by code that cached another shape of filter counts (during a
    rolling deploy) is not read: the new code counts again."""
    keys = []
    real_key = selectors._cache_key

    def recording_key(kind, *parts):
        keys.append(real_key(kind, *parts))
        return keys[-1]

    monkeypatch.setattr(selectors, "_cache_key", recording_key)
    client = client_for(role_users["representative"])
    client.get(reverse("practices:list"))
    (key,) = [key for key in keys if key.startswith("practices:facets:")]
    cache.set(key, [], 600)  # stands in for what older code left under the same key
    assert client.get(reverse("practices:list")).context["result"].facets == []

    monkeypatch.setattr(selectors, "CACHE_FORMAT", selectors.CACHE_FORMAT + 1)

    assert client.get(reverse("practices:list")).context["result"].facets != []
