"""The .ics output, checked with the icalendar library and with an independent strict
RFC 5545 reader written here (content lines, folding, BEGIN/END nesting, required
properties)."""

import hashlib
import importlib
import re
from datetime import timedelta

import icalendar
import pytest
from django.apps import apps
from django.urls import reverse

from meetings import services
from meetings.calendar import InvitationCalendar, meeting_ics, meetings_feed_ics
from meetings.models import CalendarFeed, Meeting
from tests.factories import (
    InvitationFactory,
    MeetingFactory,
    RepresentativeFactory,
    SeriesFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

NAME = re.compile(r"^[A-Za-z0-9-]+$")


def strict_parse(data: bytes) -> list[dict]:
    """A small RFC 5545 reader independent of icalendar: returns components with properties."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n"), "content lines end with CRLF"
    raw_lines = text.split("\r\n")[:-1]
    for line in raw_lines:
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
        assert "\n" not in line and "\r" not in line
    lines = []
    for line in raw_lines:
        if line.startswith((" ", "\t")):
            assert lines, "continuation without a line"
            lines[-1] += line[1:]
        else:
            lines.append(line)
    stack, components = [], []
    for line in lines:
        name_part, sep, value = line.partition(":")
        assert sep, f"no colon: {line!r}"
        name = name_part.split(";", 1)[0].upper()
        assert NAME.match(name), f"bad property name {name!r}"
        if name == "BEGIN":
            stack.append({"type": value, "props": {}})
        elif name == "END":
            component = stack.pop()
            assert component["type"] == value, "END does not match BEGIN"
            components.append(component)
        else:
            assert stack, "property outside a component"
            stack[-1]["props"].setdefault(name, []).append((name_part, value))
    assert not stack, "unclosed component"
    return components


def _by_type(components, kind):
    return [component for component in components if component["type"] == kind]


def test_meeting_ics_is_valid_for_both_parsers(settings):
    settings.SITE_URL = "https://portal.example.org"
    organiser = StaffUserFactory(email="team@example.org")
    meeting = MeetingFactory(organiser=organiser, venue="Rathaus Werdohl")

    data = meeting_ics(meeting=meeting)

    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"meeting-{meeting.pk}@portal.example.org"
    assert event["DTSTART"].dt == meeting.starts_at.replace(microsecond=0)
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert str(event["ORGANIZER"]) == "mailto:team@example.org"
    assert "Rathaus Werdohl" in str(event["LOCATION"])
    assert "konferenz.example.org" in str(event["LOCATION"])
    assert str(calendar["METHOD"]) == "PUBLISH"

    components = strict_parse(data)
    (vcalendar,) = _by_type(components, "VCALENDAR")
    assert vcalendar["props"]["VERSION"][0][1] == "2.0"
    assert "PRODID" in vcalendar["props"]
    (timezone_component,) = _by_type(components, "VTIMEZONE")
    assert timezone_component["props"]["TZID"][0][1] == "Europe/Berlin"
    (vevent,) = _by_type(components, "VEVENT")
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "ORGANIZER"):
        assert required in vevent["props"], required
    assert vevent["props"]["DTSTART"][0][0].startswith("DTSTART;TZID=Europe/Berlin")


def test_change_raises_sequence_in_the_ics():
    meeting = MeetingFactory()
    before = icalendar.Calendar.from_ical(meeting_ics(meeting=meeting))

    services.meeting_update(
        meeting=meeting,
        data={
            "starts_at": meeting.starts_at + timedelta(days=1),
            "ends_at": meeting.ends_at + timedelta(days=1),
        },
    )
    meeting.refresh_from_db()
    after_data = meeting_ics(meeting=meeting)

    (old,) = before.walk("VEVENT")
    (new,) = icalendar.Calendar.from_ical(after_data).walk("VEVENT")
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert new["UID"] == old["UID"]
    (vevent,) = _by_type(strict_parse(after_data), "VEVENT")
    assert vevent["props"]["SEQUENCE"][0][1] == "1"


def test_cancelled_meeting_gives_method_cancel():
    meeting = MeetingFactory()
    services.meeting_cancel(meeting=meeting)
    meeting.refresh_from_db()

    data = meeting_ics(meeting=meeting)

    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    (vcalendar,) = _by_type(strict_parse(data), "VCALENDAR")
    assert vcalendar["props"]["METHOD"][0][1] == "CANCEL"


def test_request_with_attendee_for_invitation_mails():
    meeting = MeetingFactory()
    person = RepresentativeFactory(email="mara@example.org")

    data = meeting_ics(meeting=meeting, method="REQUEST", attendee=person)

    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:mara@example.org"
    (vevent,) = _by_type(strict_parse(data), "VEVENT")
    assert "ATTENDEE" in vevent["props"]


def test_invitation_calendar_serialised_once_names_each_attendee_alone():
    meeting = MeetingFactory()
    # A name long enough that the ATTENDEE line must be folded.
    mara = RepresentativeFactory(
        email="mara@example.org", first_name="Mara", last_name="Müller-Lüdenscheidt " * 4
    )
    jonas = RepresentativeFactory(email="jonas@example.org", first_name="Jonas")
    calendar = InvitationCalendar(meeting=meeting, method="REQUEST")

    for person in (mara, jonas):
        data = calendar.for_attendee(person)

        (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert str(event["ATTENDEE"]) == f"mailto:{person.email}"
        assert str(event["ATTENDEE"].params["CN"]) == person.full_name
        assert event["ATTENDEE"].params["RSVP"] == "FALSE"
        assert str(event["SUMMARY"]) == str(meeting)
        # The strict reader checks folding (75 octets) and BEGIN/END nesting.
        (vevent,) = _by_type(strict_parse(data), "VEVENT")
        assert len(vevent["props"]["ATTENDEE"]) == 1


def test_ics_without_online_link_for_people_not_invited():
    meeting = MeetingFactory(online_url="https://konferenz.example.org/geheim")

    data = meeting_ics(meeting=meeting, show_online_link=False)

    assert b"geheim" not in data


def test_feed_contains_all_given_meetings_once():
    meetings = [MeetingFactory(), MeetingFactory()]

    data = meetings_feed_ics(meetings=meetings)

    uids = {str(event["UID"]) for event in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    assert len(uids) == 2
    assert len(_by_type(strict_parse(data), "VEVENT")) == 2


# Personal feeds: hashed secrets, alarms, drafts


def _feed_url_shown_after_creating(client):
    client.post(reverse("meetings:calendar_feed"), {"action": "create"})
    return client.get(reverse("meetings:calendar_feed")).context["feed_url"]


def _feed_path(feed_url):
    return feed_url.removeprefix("http://testserver")


def test_feed_secret_is_stored_only_as_its_sha256(representative_user, client_for):
    feed_url = _feed_url_shown_after_creating(client_for(representative_user))

    secret = _feed_path(feed_url).rsplit("/", 1)[-1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=representative_user)
    assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(CalendarFeed.objects.values_list()))


def test_feed_secret_is_shown_once_then_only_a_new_one_can_be_made(representative_user, client_for):
    client = client_for(representative_user)
    feed_url = _feed_url_shown_after_creating(client)

    again = client.get(reverse("meetings:calendar_feed"))

    assert feed_url.startswith("http://testserver/treffen/kalender/")
    assert again.context["feed_url"] is None
    assert feed_url.encode() not in again.content
    assert again.context["feed"] is not None


def test_feed_tokens_stored_before_hashing_keep_working_after_the_migration(
    representative_user, client_for
):
    InvitationFactory(representative=representative_user.representatives.get())
    # Before the migration the column held the secret itself.
    CalendarFeed.objects.create(user=representative_user, token_hash="alter-geheimer-schluessel")
    migration = importlib.import_module("meetings.migrations.0005_calendar_feed_token_hash_alarms")

    migration.hash_tokens(apps, None)

    response = client_for(None).get(reverse("meetings:feed", args=["alter-geheimer-schluessel"]))
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content
    stored = CalendarFeed.objects.get(user=representative_user).token_hash
    assert stored == hashlib.sha256(b"alter-geheimer-schluessel").hexdigest()


def test_feed_has_no_alarms_unless_the_person_asks_for_them(representative_user, client_for):
    InvitationFactory(representative=representative_user.representatives.get())
    client = client_for(representative_user)
    feed_path = _feed_path(_feed_url_shown_after_creating(client))

    without = client_for(None).get(feed_path).content
    client.post(reverse("meetings:calendar_feed"), {"action": "settings", "with_alarms": "1"})
    with_alarms = client_for(None).get(feed_path).content

    assert b"BEGIN:VALARM" not in without
    assert b"BEGIN:VALARM" in with_alarms
    assert CalendarFeed.objects.get(user=representative_user).with_alarms is True


def test_feed_alarms_follow_the_series_reminder_offsets():
    meeting = MeetingFactory(series=SeriesFactory(reminder_offsets=[3, 1]))

    data = meetings_feed_ics(meetings=[meeting], with_alarms=True)

    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    triggers = sorted(alarm["TRIGGER"].dt for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(days=-3), timedelta(days=-1)]
    alarms = _by_type(strict_parse(data), "VALARM")
    assert {alarm["props"]["ACTION"][0][1] for alarm in alarms} == {"DISPLAY"}
    assert all("DESCRIPTION" in alarm["props"] for alarm in alarms)


def test_feed_gives_cancelled_meetings_no_alarms():
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED)

    data = meetings_feed_ics(meetings=[meeting], with_alarms=True)

    assert b"BEGIN:VALARM" not in data


def test_feed_settings_refuse_an_unknown_choice(representative_user, client_for):
    client = client_for(representative_user)
    _feed_url_shown_after_creating(client)

    response = client.post(
        reverse("meetings:calendar_feed"), {"action": "settings", "with_alarms": "jeden Tag"}
    )

    assert response.status_code == 302
    assert CalendarFeed.objects.get(user=representative_user).with_alarms is False


def test_staff_feed_marks_drafts_as_tentative_in_the_persons_language(staff_user, client_for):
    draft = MeetingFactory(status=Meeting.Status.DRAFT, title="Planung 16. Treffen")
    MeetingFactory(title="Festes Treffen")
    staff_user.language = "de"
    staff_user.save(update_fields=["language"])
    feed_path = _feed_path(_feed_url_shown_after_creating(client_for(staff_user)))

    data = client_for(None).get(feed_path).content

    events = {
        str(event["UID"]): event for event in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    draft_event = events[f"meeting-{draft.pk}@127.0.0.1"]
    assert str(draft_event["STATUS"]) == "TENTATIVE"
    assert str(draft_event["SUMMARY"]).startswith("[Entwurf] ")
    others = [event for uid, event in events.items() if uid != f"meeting-{draft.pk}@127.0.0.1"]
    assert [str(event["STATUS"]) for event in others] == ["CONFIRMED"]
    assert not str(others[0]["SUMMARY"]).startswith("[")


def test_admin_shows_the_feed_settings_but_never_its_hash(
    admin_user, representative_user, client_for
):
    feed, secret = services.calendar_feed_create(user=representative_user)

    response = client_for(admin_user).get(
        reverse("admin:meetings_calendarfeed_change", args=[feed.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="with_alarms"' in html
    assert feed.token_hash not in html
    assert secret not in html
