import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from meetings.models import Invitation, Meeting
from meetings.services import invitation_substitute
from meetings.tokens import (
    SALT,
    InvalidToken,
    response_token,
    response_token_check,
    response_url,
)
from tests.factories import InvitationFactory, MeetingFactory, RepresentativeFactory

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


def test_token_still_works_after_30_days_until_the_meeting_has_ended(monkeypatch, client):
    # The "next meeting" copy is sent about 13 weeks ahead.
    meeting = MeetingFactory(starts_at=timezone.now() + timedelta(weeks=13))
    invitation = InvitationFactory(meeting=meeting)
    url = reverse("meetings:respond_by_link", args=[response_token(invitation, "accepted")])
    real_time = time.time
    in_ten_weeks = real_time() + timedelta(weeks=10).total_seconds()
    monkeypatch.setattr("time.time", lambda: in_ten_weeks)

    assert response_token_check(url.rstrip("/").rsplit("/", 1)[-1]) == (invitation.pk, "accepted")
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    monkeypatch.setattr("time.time", real_time)
    response = client.post(url)

    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.OPEN


def test_link_of_an_invitation_handed_to_a_substitute_no_longer_answers_and_says_why(client):
    invitation = InvitationFactory()
    colleague = RepresentativeFactory(municipality=invitation.on_behalf_of)
    url = reverse("meetings:respond_by_link", args=[response_token(invitation, "accepted")])
    invitation_substitute(invitation=invitation, substitute=colleague)

    shown = client.get(url)
    answered = client.post(url)

    assert shown.status_code == answered.status_code == 400
    assert "colleague in your place" in shown.content.decode() or (
        "Stellvertretung an Ihrer Stelle" in shown.content.decode()
    )
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.DECLINED
    assert Invitation.objects.get(representative=colleague).response == Invitation.Response.OPEN


def test_open_is_not_a_one_click_response():
    with pytest.raises(ValueError):
        response_token(InvitationFactory(), Invitation.Response.OPEN)


def test_response_url_is_absolute(settings):
    settings.SITE_URL = "https://portal.example.org"
    invitation = InvitationFactory(meeting=MeetingFactory(status=Meeting.Status.SCHEDULED))

    url = response_url(invitation, "tentative")

    assert url.startswith("https://portal.example.org/treffen/antwort/")
    assert SALT
