"""Writes for meetings. Each function runs in one transaction; where people must learn about
the change, it records the mailing in that same transaction (meetings.messages), so that a
committed change always ends in its mails and a rolled-back one in none."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import messages
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Document,
    Invitation,
    Meeting,
    Minutes,
    Series,
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


def meeting_changes(*, meeting: Meeting, data: dict) -> list[str]:
    """The fields ``data`` would change, calendar-relevant or not."""
    return [
        field
        for field in MEETING_FIELDS
        if field in data and getattr(meeting, field) != data[field]
    ]


def meeting_update(*, meeting: Meeting, data: dict, notify: bool = True) -> list[str]:
    """Apply the changes; raise SEQUENCE when calendar-relevant fields changed and, when
    ``notify``, send the update mail (staff may save a correction without one)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        original_state = meeting.state
        changed = []
        previous = {}
        for field in MEETING_FIELDS:
            if field in data and getattr(meeting, field) != data[field]:
                previous[field] = getattr(meeting, field)
                setattr(meeting, field, data[field])
                changed.append(field)
        if not changed:
            return []
        if original_state == Meeting.State.HELD and not meeting.has_started:
            # Attendance and minutes belong to the date it took place.
            raise ValidationError(
                {"starts_at": _("This meeting has taken place; it cannot move into the future.")}
            )
        calendar_changed = [field for field in changed if field in CALENDAR_FIELDS]
        if calendar_changed:
            meeting.sequence += 1
        meeting.full_clean()
        meeting.save()
        if notify and calendar_changed and meeting.status == Meeting.Status.SCHEDULED:
            messages.update_record(meeting=meeting, changed_fields=changed, previous=previous)
    return changed


def meeting_update_send(*, meeting: Meeting, changed_fields=("agenda",)) -> bool:
    """Send the update mail for the meeting as it is now (e.g. after agenda changes).

    The mail is keyed by invitation and SEQUENCE, so pressing the button twice, or after
    several edits, sends one mail per person for the current state. Returns False when the
    update for the current state had already been sent (nothing new goes out).
    """
    if meeting.state != Meeting.State.INVITED:
        raise ValidationError(_("Updates go out only for upcoming meetings that were sent out."))
    with transaction.atomic():
        # Read again: agenda changes raised SEQUENCE in the database, not on this instance.
        # The row lock also keeps two clicks from both finding no update recorded.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        return messages.update_record(
            meeting=meeting, changed_fields=list(changed_fields), previous={}
        )


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
        series = meeting.series
        rotation = series.host_rotation if series else Series.HostRotation.NEXT_NOT_YET_HOSTED
        if rotation == Series.HostRotation.SAME_HOST:
            host = meeting.host
        elif rotation == Series.HostRotation.NONE:
            host = None
        else:
            host = _next_host(meeting=meeting)
        starts_at = meeting.starts_at + NEXT_MEETING_GAP
        duration = (
            timedelta(minutes=series.default_duration_minutes)
            if series
            else meeting.ends_at - meeting.starts_at
        )
        ends_at = starts_at + duration
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
            messages.cancellation_record(meeting=meeting)
    return meeting


SERIES_FIELDS = (
    "name",
    "slug",
    "description",
    "reminder_offsets",
    "host_rotation",
    "default_duration_minutes",
)


def series_save(*, series: Series | None = None, data: dict) -> Series:
    """Create a series, or change one; reminder offsets are whole days, largest first."""
    with transaction.atomic():
        if series is None:
            series = Series()
        else:
            series = Series.objects.select_for_update().get(pk=series.pk)
        for field in SERIES_FIELDS:
            if field in data:
                setattr(series, field, data[field])
        series.reminder_offsets = sorted(
            {int(days) for days in series.reminder_offsets or []}, reverse=True
        )
        series.full_clean()
        series.save()
    return series


# Agenda


def _renumber(meeting: Meeting) -> None:
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position", "updated_at"])


