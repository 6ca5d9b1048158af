"""Writes for meetings. Each function runs in one transaction and calls the notification
points in meetings.notifications where people must learn about the change."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import notifications
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Document,
    Invitation,
    Meeting,
    Minutes,
    validate_meeting_time,
)
from members.models import Municipality, Representative
from practices.cache import library_changed

# Changes to these fields change what calendars show, so SEQUENCE goes up.
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at", "venue", "online_url", "format")
MEETING_FIELDS = (
    "series",
    "number",
    "title",
    "description",
    "host",
    "format",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "is_public",
)
# The next meeting of a series is planned this far after the copied one (quarterly).
NEXT_MEETING_GAP = timedelta(weeks=13)


def meeting_create(*, organiser, data: dict) -> Meeting:
    with transaction.atomic():
        meeting = Meeting(organiser=organiser, status=Meeting.Status.DRAFT)
        for field in MEETING_FIELDS:
            if field in data:
                setattr(meeting, field, data[field])
        meeting.full_clean()
        meeting.save()
    return meeting


def meeting_update(*, meeting: Meeting, data: dict) -> list[str]:
    """Apply the changes; raise SEQUENCE and notify when calendar-relevant fields changed."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        changed = []
        for field in MEETING_FIELDS:
            if field in data and getattr(meeting, field) != data[field]:
                setattr(meeting, field, data[field])
                changed.append(field)
        if not changed:
            return []
        calendar_changed = [field for field in changed if field in CALENDAR_FIELDS]
        if calendar_changed:
            meeting.sequence += 1
        meeting.full_clean()
        meeting.save()
        if calendar_changed and meeting.status == Meeting.Status.SCHEDULED:
            transaction.on_commit(
                lambda: notifications.meeting_changed(meeting=meeting, changed_fields=changed)
            )
    return changed


def _next_host(*, meeting: Meeting) -> Municipality | None:
    """The next active municipality (alphabetically after the host) that has not hosted yet."""
    candidates = list(
        Municipality.objects.filter(
            is_active=True, kind__in=[Municipality.Kind.CITY, Municipality.Kind.MUNICIPALITY]
        ).order_by("name", "pk")
    )
    if not candidates:
        return None
    hosted = set()
    if meeting.series_id:
        hosted = set(
            Meeting.objects.filter(series_id=meeting.series_id, host__isnull=False)
            .exclude(status=Meeting.Status.CANCELLED)
            .values_list("host_id", flat=True)
        )
    start = 0
    for index, candidate in enumerate(candidates):
        if candidate.pk == meeting.host_id:
            start = index + 1
            break
    rotated = candidates[start:] + candidates[:start]
    for candidate in rotated:
        if candidate.pk not in hosted:
            return candidate
    return rotated[0]


def meeting_copy_next(*, meeting: Meeting, organiser) -> Meeting:
    """Draft the next meeting of the series: number + 1, next host, agenda skeleton, audience."""
    with transaction.atomic():
        number = None
        if meeting.series_id:
            highest = Meeting.objects.filter(series_id=meeting.series_id).aggregate(Max("number"))[
                "number__max"
            ]
            number = (highest or meeting.number or 0) + 1
        host = _next_host(meeting=meeting)
        starts_at = meeting.starts_at + NEXT_MEETING_GAP
        ends_at = meeting.ends_at + NEXT_MEETING_GAP
        validate_meeting_time(ends_at)
        new = Meeting.objects.create(
            series_id=meeting.series_id,
            number=number,
            title=host.name if host else meeting.title,
            description=meeting.description,
            host=host,
            format=meeting.format,
            starts_at=starts_at,
            ends_at=ends_at,
            venue="" if host != meeting.host else meeting.venue,
            online_url="",
            status=Meeting.Status.DRAFT,
            organiser=organiser,
            audience=dict(meeting.audience or {}),
            is_public=meeting.is_public,
        )
        for item in meeting.agenda_items.order_by("position", "pk"):
            AgendaItem.objects.create(
                meeting=new,
                position=item.position,
                title=item.title,
                description=item.description,
                duration_minutes=item.duration_minutes,
            )
    return new


