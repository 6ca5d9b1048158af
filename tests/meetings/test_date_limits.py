"""Meeting times lie in 2000–2100 and agenda items are bounded: no date breaks a page."""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from meetings.forms import AgendaItemForm, MeetingForm
from meetings.models import AgendaItem, Meeting
from tests import factories

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def meeting_form_data(host, **overrides):
    return {
        "title": "Treffen",
        "host": host.pk,
        "format": "online",
        "starts_at": "2027-03-01T10:00",
        "ends_at": "2027-03-01T12:00",
        "online_url": "https://konferenz.example.org/raum",
        **overrides,
    }


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [("0001-01-01T00:00", "0001-01-01T02:00"), ("9999-12-31T22:00", "9999-12-31T23:00")],
)
def test_meeting_form_refuses_years_outside_2000_to_2100_and_says_so(
    municipality, starts_at, ends_at
):
    form = MeetingForm(data=meeting_form_data(municipality, starts_at=starts_at, ends_at=ends_at))

    assert not form.is_valid()
    assert "2000" in form.errors["starts_at"][0] and "2100" in form.errors["starts_at"][0]


def test_meeting_form_states_the_range_in_the_date_picker(municipality):
    html = str(MeetingForm()["starts_at"])

    assert 'min="2000-01-01T00:00"' in html and 'max="2100-12-31T23:59"' in html


def test_meeting_model_validation_refuses_year_one():
    meeting = factories.MeetingFactory.build(
        starts_at=datetime(1, 1, 1, tzinfo=BERLIN), ends_at=datetime(1, 1, 1, 2, tzinfo=BERLIN)
    )

    with pytest.raises(ValidationError) as error:
        meeting.full_clean(exclude=["series", "host", "organiser"])

    assert "starts_at" in error.value.message_dict


def test_database_refuses_meeting_times_outside_the_range():
    meeting = factories.MeetingFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=datetime(1, 1, 2, tzinfo=BERLIN), ends_at=datetime(1, 1, 3, tzinfo=BERLIN)
        )


def test_database_refuses_agenda_items_longer_than_600_minutes():
    item = factories.AgendaItemFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(duration_minutes=601)


def test_agenda_item_form_refuses_huge_durations():
    form = AgendaItemForm(data={"title": "Punkt", "duration_minutes": "10000000000"})

    assert not form.is_valid()
    assert "duration_minutes" in form.errors


def test_latest_meeting_with_longest_items_renders_detail_agenda_print_and_ics(client, staff_user):
    meeting = factories.MeetingFactory(
        starts_at=datetime(2100, 12, 31, 12, 0, tzinfo=BERLIN),
        ends_at=datetime(2100, 12, 31, 22, 0, tzinfo=BERLIN),
    )
    factories.AgendaItemFactory.create_batch(5, meeting=meeting, duration_minutes=600)
    client.force_login(staff_user)

    for name in ("meetings:detail", "meetings:agenda", "meetings:print", "meetings:ics"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:list")).status_code == 200


def test_copying_the_last_possible_meeting_says_why_instead_of_failing(client, staff_user):
    meeting = factories.MeetingFactory(
        starts_at=datetime(2100, 12, 1, 10, 0, tzinfo=BERLIN),
        ends_at=datetime(2100, 12, 1, 12, 0, tzinfo=BERLIN),
    )
    client.force_login(staff_user)

    response = client.post(reverse("meetings:copy", args=[meeting.pk]), follow=True)

    assert response.status_code == 200
    assert Meeting.objects.count() == 1
    assert "2100" in response.content.decode()


def test_stored_year_one_is_moved_into_range_so_pages_work_again(client, staff_user):
    migration = importlib.import_module(
        "meetings.migrations.0004_meeting_years_and_durations_bounded"
    )
    with connection.cursor() as cursor:
        # As the table was before the check existed.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE meetings_meeting DROP CONSTRAINT meeting_within_supported_years"
        )
    meeting = factories.MeetingFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meetings_meeting SET starts_at = '0001-01-01 00:00+00', "
            "ends_at = '0001-01-01 02:00+00' WHERE id = %s",
            [meeting.pk],
        )

    migration.move_stored_times_into_range(apps, None)

    client.force_login(staff_user)
    assert client.get(reverse("meetings:list")).status_code == 200
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    meeting.refresh_from_db()
    assert meeting.starts_at.year in (1999, 2000) and meeting.ends_at > meeting.starts_at
