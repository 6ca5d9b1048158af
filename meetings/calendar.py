"""iCalendar (.ics) output for meetings: single downloads, mail attachments and feeds."""

from datetime import date, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from meetings.models import Meeting

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Runder Tisch Suedwestfalen//Portal//DE"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting, so calendars update instead of duplicating."""
    return f"meeting-{meeting.pk}@{_host()}"


def _location(meeting: Meeting) -> str:
    parts = [meeting.venue.strip()] if meeting.venue.strip() else []
    if meeting.online_url and meeting.format != Meeting.Format.IN_PERSON:
        parts.append(meeting.online_url)
    return "\n".join(parts)


def _summary(meeting: Meeting) -> str:
    if meeting.status == Meeting.Status.DRAFT:
        # Only staff see drafts; the prefix keeps them from mistaking one for a date.
        return _("[Draft] %(meeting)s") % {"meeting": meeting}
    return str(meeting)


def _alarms(meeting: Meeting) -> list[Alarm]:
    """One display alarm per reminder offset of the meeting's series (days before)."""
    # meetings.messages imports this module at its top (meeting_ics for the attachments).
    from meetings.messages import reminder_offsets  # noqa: PLC0415 - cycle, see above

    alarms = []
    for days in reminder_offsets(meeting):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _summary(meeting))
        alarm.add("trigger", timedelta(days=-days))
        alarms.append(alarm)
    return alarms


def _attendee_address(attendee) -> vCalAddress:
    address = vCalAddress(f"mailto:{attendee.email}")
    address.params["cn"] = vText(attendee.full_name)
    address.params["role"] = vText("REQ-PARTICIPANT")
    # The portal does not read the organiser's mailbox, so calendar programs must not send
    # iMIP replies there; people answer with the links in the mail (README, Mail).
    address.params["rsvp"] = vText("FALSE")
    return address


def _event(
    meeting: Meeting,
    *,
    method: str,
    show_online_link: bool = True,
    with_alarms: bool = False,
):
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("summary", _summary(meeting))
    event.add("dtstart", timezone.localtime(meeting.starts_at, BERLIN))
    event.add("dtend", timezone.localtime(meeting.ends_at, BERLIN))
    description = meeting.description
    link = f"{settings.SITE_URL}{reverse('meetings:detail', args=[meeting.pk])}"
    description = f"{description}\n\n{link}".strip()
    event.add("description", description)
    event.add("url", link)
    location = _location(meeting) if show_online_link else meeting.venue.strip()
    if location:
        event.add("location", location)
    cancelled = method == "CANCEL" or meeting.status == Meeting.Status.CANCELLED
    if cancelled:
        event.add("status", "CANCELLED")
    elif meeting.status == Meeting.Status.DRAFT:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    organiser_email = meeting.organiser.email if meeting.organiser_id else None
    organiser_email = organiser_email or settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(">")
    organizer = vCalAddress(f"mailto:{organiser_email}")
    organizer.params["cn"] = vText(
        meeting.organiser.get_full_name() if meeting.organiser_id else "Runder Tisch"
    )
    event["organizer"] = organizer
    if with_alarms and not cancelled:
        for alarm in _alarms(meeting):
            event.add_component(alarm)
    return event


@cache
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone | None:
    """The VTIMEZONE of a zone for the years the calendar's events fall in.

    Over icalendar's default range (1970-2038) it has dozens of transitions, which cost tens
    of milliseconds to compute and to write for every invitation; the events' years need two
    per year. It depends only on its arguments, so it is computed once per process and shared
    (it is only ever serialised).
    """
    try:
        return Timezone.from_tzid(
            tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
        )
    except ValueError:
        return None


def _add_timezones(calendar: Calendar, *, meetings) -> None:
    """Like ``Calendar.add_missing_timezones``, for the years of ``meetings`` only."""
    years = [meeting.starts_at.year for meeting in meetings] + [
        meeting.ends_at.year for meeting in meetings
    ]
    if not years:
        return
    position = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        timezone_component = _vtimezone(tzid, min(years), max(years))
        if timezone_component is not None:
            calendar.subcomponents.insert(position, timezone_component)
            position += 1


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def meeting_ics(
    *, meeting: Meeting, method: str = "PUBLISH", attendee=None, show_online_link: bool = True
) -> bytes:
    """One meeting as iCalendar. method REQUEST with an attendee is for invitation mails.

    show_online_link=False leaves the online link out (for people who are not invited).
    """
    if attendee is not None:
        return InvitationCalendar(meeting=meeting, method=method).for_attendee(attendee)
    if meeting.status == Meeting.Status.CANCELLED:
        method = "CANCEL"
    calendar = _calendar(method)
    calendar.add_component(_event(meeting, method=method, show_online_link=show_online_link))
    _add_timezones(calendar, meetings=[meeting])
    return calendar.to_ical()


class InvitationCalendar:
    """A meeting's calendar for invitation mails, serialised once for any number of attendees.

    The mails of one meeting differ only in the ATTENDEE line, and serialising the rest
    (VTIMEZONE included) for every mail was about a sixth of the worker's time per mail. An
    attendee is invited, so the online link is always in.
    The line is written (escaped and folded) by icalendar and placed before END:VEVENT: the
    order of a component's properties carries no meaning (RFC 5545, 3.6).
    """

    _END = b"END:VEVENT\r\n"

    def __init__(self, *, meeting: Meeting, method: str):
        body = meeting_ics(meeting=meeting, method=method)
        head, end, tail = body.rpartition(self._END)
        self._head, self._tail = head, end + tail

    def for_attendee(self, attendee) -> bytes:
        line = Event().content_line("ATTENDEE", _attendee_address(attendee)).to_ical()
        return b"%s%s\r\n%s" % (self._head, line, self._tail)


def meetings_feed_ics(
    *, meetings, show_online_link_for=frozenset(), with_alarms: bool = False
) -> bytes:
    """A subscription feed: cancelled meetings stay in it with STATUS:CANCELLED, drafts
    (only in staff's feeds) are TENTATIVE and say so in the title.

    with_alarms adds the series' reminder offsets as alarms (not to cancelled meetings).
    """
    meetings = list(meetings)
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", "Runder Tisch")
    for meeting in meetings:
        calendar.add_component(
            _event(
                meeting,
                method="PUBLISH",
                show_online_link=meeting.pk in show_online_link_for,
                with_alarms=with_alarms,
            )
        )
    _add_timezones(calendar, meetings=meetings)
    return calendar.to_ical()
