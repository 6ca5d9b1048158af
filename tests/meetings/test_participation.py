from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.selectors import participation_overview
from tests.factories import (
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db


def held_meeting(days_ago, **kwargs):
    starts = timezone.now() - timedelta(days=days_ago)
    return MeetingFactory(
        status="scheduled", starts_at=starts, ends_at=starts + timedelta(hours=2), **kwargs
    )


def row_for(rows, municipality):
    return next(row for row in rows if row.municipality == municipality)


def test_participation_counts_missed_meetings_in_a_row(municipality):
    person = RepresentativeFactory(municipality=municipality)
    oldest = held_meeting(90, title="Alt")
    middle = held_meeting(60, title="Mitte")
    newest = held_meeting(30, title="Neu")
    InvitationFactory(meeting=oldest, representative=person, attended=True)
    InvitationFactory(meeting=middle, representative=person, attended=False)
    InvitationFactory(meeting=newest, representative=person, attended=None)
    # A meeting it was not invited to does not count as missed.
    held_meeting(10, title="Ohne Einladung")

    row = row_for(participation_overview(), municipality)

    assert row.missed_in_a_row == 2
    assert [meeting.title for meeting in row.last_attended] == ["Alt"]


def test_participation_one_attending_person_is_enough(municipality):
    meeting = held_meeting(30)
    InvitationFactory(
        meeting=meeting,
        representative=RepresentativeFactory(municipality=municipality),
        attended=False,
    )
    InvitationFactory(
        meeting=meeting,
        representative=RepresentativeFactory(municipality=municipality),
        attended=True,
    )

    row = row_for(participation_overview(), municipality)

    assert row.missed_in_a_row == 0
    assert row.last_attended == [meeting]


def test_participation_lists_last_three_attended_newest_first(municipality):
    person = RepresentativeFactory(municipality=municipality)
    meetings = [held_meeting(days, title=f"T{days}") for days in (50, 40, 30, 20)]
    for meeting in meetings:
        InvitationFactory(meeting=meeting, representative=person, attended=True)

    row = row_for(participation_overview(), municipality)

    assert [meeting.title for meeting in row.last_attended] == ["T20", "T30", "T40"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("other_representative", 403),
        ("representative", 403),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_participation_page_permissions(role, status, role_users, client_for):
    response = client_for(role_users[role]).get(reverse("meetings:participation"))

    assert response.status_code == status


def _history(count):
    for index in range(count):
        municipality = MunicipalityFactory()
        person = RepresentativeFactory(municipality=municipality)
        meeting = held_meeting(10 + index)
        InvitationFactory(meeting=meeting, representative=person, attended=index % 2 == 0)


def test_participation_page_query_count_is_constant(staff_user, client_for):
    client = client_for(staff_user)
    url = reverse("meetings:participation")
    _history(1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    _history(49)
    client.get(url)  # the new data moved the content version: warm the role cache again
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    assert len(small) == len(large)
    assert len(response.context["rows"]) >= 50


def test_old_participation_address_redirects_to_the_meetings_page(staff_user, client_for):
    response = client_for(staff_user).get("/mitglieder/teilnahme/")

    assert response.status_code == 301
    assert response["Location"] == reverse("meetings:participation")
