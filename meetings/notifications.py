"""The points where meeting changes notify people.

Services call exactly these functions (keyword arguments only) after a change. The
notification outbox connects here: it records and sends the invitation, update,
cancellation and minutes mails. Until then they record and send nothing.
"""


def invitations_created(*, invitations) -> None:
    """New invitations were created (first audience or people added later)."""


def meeting_changed(*, meeting, changed_fields) -> None:
    """Date, place, link or agenda of a scheduled meeting changed (SEQUENCE was raised)."""


def meeting_cancelled(*, meeting) -> None:
    """A meeting was cancelled; calendars need a METHOD:CANCEL."""


def minutes_published(*, meeting) -> None:
    """The minutes of a meeting were published."""


def substitute_sent(*, invitation, substitute_invitation) -> None:
    """A representative sent a colleague in their place."""
