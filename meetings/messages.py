"""Mail about meetings, through the notification outbox (notifications).

Recording (inside the meeting service's transaction): each ``*_record`` function writes one
``Mailing`` that names the change (kind, meeting, parameters). Nothing is rendered in the
web request.

Expanding (a task after the commit, or the sweep): the ``_*_recipients`` functions turn a
mailing into one message per person, each with an idempotency key that makes the mail a
business fact that exists once ("the invitation of invitation 12", "the 7-day reminder of
invitation 12 for the meeting at 14:00 on 3 December"). Running anything twice, or a
periodic task late or twice, therefore sends nothing twice.

Rendering (the sending worker, per batch): ``_invitation_contents`` and friends load the
invitations of a batch at once and give each message its template context, ``.ics`` and
headers. A person's broken data fails that person's mail only.

The kinds are registered with the outbox at the bottom of this module (imported by
``MeetingsConfig.ready``).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import formataddr, parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.calendar import InvitationCalendar
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting
from meetings.selectors import (
    agenda_with_times,
    invitations_to_remind_now,
    nudge_now_key,
    reminder_offsets,
)
from meetings.tokens import response_url
from members.models import Representative
from notifications import kinds
from notifications.kinds import MailingRecipient, MessageAttachment, MessageContent, MessageKind
from notifications.models import OutgoingMessage, scope_for
from notifications.selectors import idempotency_keys_taken
from notifications.services import (
    mailing_build,
    mailing_create,
    mailings_create_bulk,
    mailings_expand,
    message_queue,
)


class Kind:
    """The mail kinds of meetings (registered below)."""

    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"
    REMINDER = "reminder"
    RESPONSE_NUDGE = "response_nudge"
    MINUTES_PUBLISHED = "minutes_published"
    ACTION_ITEM_REMINDER = "action_item_reminder"


Response = Invitation.Response

# Fields whose change makes people's plans wrong (time, place, online link). A change of the
# format moves people between the room and the video call, so it counts as a place change.
UPDATE_FIELDS = ("title", "starts_at", "ends_at", "venue", "online_url", "format", "agenda")
CHANGE_TEXTS = {
    "title": gettext_lazy("The title has changed."),
    "agenda": gettext_lazy("The agenda has changed."),
    "starts_at": gettext_lazy("The start time has changed."),
    "ends_at": gettext_lazy("The end time has changed."),
    "venue": gettext_lazy("The venue has changed."),
    "online_url": gettext_lazy("The online link has changed."),
    "format": gettext_lazy("The format has changed."),
}


# --- building blocks ---------------------------------------------------------------------


def _language_of(representative: Representative) -> str:
    user = representative.user
    return user.language if user is not None else settings.LANGUAGE_CODE


def _label_of(representative: Representative) -> str:
    return f"{representative.full_name} ({representative.municipality})"


def _meeting_url(meeting: Meeting) -> str:
    return f"{settings.SITE_URL}{reverse('meetings:detail', args=[meeting.pk])}"


def _organiser_headers(meeting: Meeting) -> dict:
    """Replies reach the organiser; From stays our own domain (SPF/DMARC) with their name."""
    organiser = meeting.organiser
    if organiser is None or not organiser.email:
        return {}
    name = organiser.get_full_name() or organiser.email
    _default_name, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return {
        "From": formataddr((f"{name} (Runder Tisch)", from_address)),
        "Reply-To": organiser.email,
    }


def _unsubscribe_headers() -> dict:
    # Reminders are periodic mail, so RFC 2369 asks for List-Unsubscribe. It points to the
    # profile page, where people switch reminders off (User.meeting_reminders), and to the
    # office's address; no RFC 8058 one-click header, as the switch needs a signed-in person.
    profile = f"{settings.SITE_URL}{reverse('members:profile')}"
    return {"List-Unsubscribe": f"<{profile}>, <mailto:{settings.PORTAL_CONTACT_EMAIL}>"}


@dataclass(frozen=True)
class _TimedItem:
    title: str
    starts_at: datetime
    ends_at: datetime


def _agenda(meeting: Meeting) -> list[_TimedItem]:
    return [
        _TimedItem(title=timed.item.title, starts_at=timed.starts_at, ends_at=timed.ends_at)
        for timed in agenda_with_times(meeting=meeting)
    ]


def _response_urls(invitation: Invitation) -> dict:
    return {
        "accept": response_url(invitation, Response.ACCEPTED),
        "decline": response_url(invitation, Response.DECLINED),
        "tentative": response_url(invitation, Response.TENTATIVE),
    }


class _Calendars(dict):
    """The invitation calendars of a batch's meetings, each serialised once."""

    def __missing__(self, key):
        meeting, method = key
        self[key] = InvitationCalendar(meeting=meeting, method=method)
        return self[key]

    def attachment(self, *, meeting: Meeting, method: str, attendee) -> MessageAttachment:
        content = self[meeting, method].for_attendee(attendee)
        if meeting.status == Meeting.Status.CANCELLED:
            method = "CANCEL"
        return MessageAttachment(
            "einladung.ics" if method == "REQUEST" else "absage.ics",
            content,
            f"text/calendar; method={method}; charset=utf-8",
        )


