"""The points where meeting changes notify people.

Services call exactly these functions (keyword arguments only) after their transaction has
committed. Each one hands over to meetings.messages, which records the mails in the
notification outbox; the outbox sends them from Celery.
"""

from meetings import messages


def invitations_created(*, invitations) -> None:
    """New invitations were created (first audience or people added later)."""
    messages.invitation_messages_queue(invitation_ids=[invitation.pk for invitation in invitations])


def meeting_changed(*, meeting, changed_fields, previous_starts_at=None) -> None:
    """Date, place, link or agenda of a scheduled meeting changed (SEQUENCE was raised)."""
    messages.update_messages_queue(
        meeting=meeting, changed_fields=changed_fields, previous_starts_at=previous_starts_at
    )


def meeting_cancelled(*, meeting) -> None:
    """A meeting was cancelled; calendars need a METHOD:CANCEL."""
    messages.cancellation_messages_queue(meeting=meeting)


def minutes_published(*, meeting) -> None:
    """The minutes of a meeting were published."""
    messages.minutes_messages_queue(meeting=meeting)


def substitute_sent(*, invitation, substitute_invitation) -> None:
    """A representative sent a colleague in their place.

    The colleague gets the invitation mail, saying who sent them. invitations_created runs
    right after this for the same invitation and finds the mail already queued (same key).
    """
    messages.invitation_messages_queue(
        invitation_ids=[substitute_invitation.pk], substitute_for=invitation
    )


def non_responders_reminded(*, meeting, day) -> int:
    """Staff asked to remind everybody who has not answered yet (once per person and day)."""
    return messages.response_nudges_now_queue(meeting=meeting, day=day)
