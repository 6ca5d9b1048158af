"""Meeting mail in the outbox: what each kind says, to whom it goes, and when reminders go."""

import base64
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings import messages
from meetings import services as meeting_services
from meetings.models import Invitation, Meeting
from notifications import services
from notifications.models import OutgoingMessage
from tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    RepresentativeFactory,
    SeriesFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.meetings.factories import ActionItemFactory, MinutesFactory

pytestmark = pytest.mark.django_db

Kind = messages.Kind
Response = Invitation.Response
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def organiser(db):
    return StaffUserFactory(email="orga@example.org", first_name="Olga", last_name="Organisatorin")


@pytest.fixture
def meeting(organiser):
    starts_at = (timezone.now() + timedelta(days=20)).astimezone(BERLIN)
    starts_at = starts_at.replace(hour=14, minute=0, second=0, microsecond=0)
    return MeetingFactory(
        title="15. Runder Tisch",
        organiser=organiser,
        format=Meeting.Format.HYBRID,
        venue="Rathaus Werdohl",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        series=SeriesFactory(reminder_offsets=[7, 1]),
    )


def _calendar(message: OutgoingMessage) -> Calendar:
    (attachment,) = [a for a in message.attachments if a["content_type"].startswith("text/cal")]
    return Calendar.from_ical(base64.b64decode(attachment["content"]))


def _event(message):
    return _calendar(message).walk("VEVENT")[0]


def _invite(meeting, django_capture_on_commit_callbacks, people):
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_services.invitations_send(meeting=meeting, representatives=people)


def _messages(kind):
    """The messages of a kind as their recipients get them: queued ones are sent (to the
    test mailbox) first, which renders them."""
    queued = OutgoingMessage.objects.filter(kind=kind, state=OutgoingMessage.State.QUEUED)
    services.messages_deliver(message_ids=list(queued.values_list("pk", flat=True)))
    return list(OutgoingMessage.objects.filter(kind=kind).order_by("recipient_email"))


# --- invitations -------------------------------------------------------------------------


def test_invitation_mail_in_german_has_agenda_times_links_and_a_request_calendar(
    meeting, published, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=meeting, position=0, title="Begrüßung", duration_minutes=15)
    AgendaItemFactory(meeting=meeting, position=1, title="Erfahrungen aus Olpe")
    person = RepresentativeFactory(
        first_name="Erika", last_name="Muster", email="erika@example.org"
    )

    (invitation,) = _invite(meeting, django_capture_on_commit_callbacks, [person])

    (message,) = _messages(Kind.INVITATION)
    assert message.idempotency_key == f"invitation:{invitation.pk}"
    assert message.about == invitation and message.scope == f"meetings.meeting:{meeting.pk}"
    assert message.language == "de"
    assert message.subject.startswith("Einladung")
    assert "Guten Tag Erika Muster," in message.body_text
    assert "14:00–14:15 Begrüßung" in message.body_text
    assert "14:15–14:30 Erfahrungen aus Olpe" in message.body_text
    assert "/treffen/antwort/" in message.body_text
    assert message.body_html.count("/treffen/antwort/") == 3
    assert message.headers["Reply-To"] == "orga@example.org"
    assert "Olga Organisatorin" in message.headers["From"]
    calendar = _calendar(message)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["ATTENDEE"]) == "mailto:erika@example.org"
    assert str(event["ORGANIZER"]) == "mailto:orga@example.org"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert published == [(message.pk, None)]


def test_invitation_mail_in_english_for_an_english_speaking_user(
    meeting, published, django_capture_on_commit_callbacks
):
    person = RepresentativeFactory(user=UserFactory(language="en"))

    _invite(meeting, django_capture_on_commit_callbacks, [person])

    (message,) = _messages(Kind.INVITATION)
    assert message.language == "en"
    assert message.subject.startswith("Invitation")
    assert "You are invited to the next meeting" in message.body_text
    assert '<html lang="en">' in message.body_html