def meeting_cancel(*, meeting: Meeting) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == Meeting.Status.CANCELLED:
            return meeting
        was_announced = meeting.status != Meeting.Status.DRAFT
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
        if was_announced:
            transaction.on_commit(lambda: notifications.meeting_cancelled(meeting=meeting))
    return meeting


# Agenda


def _renumber(meeting: Meeting) -> None:
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position", "updated_at"])


def agenda_item_create(*, meeting: Meeting, data: dict, presenters=()) -> AgendaItem:
    with transaction.atomic():
        last = meeting.agenda_items.aggregate(Max("position"))["position__max"]
        item = AgendaItem.objects.create(
            meeting=meeting, position=0 if last is None else last + 1, **data
        )
        item.presenters.set(presenters)
        if item.practice_id:
            # The library counts examples "presented at a meeting".
            library_changed()
    return item


def agenda_item_update(*, item: AgendaItem, data: dict, presenters=None) -> AgendaItem:
    with transaction.atomic():
        practice_before = item.practice_id
        for field, value in data.items():
            setattr(item, field, value)
        item.save()
        if presenters is not None:
            item.presenters.set(presenters)
        if item.practice_id != practice_before:
            library_changed()
    return item


def agenda_item_delete(*, item: AgendaItem) -> None:
    with transaction.atomic():
        meeting = item.meeting
        if item.practice_id:
            library_changed()
        item.delete()
        _renumber(meeting)


