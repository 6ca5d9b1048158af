"""Signed one-click response links for invitation mails.

A token binds one invitation and one response, is signed with the secret key and a
salt of its own and expires; it cannot be reused for another person or meeting.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from meetings.models import Invitation

SALT = "meetings.invitation-response"
MAX_AGE = timedelta(days=30)


class InvalidToken(Exception):
    pass


def response_token(invitation: Invitation, response: str) -> str:
    if response not in Invitation.Response.values or response == Invitation.Response.OPEN:
        raise ValueError(f"Not a response one can give: {response}")
    return signing.dumps({"i": invitation.pk, "r": response}, salt=SALT, compress=True)


def response_token_check(token: str) -> tuple[int, str]:
    """Return (invitation id, response) of a valid, unexpired token or raise InvalidToken."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as error:
        raise InvalidToken(str(error)) from error
    if not isinstance(data, dict) or data.get("r") not in Invitation.Response.values:
        raise InvalidToken("malformed token")
    return int(data["i"]), data["r"]


def token_still_usable(invitation: Invitation) -> bool:
    """Links stop working once the meeting is over or cancelled."""
    meeting = invitation.meeting
    return meeting.status != meeting.Status.CANCELLED and meeting.ends_at > timezone.now()


def response_url(invitation: Invitation, response: str) -> str:
    """The absolute address of the one-click response page (for mails)."""
    path = reverse("meetings:respond_by_link", args=[response_token(invitation, response)])
    return f"{settings.SITE_URL}{path}"