def test_invitation_sent_again_to_the_same_people_queues_nothing_new(
    meeting, published, django_capture_on_commit_callbacks
):
    people = RepresentativeFactory.create_batch(3)
    invitations = _invite(meeting, django_capture_on_commit_callbacks, people)

    with django_capture_on_commit_callbacks(execute=True):
        messages.invitations_record(meeting=meeting, invitations=invitations)
    _invite(meeting, django_capture_on_commit_callbacks, people)

    assert OutgoingMessage.objects.filter(kind=Kind.INVITATION).count() == 3
    assert len(published) == 3


def test_substitute_gets_one_invitation_naming_the_colleague(
    meeting, published, django_capture_on_commit_callbacks
):
    original = InvitationFactory(
        meeting=meeting, representative__first_name="Karl", representative__last_name="Kunz"
    )
    colleague = RepresentativeFactory(
        municipality=original.representative.municipality, email="kollegin@example.org"
    )

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.invitation_substitute(invitation=original, substitute=colleague)

    (message,) = _messages(Kind.INVITATION)
    assert message.recipient_email == "kollegin@example.org"
    assert "Karl Kunz" in message.body_text
    assert str(_event(message)["ATTENDEE"]) == "mailto:kollegin@example.org"


# --- updates and cancellations --------------------------------------------------------------


def _invitations_with_each_response(meeting):
    return {
        response: InvitationFactory(
            meeting=meeting, response=response, representative__email=f"{response}@example.org"
        )
        for response in Response.values
    }