def _invitation_recipient(invitation: Invitation, *, key: str, **extra) -> MailingRecipient:
    representative = invitation.representative
    return MailingRecipient(
        email=representative.email,
        idempotency_key=key,
        language=_language_of(representative),
        label=_label_of(representative),
        user_id=representative.user_id,
        about=invitation,
        **extra,
    )


def _meetings_of(mailings) -> dict[int, Meeting]:
    ids = {mailing.about_id for mailing in mailings}
    return {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(pk__in=ids).select_related(
            "organiser", "series", "host"
        )
    }


def _calendar_holders(meeting_ids) -> dict[int, list[Invitation]]:
    """Per meeting, the invitations whose calendars hold it (all but the declined)."""
    result: dict[int, list[Invitation]] = {}
    for invitation in (
        Invitation.objects.filter(meeting_id__in=list(meeting_ids))
        .exclude(response=Response.DECLINED)
        .select_related("representative__user", "representative__municipality")
        .order_by("pk")
    ):
        result.setdefault(invitation.meeting_id, []).append(invitation)
    return result


def _record(*, kind: str, meeting: Meeting, params: dict | None = None, key: str | None = None):
    return mailing_create(
        kind=kind, about=meeting, scope=scope_for(meeting), params=params, idempotency_key=key
    )


# --- recording (inside the meeting services' transactions) --------------------------------


def invitations_record(*, meeting: Meeting, invitations, substitute_for=None) -> None:
    """New invitations: each invited person gets the invitation with response links."""
    invitation_ids = [invitation.pk for invitation in invitations]
    if not invitation_ids:
        return
    params = {"invitation_ids": invitation_ids}
    if substitute_for is not None:
        params["substitute_for_id"] = substitute_for.pk
    _record(kind=Kind.INVITATION, meeting=meeting, params=params)


def update_record(*, meeting: Meeting, changed_fields, previous: dict) -> bool:
    """Time, place or link of a scheduled meeting changed: an update with raised SEQUENCE.

    ``previous`` holds the values before the change (shown as old → new). Returns whether
    a new update was recorded (False when this SEQUENCE already has its update).
    """
    relevant = [field for field in UPDATE_FIELDS if field in changed_fields]
    if not relevant or meeting.status != Meeting.Status.SCHEDULED:
        return False
    _mailing, created = _record(
        kind=Kind.UPDATE,
        meeting=meeting,
        params={
            "sequence": meeting.sequence,
            "changed_fields": relevant,
            "previous": {field: _json_value(previous.get(field)) for field in relevant},
        },
        key=f"update:{meeting.pk}:{meeting.sequence}",
    )
    return created


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def cancellation_record(*, meeting: Meeting) -> None:
    """A CANCEL for every calendar that holds the meeting."""
    _record(kind=Kind.CANCELLATION, meeting=meeting, key=f"cancellation:{meeting.pk}")