def agenda_item_move(*, item: AgendaItem, direction: str) -> None:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    if direction not in {"up", "down"}:
        raise ValueError(direction)
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=item.meeting_id)
        _renumber(item.meeting)
        items = list(AgendaItem.objects.filter(meeting_id=item.meeting_id).order_by("position"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(items):
            return
        first, second = items[index], items[target]
        first.position, second.position = second.position, first.position
        first.save(update_fields=["position", "updated_at"])
        second.save(update_fields=["position", "updated_at"])


# Invitations and responses


def invitations_send(
    *, meeting: Meeting, representatives, audience: dict | None = None
) -> list[Invitation]:
    """Invite the people not yet invited; a draft meeting becomes scheduled."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("A cancelled meeting cannot be sent out."))
        already = set(meeting.invitations.values_list("representative_id", flat=True))
        new = [
            Invitation(
                meeting=meeting,
                representative=representative,
                on_behalf_of_id=representative.municipality_id,
            )
            for representative in representatives
            if representative.pk not in already
        ]
        created = Invitation.objects.bulk_create(new)
        update_fields = ["updated_at"]
        if audience is not None:
            meeting.audience = audience
            update_fields.append("audience")
        if meeting.status == Meeting.Status.DRAFT:
            meeting.status = Meeting.Status.SCHEDULED
            update_fields.append("status")
        meeting.save(update_fields=update_fields)
        if created:
            transaction.on_commit(lambda: notifications.invitations_created(invitations=created))
    return created


def invitation_respond(*, invitation: Invitation, response: str, note: str = "") -> Invitation:
    if response not in Invitation.Response.values:
        raise ValidationError(_("Please choose a valid response."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation.response = response
        invitation.note = note
        invitation.responded_at = timezone.now() if response != Invitation.Response.OPEN else None
        invitation.save(update_fields=["response", "note", "responded_at"])
    return invitation


def invitation_substitute(
    *, invitation: Invitation, substitute: Representative, note: str = ""
) -> Invitation:
    """Send a colleague from the same municipality instead; the original invitee declines."""
    if substitute.municipality_id != invitation.on_behalf_of_id:
        raise ValidationError(_("The substitute must represent the same municipality."))
    if not substitute.is_current:
        raise ValidationError(_("The substitute is no longer a current representative."))
    if substitute.pk == invitation.representative_id:
        raise ValidationError(_("Please choose somebody else."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if Invitation.objects.filter(
            meeting_id=invitation.meeting_id, representative=substitute
        ).exists():
            raise ValidationError(_("This person is already invited."))
        replacement = Invitation.objects.create(
            meeting_id=invitation.meeting_id,
            representative=substitute,
            on_behalf_of_id=invitation.on_behalf_of_id,
            substitute_for=invitation,
            note=note,
        )
        invitation.response = Invitation.Response.DECLINED
        invitation.responded_at = timezone.now()
        invitation.note = _("Sends %(name)s instead.") % {"name": substitute.full_name}
        invitation.save(update_fields=["response", "responded_at", "note"])
        transaction.on_commit(
            lambda: notifications.substitute_sent(
                invitation=invitation, substitute_invitation=replacement
            )
        )
        transaction.on_commit(lambda: notifications.invitations_created(invitations=[replacement]))
    return replacement


def attendance_record(*, meeting: Meeting, attended_invitation_ids) -> int:
    """Mark who took part (everybody else did not); the meeting counts as held."""
    attended = {int(pk) for pk in attended_invitation_ids}
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        invitations = meeting.invitations.all()
        invitations.filter(pk__in=attended).update(attended=True)
        invitations.exclude(pk__in=attended).update(attended=False)
        if meeting.status == Meeting.Status.SCHEDULED:
            meeting.status = Meeting.Status.HELD
        # Saved even when the status stays: the participants belong to the meeting's record.
        meeting.save(update_fields=["status", "updated_at"])
    return len(attended)


# Minutes, documents, action items


def minutes_save(*, meeting: Meeting, text: str, editor) -> Minutes:
    with transaction.atomic():
        minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
        minutes.text = text
        minutes.last_editor = editor
        minutes.edited_at = timezone.now()
        minutes.save()
    return minutes


def minutes_publish(*, meeting: Meeting, editor) -> Minutes:
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is None or not minutes.text.strip():
            raise ValidationError(_("Please write the minutes before publishing them."))
        if minutes.status == Minutes.Status.PUBLISHED:
            return minutes
        minutes.status = Minutes.Status.PUBLISHED
        minutes.published_at = timezone.now()
        minutes.last_editor = editor
        minutes.save()
        transaction.on_commit(lambda: notifications.minutes_published(meeting=meeting))
    return minutes


def document_add(
    *, meeting: Meeting, title: str, file, content_type: str, uploaded_by, agenda_item=None
) -> Document:
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    with transaction.atomic():
        document = Document(
            meeting=meeting,
            agenda_item=agenda_item,
            title=title,
            content_type=content_type,
            size=file.size,
            uploaded_by=uploaded_by,
        )
        document.file.save(file.name, file, save=False)
        document.save()
    return document


def document_delete(*, document: Document) -> None:
    with transaction.atomic():
        storage, name = document.file.storage, document.file.name
        document.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name))


def action_item_create(*, meeting: Meeting, data: dict) -> ActionItem:
    with transaction.atomic():
        item = ActionItem(meeting=meeting, **data)
        item.full_clean()
        item.save()
    return item


def action_item_set_status(*, item: ActionItem, status: str) -> ActionItem:
    if status not in ActionItem.Status.values:
        raise ValidationError(_("Please choose a valid status."))
    with transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(status=status)
        item.status = status
    return item


# Calendar feeds


def calendar_feed_create(*, user) -> tuple[CalendarFeed, str]:
    """Create the user's feed, or give it a new secret (the old address stops working).

    Returns the feed and its secret; only the secret's hash is stored, so this is the one
    moment the secret is known.
    """
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            user=user, defaults={"token_hash": CalendarFeed.hash_token(secret)}
        )
        if not created:
            feed.token_hash = CalendarFeed.hash_token(secret)
            feed.save(update_fields=["token_hash"])
    return feed, secret


def calendar_feed_settings_update(*, user, with_alarms: bool) -> CalendarFeed | None:
    """Switch the feed's alarms on or off; the address stays the same."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is not None and feed.with_alarms != with_alarms:
            feed.with_alarms = with_alarms
            feed.save(update_fields=["with_alarms"])
    return feed


def calendar_feed_revoke(*, user) -> None:
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