def test_time_change_updates_everybody_but_the_declined_with_a_raised_sequence(
    meeting, published, django_capture_on_commit_callbacks
):
    _invitations_with_each_response(meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(
            meeting=meeting, data={"starts_at": meeting.starts_at + timedelta(hours=1)}
        )

    updates = _messages(Kind.UPDATE)
    assert [m.recipient_email for m in updates] == [
        "accepted@example.org",
        "open@example.org",
        "tentative@example.org",
    ]
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    for message in updates:
        assert message.idempotency_key.endswith(":1")
        assert _calendar(message)["METHOD"] == "REQUEST"
        assert _event(message)["SEQUENCE"] == 1
        assert "Die Anfangszeit hat sich geändert." in message.body_text


def test_second_change_sends_a_second_update_and_both_carry_the_latest_sequence(
    meeting, published, django_capture_on_commit_callbacks
):
    # Mails are rendered when sent: a calendar that receives the first update late still
    # ends with the latest state of the meeting.
    InvitationFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(meeting=meeting, data={"venue": "Stadthalle"})
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(meeting=meeting, data={"online_url": "https://x.example"})

    updates = _messages(Kind.UPDATE)
    assert sorted(m.idempotency_key.rsplit(":", 1)[1] for m in updates) == ["1", "2"]
    assert [_event(m)["SEQUENCE"] for m in updates] == [2, 2]


def test_title_change_saved_without_notification_sends_no_update(
    meeting, published, django_capture_on_commit_callbacks
):
    InvitationFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(
            meeting=meeting, data={"title": "Neuer Titel"}, notify=False
        )

    assert not _messages(Kind.UPDATE)
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_title_change_is_an_update_calendars_hold(
    meeting, published, django_capture_on_commit_callbacks
):
    InvitationFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(meeting=meeting, data={"title": "Neuer Titel"})

    (update,) = _messages(Kind.UPDATE)
    assert "Der Titel hat sich geändert." in update.body_text


def test_cancellation_sends_method_cancel_to_everybody_but_the_declined(
    meeting, published, django_capture_on_commit_callbacks
):
    _invitations_with_each_response(meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_cancel(meeting=meeting)

    cancellations = _messages(Kind.CANCELLATION)
    assert [m.recipient_email for m in cancellations] == [
        "accepted@example.org",
        "open@example.org",
        "tentative@example.org",
    ]
    for message in cancellations:
        assert _calendar(message)["METHOD"] == "CANCEL"
        assert str(_event(message)["STATUS"]) == "CANCELLED"
        assert message.subject.startswith("Abgesagt") or "abgesagt" in message.subject.lower()


def test_cancellation_in_english(meeting, published, django_capture_on_commit_callbacks):
    InvitationFactory(meeting=meeting, representative__user=UserFactory(language="en"))

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_cancel(meeting=meeting)

    (message,) = _messages(Kind.CANCELLATION)
    assert "The following meeting has been cancelled." in message.body_text


# --- minutes -----------------------------------------------------------------------------


def test_minutes_go_to_participants_and_main_contacts_once_each(
    meeting, published, django_capture_on_commit_callbacks, staff_user
):
    attended = InvitationFactory(meeting=meeting, attended=True, representative__email="a@x.org")
    stayed_away = InvitationFactory(
        meeting=meeting, attended=False, representative__email="b@x.org"
    )
    main_contact = RepresentativeFactory(
        municipality=stayed_away.on_behalf_of, is_main_contact=True, email="chef@x.org"
    )
    # The attended person is their municipality's main contact too: one mail only.
    attended.representative.is_main_contact = True
    attended.representative.save()
    # Minutes are published once the meeting has taken place.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2),
    )
    meeting.refresh_from_db()
    MinutesFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.minutes_publish(meeting=meeting, editor=staff_user)

    recipients = [m.recipient_email for m in _messages(Kind.MINUTES_PUBLISHED)]
    assert recipients == ["a@x.org", main_contact.email]
    message = _messages(Kind.MINUTES_PUBLISHED)[0]
    assert "Protokoll" in message.subject
    assert f"/treffen/{meeting.pk}/#minutes-heading" in message.body_text


def test_minutes_mail_in_english(meeting, published, django_capture_on_commit_callbacks):
    InvitationFactory(
        meeting=meeting, response=Response.ACCEPTED, representative__user=UserFactory(language="en")
    )

    with django_capture_on_commit_callbacks(execute=True):
        messages.minutes_record(meeting=meeting)

    (message,) = _messages(Kind.MINUTES_PUBLISHED)
    assert "The minutes of the following meeting have been published." in message.body_text


# --- reminders ---------------------------------------------------------------------------


def _reminder_time(meeting, days):
    return meeting.starts_at - timedelta(days=days)


def test_reminder_not_sent_just_before_the_offset(meeting, published):
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)

    queued = messages.meeting_reminders_send(now=_reminder_time(meeting, 7) - timedelta(minutes=1))

    assert queued == 0
    assert not OutgoingMessage.objects.exists()


def test_reminder_sent_just_after_the_offset_to_accepted_and_nudge_to_open(meeting, published):
    accepted = InvitationFactory(
        meeting=meeting, response=Response.ACCEPTED, representative__email="ja@example.org"
    )
    InvitationFactory(meeting=meeting, response=Response.OPEN, representative__email="offen@x.org")
    InvitationFactory(meeting=meeting, response=Response.DECLINED)
    InvitationFactory(meeting=meeting, response=Response.TENTATIVE)

    queued = messages.meeting_reminders_send(now=_reminder_time(meeting, 7) + timedelta(minutes=1))

    assert queued == 2
    (reminder,) = _messages(Kind.REMINDER)
    (nudge,) = _messages(Kind.RESPONSE_NUDGE)
    assert reminder.recipient_email == "ja@example.org"
    assert reminder.idempotency_key == (
        f"reminder:{accepted.pk}:7d:{meeting.starts_at.astimezone(UTC).isoformat()}"
    )
    assert meeting.online_url in reminder.body_text
    assert "Erinnerung" in reminder.subject
    assert reminder.headers["List-Unsubscribe"].startswith("<http")
    assert nudge.recipient_email == "offen@x.org"
    assert "/treffen/antwort/" in nudge.body_text
    assert meeting.online_url not in nudge.body_text
    assert "List-Unsubscribe" in nudge.headers


