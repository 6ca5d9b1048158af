"""The topics the portal ships are shown in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from practices.models import PORTAL_TOPIC_LABELS, Topic
from tests.factories import PracticeFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped_topics():
    # As the data migration made them (a browser test's flush may have removed them).
    for slug, (german, _label) in PORTAL_TOPIC_LABELS.items():
        Topic.objects.get_or_create(slug=slug, defaults={"name": german})


def test_shipped_topics_are_translated_to_english():
    topic = Topic.objects.get(slug="willkommenskultur")

    with translation.override("en"):
        assert str(topic) == "Welcome culture"
    with translation.override("de"):
        assert str(topic) == "Willkommenskultur"


def test_every_shipped_topic_has_an_english_label():
    with translation.override("en"):
        labels = {topic.slug: topic.label for topic in Topic.objects.all()}

    assert labels["medizin-pflege"] == "Medicine & care"
    assert labels["neubuerger-gewinnung"] == "Attracting new residents"
    untranslated = [slug for slug, label in labels.items() if label in {"Wohnen", "Familie"}]
    assert untranslated == []


def test_topic_renamed_by_staff_shows_its_new_name_in_every_language():
    topic = Topic.objects.get(slug="tourismus")
    topic.name = "Tourismus & Freizeit"
    topic.save()
    added = TopicFactory(name="Ehrenamt", slug="ehrenamt")

    with translation.override("en"):
        assert str(topic) == "Tourismus & Freizeit"
        assert str(added) == "Ehrenamt"


def test_library_in_english_shows_topics_in_english_in_cards_and_filters(client):
    practice = PracticeFactory(is_public=True)
    practice.topics.add(Topic.objects.get(slug="fachkraefte"))

    response = client.get(reverse("practices:list"), headers={"accept-language": "en"})

    content = response.content.decode()
    assert "Skilled workers" in content
    assert "Fachkräfte" not in content
