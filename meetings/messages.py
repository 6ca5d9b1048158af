"""Mail about meetings, recorded in the notification outbox (notifications).

Writes: every function here queues messages with ``message_queue``, whose idempotency key
makes each mail a business fact that exists once ("the invitation of invitation 12", "the
7-day reminder of invitation 12 for the meeting at 14:00 on 3 December"). Calling a function
twice, or running a periodic task late or twice, therefore sends nothing twice.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.calendar import meeting_ics
from meetings.models import ActionItem, Invitation, Meeting
from meetings.selectors import (
    agenda_with_times,
    invitations_to_remind_now,
    nudge_now_key,
    reminder_offsets,
)
from meetings.tokens import response_url
from members.models import Representative
from notifications.models import OutgoingMessage
from notifications.services import MessageAttachment, message_queue

Kind = OutgoingMessage.Kind
Response = Invitation.Response

# Fields whose change makes people's plans wrong (time, place, online link). A change of the
# format moves people between the room and the video call, so it counts as a place change.
UPDATE_FIELDS = {"title", "starts_at", "ends_at", "venue", "online_url", "format", "agenda"}
CHANGE_TEXTS = {
    "title": _("The title has changed."),
    "agenda": _("The agenda has changed."),
    "starts_at": _("The start time has changed."),
    "ends_at": _("The end time has changed."),
    "venue": _("The venue has changed."),
    "online_url": _("The online link has changed."),
    "format": _("The format has changed."),
}


# --- building blocks ---------------------------------------------------------------------


def _language_of(representative: Representative) -> str:
    user = representative.user
    return user.language if user is not None else settings.LANGUAGE_CODE


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


def _calendar_attachment(*, meeting: Meeting, method: str, attendee) -> MessageAttachment:
    content = meeting_ics(meeting=meeting, method=method, attendee=attendee)
    if meeting.status == Meeting.Status.CANCELLED:
        method = "CANCEL"
    return MessageAttachment(
        "einladung.ics" if method == "REQUEST" else "absage.ics",
        content,
        f"text/calendar; method={method}; charset=utf-8",
    )


def _queue_for_invitation(
    *,
    invitation: Invitation,
    kind: str,
    key: str,
    context: dict,
    calendar_method: str | None = None,
    headers: dict | None = None,
):
    meeting = invitation.meeting
    representative = invitation.representative
    if not representative.email:
        return None
    attachments = []
    if calendar_method:
        attachments.append(
            _calendar_attachment(meeting=meeting, method=calendar_method, attendee=representative)
        )
    return message_queue(
        kind=kind,
        recipient_email=representative.email,
        idempotency_key=key,
        template_base=kind,
        context={
            "recipient_name": representative.full_name,
            "meeting": meeting,
            "meeting_url": _meeting_url(meeting),
            **context,
        },
        language=_language_of(representative),
        recipient_user=representative.user,
        recipient_representative=representative,
        attachments=attachments,
        headers={**_organiser_headers(meeting), **(headers or {})},
        meeting=meeting,
        invitation=invitation,
    )


def _invitations(meeting_id: int, *, exclude_declined: bool = False):
    queryset = Invitation.objects.filter(meeting_id=meeting_id).select_related(
        "representative__user", "meeting__organiser", "meeting__series"
    )
    if exclude_declined:
        queryset = queryset.exclude(response=Response.DECLINED)
    return queryset.order_by("pk")


# --- invitations, updates, cancellations, minutes ----------------------------------------


def invitation_messages_queue(*, invitation_ids, substitute_for: Invitation | None = None) -> int:
    """Queue the invitation mail (with response links and a REQUEST .ics) per invitation."""
    invitations = list(
        Invitation.objects.filter(pk__in=list(invitation_ids))
        .select_related(
            "representative__user", "meeting__organiser", "meeting__series", "meeting__host"
        )
        .order_by("pk")
    )
    if not invitations:
        return 0
    meeting = invitations[0].meeting
    agenda = _agenda(meeting)
    queued = 0
    with transaction.atomic():
        for invitation in invitations:
            invitation.meeting = meeting  # one instance: agenda and organiser loaded once
            context = {"agenda_items": agenda, "response_urls": _response_urls(invitation)}
            if substitute_for is not None:
                context["substitute_for_name"] = substitute_for.representative.full_name
                context["substitute_note"] = invitation.note
            message = _queue_for_invitation(
                invitation=invitation,
                kind=Kind.INVITATION,
                key=f"invitation:{invitation.pk}",
                context=context,
                calendar_method="REQUEST",
            )
            queued += message is not None
    return queued


def update_messages_queue(*, meeting: Meeting, changed_fields, previous_starts_at=None) -> int:
    """Time, place or link changed: everybody invited who has not declined, SEQUENCE raised."""
    relevant = [field for field in changed_fields if field in UPDATE_FIELDS]
    if not relevant:
        return 0
    meeting = Meeting.objects.select_related("organiser", "series", "host").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        return 0
    changes = [CHANGE_TEXTS[field] for field in relevant]
    return _queue_for_calendar_holders(
        meeting=meeting,
        kind=Kind.UPDATE,
        key=lambda invitation: f"update:{invitation.pk}:{meeting.sequence}",
        context={
            "changes": changes,
            "previous_starts_at": previous_starts_at if "starts_at" in relevant else None,
        },
        calendar_method="REQUEST",
    )


def cancellation_messages_queue(*, meeting: Meeting) -> int:
    """A CANCEL for every calendar that holds the meeting (everybody who has not declined)."""
    meeting = Meeting.objects.select_related("organiser", "series", "host").get(pk=meeting.pk)
    return _queue_for_calendar_holders(
        meeting=meeting,
        kind=Kind.CANCELLATION,
        key=lambda invitation: f"cancellation:{invitation.pk}",
        context={},
        calendar_method="CANCEL",
    )


def _queue_for_calendar_holders(*, meeting, kind, key, context, calendar_method) -> int:
    """One message per invitation whose calendar holds the meeting (all but the declined)."""
    queued = 0
    with transaction.atomic():
        for invitation in _invitations(meeting.pk, exclude_declined=True):
            invitation.meeting = meeting  # one instance: organiser and series loaded once
            message = _queue_for_invitation(
                invitation=invitation,
                kind=kind,
                key=key(invitation),
                context=context,
                calendar_method=calendar_method,
            )
            queued += message is not None
    return queued


def minutes_recipients(*, meeting: Meeting) -> list[tuple[Representative, Invitation | None]]:
    """Participants and the main contact of every invited municipality, each person once.

    Participants are those marked as attended, or, while attendance is not recorded yet,
    those who accepted. The main contacts let a municipality whose representative stayed
    away learn about the agreements too.
    """
    invitations = list(_invitations(meeting.pk))
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
    for contact in Representative.objects.select_related("user").main_contacts(
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


def minutes_messages_queue(*, meeting: Meeting) -> int:
    meeting = Meeting.objects.select_related("organiser", "series", "host").get(pk=meeting.pk)
    minutes_url = f"{_meeting_url(meeting)}#minutes-heading"
    queued = 0
    with transaction.atomic():
        for representative, invitation in minutes_recipients(meeting=meeting):
            message_queue(
                kind=Kind.MINUTES_PUBLISHED,
                recipient_email=representative.email,
                idempotency_key=f"minutes:{meeting.pk}:{representative.pk}",
                template_base=Kind.MINUTES_PUBLISHED,
                context={
                    "recipient_name": representative.full_name,
                    "meeting": meeting,
                    "meeting_url": _meeting_url(meeting),
                    "minutes_url": minutes_url,
                },
                language=_language_of(representative),
                recipient_user=representative.user,
                recipient_representative=representative,
                headers=_organiser_headers(meeting),
                meeting=meeting,
                invitation=invitation,
            )
            queued += 1
    return queued


# --- reminders ---------------------------------------------------------------------------


def _reminder_key(kind: str, invitation_id: int, offset: int, starts_at: datetime) -> str:
    # UTC, so the key does not depend on the time zone the start time was loaded in.
    return f"{kind}:{invitation_id}:{offset}d:{starts_at.astimezone(UTC).isoformat()}"


def _offset_from_key(key: str) -> int | None:
    try:
        return int(key.split(":")[2].rstrip("d"))
    except (IndexError, ValueError):
        return None


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due; returns how many messages were queued.

    For each scheduled meeting that has not started and each offset of its series, the
    reminder is due once ``starts_at - offset days`` has passed. Rules:

    - Only the latest due offset is sent: a schedule that ran late (or a meeting planned at
      short notice) does not send the 7-day and the 1-day reminder at the same time.
    - A person invited after the reminder time does not get that reminder (they just got
      the invitation).
    - The key contains the start time: a moved meeting gets fresh reminders at the new
      times. A reminder already queued at or after the (new) reminder time counts as sent,
      so moving a meeting earlier does not repeat a reminder that is still accurate.
    - Accepted people get the reminder with the online link; people who have not answered
      get the nudge with the response links. Declined and tentative get nothing.
    """
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
        .select_related("series", "organiser")
        .order_by("starts_at")
    )
    due = []  # (meeting, offset, due_at)
    for meeting in meetings:
        passed = [
            offset
            for offset in reminder_offsets(meeting)
            if meeting.starts_at - timedelta(days=offset) <= now
        ]
        if passed:
            offset = min(passed)
            due.append((meeting, offset, meeting.starts_at - timedelta(days=offset)))
    if not due:
        return 0
    meeting_ids = [meeting.pk for meeting, _offset, _due_at in due]
    # When each (invitation, offset) was last reminded, in one query for all meetings.
    last_reminded: dict[tuple[int, int], datetime] = {}
    existing_keys = set()
    for invitation_id, key, created_at in OutgoingMessage.objects.filter(
        meeting_id__in=meeting_ids, kind__in=[Kind.REMINDER, Kind.RESPONSE_NUDGE]
    ).values_list("invitation_id", "idempotency_key", "created_at"):
        existing_keys.add(key)
        offset = _offset_from_key(key)
        if invitation_id is None or offset is None:
            continue
        previous = last_reminded.get((invitation_id, offset))
        if previous is None or created_at > previous:
            last_reminded[(invitation_id, offset)] = created_at
    invitations_by_meeting: dict[int, list[Invitation]] = {}
    for invitation in (
        Invitation.objects.filter(
            meeting_id__in=meeting_ids, response__in=[Response.ACCEPTED, Response.OPEN]
        )
        # People who switched reminders off in their profile.
        .exclude(representative__user__meeting_reminders=False)
        .select_related("representative__user")
        .order_by("pk")
    ):
        invitations_by_meeting.setdefault(invitation.meeting_id, []).append(invitation)
    queued = 0
    for meeting, offset, due_at in due:
        with transaction.atomic():
            for invitation in invitations_by_meeting.get(meeting.pk, []):
                if invitation.created_at > due_at:
                    continue
                reminded_at = last_reminded.get((invitation.pk, offset))
                if reminded_at is not None and reminded_at >= due_at:
                    continue
                invitation.meeting = meeting
                if invitation.response == Response.ACCEPTED:
                    kind, context = Kind.REMINDER, {}
                else:
                    kind, context = (
                        Kind.RESPONSE_NUDGE,
                        {"response_urls": _response_urls(invitation)},
                    )
                context["unsubscribe_url"] = f"{settings.SITE_URL}{reverse('members:profile')}"
                key = _reminder_key(kind, invitation.pk, offset, meeting.starts_at)
                if key in existing_keys:
                    continue
                message = _queue_for_invitation(
                    invitation=invitation,
                    kind=kind,
                    key=key,
                    context=context,
                    headers=_unsubscribe_headers(),
                )
                queued += message is not None
    return queued