def test_reminder_in_english(meeting, published):
    InvitationFactory(
        meeting=meeting, response=Response.ACCEPTED, representative__user=UserFactory(language="en")
    )

    messages.meeting_reminders_send(now=_reminder_time(meeting, 7) + timedelta(minutes=1))

    (reminder,) = _messages(Kind.REMINDER)
    assert "This is a reminder of the meeting you have accepted." in reminder.body_text


def test_reminder_run_twice_or_hours_late_goes_once(meeting, published):
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)
    due = _reminder_time(meeting, 7)

    first = messages.meeting_reminders_send(now=due + timedelta(hours=5))
    second = messages.meeting_reminders_send(now=due + timedelta(hours=5))
    third = messages.meeting_reminders_send(now=due + timedelta(hours=9))

    assert (first, second, third) == (1, 0, 0)
    assert OutgoingMessage.objects.count() == 1


def test_each_offset_goes_once_per_person(meeting, published):
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)

    for days, hours in ((7, 0), (7, 1), (1, 0), (1, 2)):
        messages.meeting_reminders_send(
            now=_reminder_time(meeting, days) + timedelta(hours=hours, minutes=1)
        )

    keys = sorted(OutgoingMessage.objects.values_list("idempotency_key", flat=True))
    assert [key.split(":")[2] for key in keys] == ["1d", "7d"]


def test_schedule_late_past_two_offsets_sends_only_the_latest(meeting, published):
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)

    messages.meeting_reminders_send(now=_reminder_time(meeting, 1) + timedelta(hours=3))

    (reminder,) = _messages(Kind.REMINDER)
    assert ":1d:" in reminder.idempotency_key


def test_reminders_follow_a_moved_meeting(meeting, published):
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)
    old_due = _reminder_time(meeting, 7)
    messages.meeting_reminders_send(now=old_due + timedelta(minutes=1))
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at + timedelta(days=3),
        ends_at=meeting.ends_at + timedelta(days=3),
    )
    meeting.refresh_from_db()
    new_due = _reminder_time(meeting, 7)

    assert messages.meeting_reminders_send(now=old_due + timedelta(hours=1)) == 0
    assert messages.meeting_reminders_send(now=new_due - timedelta(minutes=1)) == 0
    assert messages.meeting_reminders_send(now=new_due + timedelta(minutes=1)) == 1
    assert messages.meeting_reminders_send(now=new_due + timedelta(minutes=20)) == 0

    keys = set(OutgoingMessage.objects.values_list("idempotency_key", flat=True))
    assert any(meeting.starts_at.astimezone(UTC).isoformat() in key for key in keys)
    assert len(keys) == 2


def test_meeting_moved_earlier_does_not_repeat_a_reminder_already_sent(meeting, published):
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)
    sent_at = _reminder_time(meeting, 7) + timedelta(minutes=1)
    with timezone.override(BERLIN):
        messages.meeting_reminders_send(now=sent_at)
    OutgoingMessage.objects.update(created_at=sent_at)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - timedelta(hours=2),
        ends_at=meeting.ends_at - timedelta(hours=2),
    )

    assert messages.meeting_reminders_send(now=sent_at + timedelta(minutes=15)) == 0


def test_person_invited_after_the_reminder_time_gets_no_reminder_for_it(meeting, published):
    invitation = InvitationFactory(meeting=meeting, response=Response.OPEN)
    due = _reminder_time(meeting, 7)
    Invitation.objects.filter(pk=invitation.pk).update(created_at=due + timedelta(hours=1))

    assert messages.meeting_reminders_send(now=due + timedelta(hours=2)) == 0


def test_meeting_without_series_uses_seven_and_one_day(meeting, published):
    Meeting.objects.filter(pk=meeting.pk).update(series=None, number=None)
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)

    assert messages.meeting_reminders_send(now=_reminder_time(meeting, 7) + timedelta(1)) == 1


