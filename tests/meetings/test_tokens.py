from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from meetings.models import Invitation, Meeting
from meetings.tokens import (
    SALT,
    InvalidToken,
    response_token,
    response_token_check,
    response_url,
)
from tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_token_round_trip_binds_invitation_and_response():
    invitation = InvitationFactory()

    token = response_token(invitation, "accepted")

    assert response_token_check(token) == (invitation.pk, "accepted")


def test_tampered_token_is_rejected():
    invitation = InvitationFactory()
    token = response_token(invitation, "accepted")

    with pytest.raises(InvalidToken):
        response_token_check(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_token_signed_with_another_salt_is_rejected():
    invitation = InvitationFactory()
    token = signing.dumps({"i": invitation.pk, "r": "accepted"}, salt="other")

    with pytest.raises(InvalidToken):
        response_token_check(token)


def test_expired_token_is_rejected(monkeypatch):
    invitation = InvitationFactory()
    token = response_token(invitation, "declined")
    later = timezone.now() + timedelta(days=31)
    monkeypatch.setattr("time.time", lambda: later.timestamp())

    with pytest.raises(InvalidToken):
        response_token_check(token)


def test_open_is_not_a_one_click_response():
    with pytest.raises(ValueError):
        response_token(InvitationFactory(), Invitation.Response.OPEN)


def test_response_url_is_absolute(settings):
    settings.SITE_URL = "https://portal.example.org"
    invitation = InvitationFactory(meeting=MeetingFactory(status=Meeting.Status.SCHEDULED))

    url = response_url(invitation, "tentative")

    assert url.startswith("https://portal.example.org/treffen/antwort/")
    assert SALT