def response_nudges_now_queue(*, meeting: Meeting, day) -> int:
    """Staff's "remind now": the nudge with the response links, at most once a day each."""
    meeting = Meeting.objects.select_related("organiser", "series", "host").get(pk=meeting.pk)
    queued = 0
    with transaction.atomic():
        for invitation in invitations_to_remind_now(meeting=meeting, day=day):
            invitation.meeting = meeting
            message = _queue_for_invitation(
                invitation=invitation,
                kind=Kind.RESPONSE_NUDGE,
                key=nudge_now_key(invitation.pk, day),
                context={
                    "response_urls": _response_urls(invitation),
                    "unsubscribe_url": f"{settings.SITE_URL}{reverse('members:profile')}",
                },
                headers=_unsubscribe_headers(),
            )
            queued += message is not None
    return queued


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
    reminder (the key holds the date).
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
    queued = 0
    with transaction.atomic():
        for item in items:
            owner = _action_item_owner(item, contacts)
            if owner is None or not owner.email:
                continue
            message_queue(
                kind=Kind.ACTION_ITEM_REMINDER,
                recipient_email=owner.email,
                idempotency_key=f"action_item:{item.pk}:{item.due_on.isoformat()}",
                template_base=Kind.ACTION_ITEM_REMINDER,
                context={
                    "recipient_name": owner.full_name,
                    "meeting": item.meeting,
                    "action_item_title": item.what,
                    "due_on": item.due_on,
                    "action_item_url": _meeting_url(item.meeting),
                },
                language=_language_of(owner),
                recipient_user=owner.user,
                recipient_representative=owner,
                meeting=item.meeting,
            )
            queued += 1
    return queued
