"""The demo data tells the round table's story and fills every page; loading it twice
changes nothing."""

import pytest
from django.db.models import Count

from demo.demo_data import demo_data_load
from meetings.models import ActionItem, Invitation, Meeting, Minutes
from members.models import Municipality, Representative, User
from practices.models import Adoption, Practice

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Representative,
            Meeting,
            Invitation,
            Minutes,
            ActionItem,
            Practice,
            Adoption,
        )
    }


def test_demo_data_loaded_twice_changes_nothing():
    demo_data_load()
    first = _counts()

    demo_data_load()

    assert _counts() == first


def test_demo_tells_the_series_up_to_the_fifteenth_online_in_werdohl():
    demo_data_load()

    meetings = Meeting.objects.filter(series__name="Runder Tisch – Willkommen in Südwestfalen")
    assert sorted(meetings.values_list("number", flat=True)) == list(range(1, 16))
    fifteenth = meetings.get(number=15)
    assert fifteenth.host.name == "Werdohl"
    assert fifteenth.format == Meeting.Format.ONLINE
    titles = " ".join(fifteenth.agenda_items.values_list("title", flat=True))
    for told in ("Willkommenstasche", "Perspektive Südwestfalen 2.0", "Smart Cities: 5 für"):
        assert told in titles
    earlier = meetings.exclude(number=15)
    assert {meeting.state for meeting in earlier} == {Meeting.State.HELD}
    assert all(meeting.starts_at < fifteenth.starts_at for meeting in earlier)


def test_demo_fills_library_members_and_meeting_pages():
    demo_data_load()

    with_region = Municipality.objects.filter(ags__isnull=False)
    assert with_region.count() == 59
    people = with_region.annotate(people=Count("representatives")).values_list("people", flat=True)
    assert min(people) >= 2
    published = Practice.objects.filter(status=Practice.Status.PUBLISHED)
    assert published.count() >= 25
    assert published.values("topics").distinct().count() >= 9
    assert published.values("municipalities__district").distinct().count() == 5
    assert Practice.objects.filter(status=Practice.Status.SUBMITTED).exists()
    assert Practice.objects.filter(status=Practice.Status.DRAFT, reviews__comment__gt="").exists()
    assert Adoption.objects.values("practice").distinct().count() >= 5
    assert Minutes.objects.filter(status=Minutes.Status.PUBLISHED).count() >= 10
    statuses = set(ActionItem.objects.values_list("status", flat=True))
    assert {ActionItem.Status.OPEN, ActionItem.Status.DONE} <= statuses
    assert Invitation.objects.filter(attended=True).count() > 100


def test_demo_people_are_fictional_and_the_invented_examples_say_so():
    demo_data_load()

    addresses = set(Representative.objects.values_list("email", flat=True))
    addresses |= set(User.objects.values_list("email", flat=True))
    assert all(address.endswith("@example.org") for address in addresses)
    invented = Practice.objects.exclude(slug="willkommenstasche-werdohl")
    assert all("Demo" in practice.summary for practice in invented)


def test_demo_meetings_are_on_the_public_record_without_their_online_links(client):
    demo_data_load()

    response = client.get("/oparl/v1.1/body/1/meeting")

    meetings = response.json()["data"]
    assert len(meetings) == 15
    assert "konferenz.example.org" not in response.content.decode()
