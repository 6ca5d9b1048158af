"""Series in the portal, reminder dates on the meeting page and the profile's reminder switch."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import messages, services
from meetings.models import Invitation, Series
from notifications.models import OutgoingMessage
from tests.factories import InvitationFactory, MeetingFactory, MunicipalityFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def test_staff_create_a_series_with_reminder_offsets_as_a_list_of_days(client_for, staff_user):
    response = client_for(staff_user).post(
        reverse("meetings:series_create"),
        {
            "name": "Digitalstammtisch",
            "slug": "digitalstammtisch",
            "reminder_offsets": "1, 14; 7, 7",
            "host_rotation": "same",
            "default_duration_minutes": "90",
        },
    )

    series = Series.objects.get(slug="digitalstammtisch")
    assert response.status_code == 302
    assert series.reminder_offsets == [14, 7, 1]
    assert series.host_rotation == Series.HostRotation.SAME_HOST
    assert series.default_duration_minutes == 90


@pytest.mark.parametrize("offsets", ["sieben", "0", "-1", "400", "7.5", "[7]"])
def test_series_form_refuses_offsets_that_are_not_days(offsets, client_for, staff_user):
    series = SeriesFactory(reminder_offsets=[7, 1])

    response = client_for(staff_user).post(
        reverse("meetings:series_edit", args=[series.pk]),
        {
            "name": series.name,
            "slug": series.slug,
            "reminder_offsets": offsets,
            "host_rotation": "next",
            "default_duration_minutes": "120",
        },
    )

    assert response.status_code == 200
    assert "ganze Tage von 1 bis 365" in response.content.decode()
    series.refresh_from_db()
    assert series.reminder_offsets == [7, 1]


def test_next_meeting_follows_the_series_rotation_and_duration(staff_user):
    series = SeriesFactory(host_rotation=Series.HostRotation.SAME_HOST, default_duration_minutes=90)
    host = MunicipalityFactory()
    meeting = MeetingFactory(series=series, host=host)

    new = services.meeting_copy_next(meeting=meeting, organiser=staff_user)

    assert new.host == host
    assert new.ends_at - new.starts_at == timedelta(minutes=90)


def test_meeting_page_shows_the_planned_reminder_dates(client_for, staff_user):
    starts = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    meeting = MeetingFactory(
        series=SeriesFactory(reminder_offsets=[10, 2]),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )

    page = client_for(staff_user).get(reverse("meetings:detail", args=[meeting.pk]))

    for days in (10, 2):
        when = timezone.localtime(starts - timedelta(days=days)).isoformat()
        assert f'datetime="{when}"' in page.content.decode()


def test_profile_switch_turns_reminders_off_but_keeps_updates(
    client_for, representative_user, outbox, django_capture_on_commit_callbacks
):
    client_for(representative_user).post(
        reverse("members:profile"),
        {
            "contact-first_name": "Mara",
            "contact-last_name": "Muster",
            "contact-email": "vertretung@example.org",
            "account-language": "de",
        },
    )
    representative_user.refresh_from_db()
    starts = timezone.now() + timedelta(days=6)
    meeting = MeetingFactory(
        series=SeriesFactory(reminder_offsets=[7]),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    invitation = InvitationFactory(
        meeting=meeting,
        representative=representative_user.representatives.get(),
        response="accepted",
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )

    queued = messages.meeting_reminders_send()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=meeting, data={"venue": "Rathaus Werdohl, Saal 2"}, notify=True
        )

    assert representative_user.meeting_reminders is False
    assert queued == 0
    kinds = set(OutgoingMessage.objects.values_list("kind", flat=True))
    assert kinds == {messages.Kind.UPDATE}
