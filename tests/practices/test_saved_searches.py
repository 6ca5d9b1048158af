"""Saved searches: the feed and export follow the search, weekly digests, unsubscribe."""

import csv
import io
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutgoingMessage
from practices import services
from practices.models import SearchSubscription
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def library(municipality, other_municipality):
    IndexedPracticeFactory(
        title="Fachkräftesicherung", municipalities=[municipality], is_public=True
    )
    IndexedPracticeFactory(title="Dorfladen", municipalities=[other_municipality], is_public=True)


def feed_titles(response):
    root = ElementTree.fromstring(response.content)
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def test_feed_follows_search_and_filters(library, client_for, municipality):
    response = client_for(None).get(
        reverse("practices:feed"), {"q": "Fachkräfte", "kommune": municipality.slug}
    )

    assert response.status_code == 200
    assert feed_titles(response) == ["Fachkräftesicherung"]
    assert "Fachkr%C3%A4fte" in response.content.decode()


def test_feed_without_search_lists_newest_public_examples(library, client_for):
    IndexedPracticeFactory(title="Intern", is_public=False)

    titles = feed_titles(client_for(None).get(reverse("practices:feed")))

    assert set(titles) == {"Fachkräftesicherung", "Dorfladen"}


def test_export_shows_what_the_page_shows_in_its_order(library, role_users, client_for):
    client = client_for(role_users["representative"])
    params = {"q": "Fachkraefte Dorfladen"}
    page = client.get(reverse("practices:list"), {"q": "Laden"})
    response = client.get(reverse("practices:export"), {"q": "Laden"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    shown = [p.title for p in page.context["page"].object_list]
    assert [row[0] for row in rows[1:]] == shown == ["Dorfladen"]
    assert params  # the list page links keep the query string:
    assert "export.csv?q=Laden" in page.content.decode()
    assert "feed/?q=Laden" in page.content.decode()


def test_subscribing_saves_the_search_once(library, role_users, client_for):
    client = client_for(role_users["representative"])

    for _ in range(2):
        response = client.post(reverse("practices:subscribe"), {"query_string": "q=Laden&seite=3"})

    assert response.status_code == 302
    subscription = SearchSubscription.objects.get()
    assert subscription.query_string == "q=Laden"
    assert subscription.user == role_users["representative"]


def test_visitors_cannot_subscribe(client_for):
    response = client_for(None).post(reverse("practices:subscribe"), {"query_string": "q=x"})

    assert response.status_code == 302
    assert SearchSubscription.objects.count() == 0


def _subscription(user, query_string, days_ago=8):
    subscription = services.search_subscription_create(user=user, query_string=query_string)
    SearchSubscription.objects.filter(pk=subscription.pk).update(
        covered_until=timezone.now() - timedelta(days=days_ago)
    )
    subscription.refresh_from_db()
    return subscription


def test_digest_is_queued_only_when_the_search_has_something_new(library, role_users):
    user = role_users["representative"]
    with_news = _subscription(user, "q=Fachkr%C3%A4fte")
    without_news = _subscription(user, "q=Streuobstwiese")

    assert services.search_digests_send() == 1

    message = OutgoingMessage.objects.get(kind=OutgoingMessage.Kind.SEARCH_DIGEST)
    assert message.recipient_email == user.email
    assert "Fachkräftesicherung" in message.body_text
    assert "abbestellen" in message.body_text
    assert message.idempotency_key.startswith(f"search_digest:{with_news.pk}:")
    without_news.refresh_from_db()
    assert without_news.covered_until < timezone.now() - timedelta(days=7)


def test_digest_goes_once_a_week_and_then_only_for_newer_examples(library, role_users):
    _subscription(role_users["representative"], "q=Fachkr%C3%A4fte")

    assert services.search_digests_send() == 1
    assert services.search_digests_send() == 0
    IndexedPracticeFactory(title="Fachkräfte-Messe", is_public=True)
    next_week = timezone.now() + timedelta(days=7)

    assert services.search_digests_send(now=next_week) == 1
    texts = list(
        OutgoingMessage.objects.filter(kind=OutgoingMessage.Kind.SEARCH_DIGEST)
        .order_by("pk")
        .values_list("body_text", flat=True)
    )
    assert len(texts) == 2
    assert "Fachkräfte-Messe" in texts[1] and "Fachkräftesicherung" not in texts[1]


def test_digest_shows_only_what_the_subscriber_may_see(library, role_users):
    IndexedPracticeFactory(title="Fachkräfte intern", is_public=False, status="draft")
    _subscription(role_users["representative"], "q=Fachkr%C3%A4fte")

    services.search_digests_send()

    assert "intern" not in OutgoingMessage.objects.get().body_text


def test_one_click_unsubscribe_with_the_signed_link(library, role_users, client_for):
    subscription = _subscription(role_users["representative"], "q=Laden")
    token = services.search_subscription_token(subscription=subscription)
    url = reverse("practices:unsubscribe", args=[token])

    assert client_for(None).get(url).status_code == 200
    assert SearchSubscription.objects.exists()
    # A mail client's one-click POST (RFC 8058) carries no CSRF token and no session.
    response = client_for(None).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not SearchSubscription.objects.exists()


def test_a_forged_unsubscribe_token_changes_nothing(library, role_users, client_for):
    subscription = _subscription(role_users["representative"], "q=Laden")
    forged = services.search_subscription_token(subscription=subscription)[:-3] + "abc"

    response = client_for(None).post(reverse("practices:unsubscribe", args=[forged]))

    assert response.status_code == 200
    assert SearchSubscription.objects.exists()


def test_beat_schedules_the_weekly_digest(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["practices-search-digests"]

    assert entry["task"] == "practices.search_digests_send"
