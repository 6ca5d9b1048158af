"""Signed one-click response links for invitation mails.

A token binds one invitation and one response and is signed with the secret key and a
salt of its own; it cannot be reused for another person or meeting. It works until the
meeting has ended (invitations go out months ahead), not once the invitation was handed
to a substitute.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from meetings.models import Invitation

SALT = "meetings.invitation-response"


class InvalidToken(Exception):
    pass


def response_token(invitation: Invitation, response: str) -> str:
    if response not in Invitation.Response.values or response == Invitation.Response.OPEN:
        raise ValueError(f"Not a response one can give: {response}")
    return signing.dumps({"i": invitation.pk, "r": response}, salt=SALT, compress=True)


def response_token_check(token: str) -> tuple[int, str]:
    """Return (invitation id, response) of a validly signed token or raise InvalidToken."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidToken(str(error)) from error
    if not isinstance(data, dict) or data.get("r") not in Invitation.Response.values:
        raise InvalidToken("malformed token")
    return int(data["i"]), data["r"]


def token_refusal(invitation: Invitation) -> str | None:
    """Why a valid token no longer answers for its invitation ("substituted", "over"), or None.

    A person who sent a substitute must not flip their invitation back with the old mail's
    link while the substitute stays invited.
    """
    meeting = invitation.meeting
    if meeting.status == meeting.Status.CANCELLED or meeting.ends_at <= timezone.now():
        return "over"
    if invitation.substitutes.exists():
        return "substituted"
    return None


def response_url(invitation: Invitation, response: str) -> str:
    """The absolute address of the one-click response page (for mails)."""
    path = reverse("meetings:respond_by_link", args=[response_token(invitation, response)])
    return f"{settings.SITE_URL}{path}"