def minutes_record(*, meeting: Meeting) -> None:
    """Minutes published: participants and each invited municipality's main contact."""
    _record(kind=Kind.MINUTES_PUBLISHED, meeting=meeting, key=f"minutes:{meeting.pk}")


# --- expanding: who gets what ----------------------------------------------------------------


def _invitation_recipients(mailings) -> dict[int, list[MailingRecipient]]:
    all_ids = {pk for mailing in mailings for pk in mailing.params.get("invitation_ids", [])}
    invitations = {
        invitation.pk: invitation
        for invitation in Invitation.objects.filter(pk__in=all_ids).select_related(
            "representative__user", "representative__municipality"
        )
    }
    result = {}
    for mailing in mailings:
        extra = {}
        if mailing.params.get("substitute_for_id"):
            extra["params"] = {"substitute_for_id": mailing.params["substitute_for_id"]}
        result[mailing.pk] = [
            _invitation_recipient(invitation, key=f"invitation:{invitation.pk}", **extra)
            for pk in mailing.params.get("invitation_ids", [])
            if (invitation := invitations.get(pk)) is not None and invitation.representative.email
        ]
    return result


def _update_recipients(mailings) -> dict[int, list[MailingRecipient]]:
    holders = _calendar_holders(mailing.about_id for mailing in mailings)
    return {
        mailing.pk: [
            _invitation_recipient(
                invitation,
                key=f"update:{invitation.pk}:{mailing.params.get('sequence', 0)}",
                params={
                    "changed_fields": mailing.params.get("changed_fields", []),
                    "previous": mailing.params.get("previous", {}),
                },
            )
            for invitation in holders.get(mailing.about_id, [])
            if invitation.representative.email
        ]
        for mailing in mailings
    }


def _cancellation_recipients(mailings) -> dict[int, list[MailingRecipient]]:
    holders = _calendar_holders(mailing.about_id for mailing in mailings)
    return {
        mailing.pk: [
            _invitation_recipient(invitation, key=f"cancellation:{invitation.pk}")
            for invitation in holders.get(mailing.about_id, [])
            if invitation.representative.email
        ]
        for mailing in mailings
    }


def minutes_recipients(*, meeting: Meeting) -> list[tuple[Representative, Invitation | None]]:
    """Participants and the main contact of every invited municipality, each person once.

    Participants are those marked as attended, or, while attendance is not recorded yet,
    those who accepted. The main contacts let a municipality whose representative stayed
    away learn about the agreements too.
    """
    invitations = list(
        Invitation.objects.filter(meeting_id=meeting.pk)
        .select_related("representative__user", "representative__municipality")
        .order_by("pk")
    )
    attendance_recorded = any(invitation.attended is not None for invitation in invitations)
    people: dict[int, tuple[Representative, Invitation | None]] = {}
    for invitation in invitations:
        took_part = (
            invitation.attended if attendance_recorded else invitation.response == Response.ACCEPTED
        )
        if took_part:
            people[invitation.representative_id] = (invitation.representative, invitation)
    by_person = {invitation.representative_id: invitation for invitation in invitations}
    municipality_ids = {invitation.on_behalf_of_id for invitation in invitations}
    for contact in Representative.objects.select_related("user", "municipality").main_contacts(
        municipality_ids=municipality_ids
    ):
        people.setdefault(contact.pk, (contact, by_person.get(contact.pk)))
    seen_addresses = set()
    result = []
    for representative, invitation in people.values():
        address = representative.email.lower()
        if address and address not in seen_addresses:
            seen_addresses.add(address)
            result.append((representative, invitation))
    return result