def test_series_offsets_are_used(meeting, published):
    meeting.series.reminder_offsets = [3]
    meeting.series.save()
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)

    assert messages.meeting_reminders_send(now=_reminder_time(meeting, 7) + timedelta(1)) == 0
    assert messages.meeting_reminders_send(now=_reminder_time(meeting, 3) + timedelta(1)) == 1


def test_no_reminders_for_cancelled_or_started_meetings(meeting, published):
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)

    assert messages.meeting_reminders_send(now=meeting.starts_at + timedelta(minutes=1)) == 0
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    assert messages.meeting_reminders_send(now=_reminder_time(meeting, 1)) == 0


# --- action items ------------------------------------------------------------------------


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=BERLIN)


def test_action_item_owner_reminded_three_days_before_once(meeting, published, settings):
    settings.NOTIFICATIONS_ACTION_ITEM_REMINDER_DAYS = 3
    owner = RepresentativeFactory(email="owner@example.org")
    due = date(2030, 5, 10)
    item = ActionItemFactory(meeting=meeting, owner_representative=owner, due_on=due)

    assert messages.action_item_reminders_send(now=_noon(due - timedelta(days=4))) == 0
    assert messages.action_item_reminders_send(now=_noon(due - timedelta(days=3))) == 1
    messages.action_item_reminders_send(now=_noon(due - timedelta(days=2)))

    (message,) = _messages(Kind.ACTION_ITEM_REMINDER)
    assert message.recipient_email == "owner@example.org"
    assert message.idempotency_key == f"action_item:{item.pk}:2030-05-10"
    assert item.what in message.body_text
    assert "10. Mai 2030" in message.body_text


def test_an_hourly_rerun_renders_nothing_for_items_already_reminded(
    meeting, published, monkeypatch, django_assert_num_queries
):
    due = date(2030, 5, 10)
    for number in range(3):
        owner = RepresentativeFactory(email=f"owner{number}@example.org")
        ActionItemFactory(meeting=meeting, owner_representative=owner, due_on=due)
    assert messages.action_item_reminders_send(now=_noon(due - timedelta(days=2))) == 3
    rendered = []
    monkeypatch.setattr(
        services, "message_render", lambda **kwargs: rendered.append(kwargs) or None
    )

    # The open items, the main contacts of their municipalities, the keys already taken.
    with django_assert_num_queries(3):
        queued = messages.action_item_reminders_send(now=_noon(due - timedelta(days=2)))

    assert queued == 0
    assert rendered == []
    assert len(_messages(Kind.ACTION_ITEM_REMINDER)) == 3


def test_action_item_of_a_municipality_goes_to_its_main_contact(meeting, published):
    contact = RepresentativeFactory(is_main_contact=True, email="kontakt@example.org")
    RepresentativeFactory(municipality=contact.municipality, email="andere@example.org")
    due = date(2030, 5, 10)
    ActionItemFactory(meeting=meeting, owner_municipality=contact.municipality, due_on=due)
    ActionItemFactory(
        meeting=meeting, owner_representative=contact, due_on=due, status="done", what="Erledigt"
    )

    messages.action_item_reminders_send(now=_noon(due - timedelta(days=1)))

    assert [m.recipient_email for m in _messages(Kind.ACTION_ITEM_REMINDER)] == [
        "kontakt@example.org"
    ]


def test_moved_due_date_gets_a_fresh_reminder_in_english(meeting, published):
    owner = RepresentativeFactory(user=UserFactory(language="en"))
    item = ActionItemFactory(meeting=meeting, owner_representative=owner, due_on=date(2030, 5, 10))
    messages.action_item_reminders_send(now=_noon(date(2030, 5, 8)))
    item.due_on = date(2030, 6, 10)
    item.save()

    messages.action_item_reminders_send(now=_noon(date(2030, 6, 9)))

    reminders = _messages(Kind.ACTION_ITEM_REMINDER)
    assert len(reminders) == 2
    assert "An action item you are responsible for is due on" in reminders[0].body_text