def _agenda_changed(meeting_id: int) -> None:
    # The agenda is part of what the invitation announced: calendars holding the meeting
    # get a new SEQUENCE with the next update mail (sent deliberately: meeting_update_send).
    Meeting.objects.filter(pk=meeting_id).update(sequence=F("sequence") + 1)


def agenda_item_create(*, meeting: Meeting, data: dict, presenters=()) -> AgendaItem:
    with transaction.atomic():
        _agenda_changed(meeting.pk)
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
        _agenda_changed(item.meeting_id)
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
        _agenda_changed(meeting.pk)
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
        _agenda_changed(item.meeting_id)


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
            messages.invitations_record(meeting=meeting, invitations=created)
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
        messages.invitations_record(
            meeting=invitation.meeting, invitations=[replacement], substitute_for=invitation
        )
    return replacement


def _check_held(meeting: Meeting, message: str) -> None:
    if meeting.state != Meeting.State.HELD:
        raise ValidationError(message)


def invitations_remind_open(*, meeting: Meeting) -> int:
    """Nudge everybody who has not answered yet; returns how many mails were queued.

    Each person gets at most one such nudge a day, however often staff press the button.
    """
    if meeting.state != Meeting.State.INVITED:
        raise ValidationError(_("Reminders go out only for upcoming meetings that were sent out."))
    with transaction.atomic():
        return messages.response_nudges_now_record(meeting=meeting, day=timezone.localdate())


def attendance_record(*, meeting: Meeting, attended_invitation_ids) -> int:
    """Mark who took part (everybody else did not), once the meeting has started."""
    attended = {int(pk) for pk in attended_invitation_ids}
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _check_held(meeting, _("Attendance can be recorded once the meeting has started."))
        invitations = meeting.invitations.all()
        invitations.filter(pk__in=attended).update(attended=True)
        invitations.exclude(pk__in=attended).update(attended=False)
        # Saved so that the change shows in the meeting's record (updated_at).
        meeting.save(update_fields=["updated_at"])
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
        _check_held(meeting, _("Minutes can be published once the meeting has started."))
        minutes.status = Minutes.Status.PUBLISHED
        minutes.published_at = timezone.now()
        minutes.last_editor = editor
        minutes.save()
        messages.minutes_record(meeting=meeting)
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


ACTION_ITEM_FIELDS = ("what", "owner_municipality", "owner_representative", "due_on")


def _action_item_check(item: ActionItem) -> None:
    errors = {}
    if item.owner_municipality_id is None:
        errors["owner_municipality"] = _("Please choose the responsible municipality.")
    if item.due_on is None:
        errors["due_on"] = _("Please enter the due date.")
    if (
        item.owner_representative_id is not None
        and item.owner_municipality_id is not None
        and item.owner_representative.municipality_id != item.owner_municipality_id
    ):
        errors["owner_representative"] = _(
            "The responsible person must represent the responsible municipality."
        )
    if errors:
        raise ValidationError(errors)


def action_item_create(*, meeting: Meeting, data: dict) -> ActionItem:
    """Record an agreement; it needs an owner municipality and a due date from today on."""
    item = ActionItem(meeting=meeting)
    for field in ACTION_ITEM_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    _action_item_check(item)
    if item.due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date must not be in the past.")})
    with transaction.atomic():
        item.full_clean()
        item.save()
    return item


def action_item_update(*, item: ActionItem, data: dict) -> ActionItem:
    """Change what, owner or due date (an overdue item may keep its date)."""
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        for field in ACTION_ITEM_FIELDS:
            if field in data:
                setattr(item, field, data[field])
        _action_item_check(item)
        item.full_clean()
        item.save()
    return item


def action_item_set_status(*, item: ActionItem, status: str) -> ActionItem:
    """Close (done, dropped) or reopen; the time of closing is kept for the meetings' history."""
    if status not in ActionItem.Status.values:
        raise ValidationError(_("Please choose a valid status."))
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        if item.status == status:
            return item
        item.status = status
        item.closed_at = None if status == ActionItem.Status.OPEN else timezone.now()
        item.save(update_fields=["status", "closed_at"])
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