def _minutes_recipients(mailings) -> dict[int, list[MailingRecipient]]:
    meetings = _meetings_of(mailings)
    result = {}
    for mailing in mailings:
        meeting = meetings.get(mailing.about_id)
        if meeting is None:
            result[mailing.pk] = []
            continue
        result[mailing.pk] = [
            MailingRecipient(
                email=representative.email,
                idempotency_key=f"minutes:{meeting.pk}:{representative.pk}",
                language=_language_of(representative),
                label=_label_of(representative),
                user_id=representative.user_id,
                about=invitation if invitation is not None else representative,
                params={"representative_id": representative.pk, "meeting_id": meeting.pk},
            )
            for representative, invitation in minutes_recipients(meeting=meeting)
        ]
    return result


# --- rendering at send time --------------------------------------------------------------------


def _invitations_of(messages) -> dict[int, Invitation]:
    """The invitation each message is about, loaded at once, meetings shared."""
    invitation_type = ContentType.objects.get_for_model(Invitation)
    ids = {message.about_id for message in messages if message.about_type_id == invitation_type.pk}
    invitations = {
        invitation.pk: invitation
        for invitation in Invitation.objects.filter(pk__in=ids).select_related(
            "representative__user", "meeting__organiser", "meeting__series", "meeting__host"
        )
    }
    # One meeting instance per meeting, so that its agenda is loaded once per batch.
    meetings: dict[int, Meeting] = {}
    for invitation in invitations.values():
        invitation.meeting = meetings.setdefault(invitation.meeting_id, invitation.meeting)
    return {
        message.pk: invitations[message.about_id]
        for message in messages
        if message.about_type_id == invitation_type.pk and message.about_id in invitations
    }


class _Agendas(dict):
    def __missing__(self, meeting: Meeting):
        self[meeting] = _agenda(meeting)
        return self[meeting]


def _meeting_context(invitation: Invitation) -> dict:
    return {
        "recipient_name": invitation.representative.full_name,
        "meeting": invitation.meeting,
        "meeting_url": _meeting_url(invitation.meeting),
    }


def _invitation_contents(messages) -> dict[int, MessageContent]:
    invitations = _invitations_of(messages)
    agendas = _Agendas()
    calendars = _Calendars()
    substitutes_for = {
        invitation.pk: invitation
        for invitation in Invitation.objects.filter(
            pk__in={
                m.params["substitute_for_id"] for m in messages if "substitute_for_id" in m.params
            }
        ).select_related("representative")
    }
    result = {}
    for message in messages:
        invitation = invitations.get(message.pk)
        if invitation is None:
            continue
        meeting = invitation.meeting
        context = {
            **_meeting_context(invitation),
            "agenda_items": agendas[meeting],
            "response_urls": _response_urls(invitation),
        }
        original = substitutes_for.get(message.params.get("substitute_for_id"))
        if original is not None:
            context["substitute_for_name"] = original.representative.full_name
            # The note the representative wrote when naming the substitute.
            context["substitute_note"] = invitation.note
        result[message.pk] = MessageContent(
            context=context,
            attachments=[
                calendars.attachment(
                    meeting=meeting, method="REQUEST", attendee=invitation.representative
                )
            ],
            headers=_organiser_headers(meeting),
        )
    return result


def _previous_value(field: str, value):
    if field in {"starts_at", "ends_at"} and isinstance(value, str):
        return parse_datetime(value)
    return value


def _update_contents(messages) -> dict[int, MessageContent]:
    invitations = _invitations_of(messages)
    calendars = _Calendars()
    result = {}
    for message in messages:
        invitation = invitations.get(message.pk)
        if invitation is None:
            continue
        fields = message.params.get("changed_fields", [])
        previous = message.params.get("previous", {})
        result[message.pk] = MessageContent(
            context={
                **_meeting_context(invitation),
                "changes": [CHANGE_TEXTS[field] for field in fields if field in CHANGE_TEXTS],
                "previous": {
                    field: _previous_value(field, value) for field, value in previous.items()
                },
            },
            attachments=[
                calendars.attachment(
                    meeting=invitation.meeting, method="REQUEST", attendee=invitation.representative
                )
            ],
            headers=_organiser_headers(invitation.meeting),
        )
    return result


def _cancellation_contents(messages) -> dict[int, MessageContent]:
    invitations = _invitations_of(messages)
    calendars = _Calendars()
    return {
        message.pk: MessageContent(
            context=_meeting_context(invitation),
            attachments=[
                calendars.attachment(
                    meeting=invitation.meeting, method="CANCEL", attendee=invitation.representative
                )
            ],
            headers=_organiser_headers(invitation.meeting),
        )
        for message in messages
        if (invitation := invitations.get(message.pk)) is not None
    }


def _reminder_contents(messages) -> dict[int, MessageContent]:
    invitations = _invitations_of(messages)
    unsubscribe_url = f"{settings.SITE_URL}{reverse('members:profile')}"
    result = {}
    for message in messages:
        invitation = invitations.get(message.pk)
        if invitation is None:
            continue
        context = {**_meeting_context(invitation), "unsubscribe_url": unsubscribe_url}
        if message.kind == Kind.RESPONSE_NUDGE:
            context["response_urls"] = _response_urls(invitation)
        result[message.pk] = MessageContent(
            context=context,
            headers={**_organiser_headers(invitation.meeting), **_unsubscribe_headers()},
        )
    return result


def _minutes_contents(messages) -> dict[int, MessageContent]:
    representatives = {
        representative.pk: representative
        for representative in Representative.objects.filter(
            pk__in={message.params.get("representative_id") for message in messages}
        )
    }
    meeting_ids = {message.params.get("meeting_id") for message in messages}
    meetings = {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(pk__in=meeting_ids).select_related("organiser")
    }
    result = {}
    for message in messages:
        representative = representatives.get(message.params.get("representative_id"))
        meeting = meetings.get(message.params.get("meeting_id"))
        if representative is None or meeting is None:
            continue
        result[message.pk] = MessageContent(
            context={
                "recipient_name": representative.full_name,
                "meeting": meeting,
                "meeting_url": _meeting_url(meeting),
                "minutes_url": f"{_meeting_url(meeting)}#minutes-heading",
            },
            headers=_organiser_headers(meeting),
        )
    return result


# --- reminders ---------------------------------------------------------------------------


def _reminder_key(kind: str, invitation_id: int, offset: int, starts_at: datetime) -> str:
    # UTC, so the key does not depend on the time zone the start time was loaded in.
    return f"{kind}:{invitation_id}:{offset}d:{starts_at.astimezone(UTC).isoformat()}"


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Record the reminders that are due and expand them; returns how many were queued.

    For each scheduled meeting that has not started and each offset of its series, the
    reminder is due once ``starts_at - offset days`` has passed. Rules:

    - Only the latest due offset is sent: a schedule that ran late (or a meeting planned at
      short notice) does not send the 7-day and the 1-day reminder at the same time.
    - A person invited after the reminder time does not get that reminder (they just got
      the invitation).
    - The key contains the start time: a moved meeting gets fresh reminders at the new
      times. A reminder queued at or after the (new) reminder time counts as sent, so
      moving a meeting earlier does not repeat a reminder that is still accurate.
    - Accepted people get the reminder with the online link; people who have not answered
      get the nudge with the response links. Declined and tentative get nothing.

    One mailing per meeting, offset and kind is recorded first (a process dying after that
    leaves them to the sweep); the messages are then written in bulk and rendered when sent.
    """
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
        .select_related("series")
        .only("pk", "starts_at", "series__reminder_offsets")
        .order_by("starts_at")
    )
    mailings = []
    for meeting in meetings:
        passed = [
            offset
            for offset in reminder_offsets(meeting)
            if meeting.starts_at - timedelta(days=offset) <= now
        ]
        if not passed:
            continue
        offset = min(passed)
        due_at = meeting.starts_at - timedelta(days=offset)
        starts_at = meeting.starts_at.astimezone(UTC).isoformat()
        for kind in (Kind.REMINDER, Kind.RESPONSE_NUDGE):
            mailings.append(
                mailing_build(
                    kind=kind,
                    about=meeting,
                    scope=scope_for(meeting),
                    params={
                        "offset_days": offset,
                        "starts_at": starts_at,
                        "due_at": due_at.isoformat(),
                    },
                    idempotency_key=f"reminders:{kind}:{meeting.pk}:{offset}d:{starts_at}",
                )
            )
    pending = mailings_create_bulk(mailings=mailings)
    return len(mailings_expand(mailing_ids=pending))


def _reminder_recipients(mailings) -> dict[int, list[MailingRecipient]]:
    """Who is reminded: see ``meeting_reminders_send``. All mailings of a sweep at once."""
    meeting_ids = {mailing.about_id for mailing in mailings}
    invitation_type = ContentType.objects.get_for_model(Invitation)
    # When each (invitation, offset) was last reminded, in one query for all meetings.
    last_reminded: dict[tuple[int, int], datetime] = {}
    for invitation_id, offset, created_at in OutgoingMessage.objects.filter(
        scope__in=[f"meetings.meeting:{pk}" for pk in meeting_ids],
        kind__in=[Kind.REMINDER, Kind.RESPONSE_NUDGE],
        about_type=invitation_type,
        reminder_offset_days__isnull=False,
    ).values_list("about_id", "reminder_offset_days", "created_at"):
        previous = last_reminded.get((invitation_id, offset))
        if previous is None or created_at > previous:
            last_reminded[(invitation_id, offset)] = created_at
    wanted = {Kind.REMINDER: Response.ACCEPTED, Kind.RESPONSE_NUDGE: Response.OPEN}
    # A first sweep reads tens of thousands of invitations: columns, not model instances.
    invitations_by_meeting: dict[int, list[tuple]] = {}
    for row in (
        Invitation.objects.filter(
            meeting_id__in=meeting_ids,
            response__in=list(wanted.values()),
            representative__anonymised_at__isnull=True,
        )
        .exclude(representative__email="")
        # People who switched reminders off in their profile.
        .exclude(representative__user__meeting_reminders=False)
        .order_by("pk")
        .values_list(
            "meeting_id",
            "pk",
            "response",
            "created_at",
            "representative__email",
            "representative__title",
            "representative__first_name",
            "representative__last_name",
            "representative__municipality__name",
            "representative__user_id",
            "representative__user__language",
        )
    ):
        invitations_by_meeting.setdefault(row[0], []).append(row[1:])
    result = {}
    for mailing in mailings:
        offset = int(mailing.params["offset_days"])
        due_at = datetime.fromisoformat(mailing.params["due_at"])
        starts_at = datetime.fromisoformat(mailing.params["starts_at"])
        recipients = []
        for (
            invitation_id,
            response,
            created_at,
            email,
            title,
            first_name,
            last_name,
            municipality,
            user_id,
            language,
        ) in invitations_by_meeting.get(mailing.about_id, []):
            if response != wanted[mailing.kind] or created_at > due_at:
                continue
            reminded_at = last_reminded.get((invitation_id, offset))
            if reminded_at is not None and reminded_at >= due_at:
                continue
            name = Representative.name_of(title=title, first_name=first_name, last_name=last_name)
            recipients.append(
                MailingRecipient(
                    email=email,
                    idempotency_key=_reminder_key(mailing.kind, invitation_id, offset, starts_at),
                    language=language or settings.LANGUAGE_CODE,
                    label=f"{name} ({municipality})",
                    user_id=user_id,
                    about_model=Invitation,
                    about_id=invitation_id,
                    reminder_offset_days=offset,
                )
            )
        result[mailing.pk] = recipients
    return result


def response_nudges_now_record(*, meeting: Meeting, day: date) -> int:
    """Staff's "remind now": record the nudge for those who have not answered yet.

    Returns how many people it reaches (the staff page confirms the count). Each person gets
    at most one such nudge a day (``nudge_now_key``), however often staff press the button.
    """
    invitation_ids = [
        invitation.pk for invitation in invitations_to_remind_now(meeting=meeting, day=day)
    ]
    if invitation_ids:
        _record(
            kind=Kind.RESPONSE_NUDGE,
            meeting=meeting,
            params={"invitation_ids": invitation_ids, "day": day.isoformat()},
        )
    return len(invitation_ids)


def _nudge_now_recipients(mailings) -> dict[int, list[MailingRecipient]]:
    all_ids = {pk for mailing in mailings for pk in mailing.params["invitation_ids"]}
    # Whoever answered, or switched reminders off, since staff pressed the button is left out.
    invitations = {
        invitation.pk: invitation
        for invitation in Invitation.objects.filter(pk__in=all_ids, response=Response.OPEN)
        .exclude(representative__user__meeting_reminders=False)
        .select_related("representative__user", "representative__municipality")
    }
    return {
        mailing.pk: [
            _invitation_recipient(
                invitation,
                key=nudge_now_key(invitation.pk, date.fromisoformat(mailing.params["day"])),
            )
            for pk in mailing.params["invitation_ids"]
            if (invitation := invitations.get(pk)) is not None and invitation.representative.email
        ]
        for mailing in mailings
    }


def _response_nudge_recipients(mailings) -> dict[int, list[MailingRecipient]]:
    """The sweep's nudges (before the meeting's reminder dates) and staff's "remind now"."""
    now = [mailing for mailing in mailings if "invitation_ids" in mailing.params]
    scheduled = [mailing for mailing in mailings if "invitation_ids" not in mailing.params]
    result = _nudge_now_recipients(now) if now else {}
    if scheduled:
        result.update(_reminder_recipients(scheduled))
    return result


# --- action items ------------------------------------------------------------------------


def _action_item_owner(item: ActionItem, contacts: dict[int, Representative]):
    owner = item.owner_representative
    if owner is not None and owner.is_current and owner.email:
        return owner
    if item.owner_municipality_id:
        return contacts.get(item.owner_municipality_id)
    return None


def action_item_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the owner of each open action item N days before it is due, once per due date.

    N is ``NOTIFICATIONS_ACTION_ITEM_REMINDER_DAYS``. The owner is the responsible person,
    or the main contact of the responsible municipality. A due date that moves gets a fresh
    reminder (the key holds the date). Runs in the periodic task, so it renders directly;
    returns how many reminders it queued.
    """
    today = timezone.localdate(now or timezone.now())
    horizon = today + timedelta(days=settings.NOTIFICATIONS_ACTION_ITEM_REMINDER_DAYS)
    items = list(
        ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_on__gte=today)
        .filter(due_on__lte=horizon)
        .filter(Q(owner_representative__isnull=False) | Q(owner_municipality__isnull=False))
        .select_related("meeting", "owner_representative__user")
        .order_by("due_on", "pk")
    )
    if not items:
        return 0
    contacts = {
        contact.municipality_id: contact
        for contact in Representative.objects.select_related("user").main_contacts(
            municipality_ids={item.owner_municipality_id for item in items}
        )
    }
    due = []
    for item in items:
        owner = _action_item_owner(item, contacts)
        if owner is not None and owner.email:
            due.append((item, owner, f"action_item:{item.pk}:{item.due_on.isoformat()}"))
    # The task runs every hour and finds each item on every run until it is due: the ones
    # reminded already are left out before anything is rendered.
    taken = idempotency_keys_taken(keys=[key for _item, _owner, key in due])
    queued = 0
    for item, owner, key in due:
        if key in taken:
            continue
        message_queue(
            kind=Kind.ACTION_ITEM_REMINDER,
            recipient_email=owner.email,
            idempotency_key=key,
            context={
                "recipient_name": owner.full_name,
                "meeting": item.meeting,
                "action_item_title": item.what,
                "due_on": item.due_on,
                "action_item_url": _meeting_url(item.meeting),
            },
            language=_language_of(owner),
            recipient_user=owner.user,
            recipient_label=owner.full_name,
            about=item,
            scope=scope_for(item.meeting),
        )
        queued += 1
    return queued


# --- sample contexts for the staff preview (rendered, never sent) -------------------------------


def _sample_meeting() -> Meeting:
    starts_at = datetime(2026, 12, 3, 14, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return Meeting(
        title="15. Runder Tisch – Willkommen in Südwestfalen",
        format=Meeting.Format.HYBRID,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue="Rathaus Werdohl, Goethestraße 51, 58791 Werdohl",
        online_url="https://konferenz.example.org/runder-tisch",
    )


def _sample_meeting_context() -> dict:
    site = settings.SITE_URL
    return {
        "recipient_name": "Erika Mustermann",
        "meeting": _sample_meeting(),
        "meeting_url": f"{site}/treffen/15/",
        "agenda_items": [
            AgendaItem(title="Begrüßung durch die Gastgeberkommune"),
            AgendaItem(title="Neubürger-Gewinnung: Erfahrungen aus Olpe"),
            AgendaItem(title="Verschiedenes"),
        ],
        "response_urls": {
            answer: f"{site}/treffen/antwort/beispiel/{answer}/"
            for answer in ("accept", "decline", "tentative")
        },
    }


def _sample_update_context() -> dict:
    meeting = _sample_meeting()
    return {
        **_sample_meeting_context(),
        "changes": [_("The start time has changed.")],
        "previous": {"starts_at": meeting.starts_at - timedelta(hours=1)},
    }


def _sample_reminder_context() -> dict:
    return {
        **_sample_meeting_context(),
        "unsubscribe_url": f"{settings.SITE_URL}/mitglieder/profil/",
    }


def _sample_minutes_context() -> dict:
    return {
        **_sample_meeting_context(),
        "minutes_url": f"{settings.SITE_URL}/treffen/15/#minutes-heading",
    }


def _sample_action_item_context() -> dict:
    return {
        "recipient_name": "Erika Mustermann",
        "meeting": _sample_meeting(),
        "action_item_title": "Ergebnisse der Umfrage an alle Kommunen schicken",
        "due_on": date(2026, 12, 17),
        "action_item_url": f"{settings.SITE_URL}/treffen/15/",
    }


# name, label, preview sample, recipients of a mailing, contents at send time
_KINDS = (
    (
        Kind.INVITATION,
        gettext_lazy("Invitation"),
        _sample_meeting_context,
        _invitation_recipients,
        _invitation_contents,
    ),
    (
        Kind.UPDATE,
        gettext_lazy("Meeting update"),
        _sample_update_context,
        _update_recipients,
        _update_contents,
    ),
    (
        Kind.CANCELLATION,
        gettext_lazy("Cancellation"),
        _sample_meeting_context,
        _cancellation_recipients,
        _cancellation_contents,
    ),
    (
        Kind.REMINDER,
        gettext_lazy("Reminder"),
        _sample_reminder_context,
        _reminder_recipients,
        _reminder_contents,
    ),
    (
        Kind.RESPONSE_NUDGE,
        gettext_lazy("Reminder to respond"),
        _sample_reminder_context,
        _response_nudge_recipients,
        _reminder_contents,
    ),
    (
        Kind.MINUTES_PUBLISHED,
        gettext_lazy("Minutes published"),
        _sample_minutes_context,
        _minutes_recipients,
        _minutes_contents,
    ),
    # Rendered when queued by the periodic task (one mail per item).
    (
        Kind.ACTION_ITEM_REMINDER,
        gettext_lazy("Action item reminder"),
        _sample_action_item_context,
        None,
        None,
    ),
)
for _name, _label, _sample, _recipients, _contents in _KINDS:
    kinds.register(
        MessageKind(
            name=_name,
            label=_label,
            sample_context=_sample,
            recipients=_recipients,
            contents=_contents,
        )
    )
