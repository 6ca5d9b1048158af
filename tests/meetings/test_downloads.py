"""Downloads and feeds of the meetings app: their query counts stay constant as data grows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Document
from tests.factories import InvitationFactory, MeetingFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _invite(meeting, *, others, representative=None):
    if representative is not None:
        InvitationFactory(meeting=meeting, representative=representative)
    for _ in range(others):
        InvitationFactory(meeting=meeting)


@pytest.mark.parametrize("role", ["representative", "other_representative", "staff"])
def test_ics_download_queries_do_not_grow_with_the_invitations(role, role_users, client_for):
    user = role_users[role]
    own = user.representatives.first()
    client = client_for(user)
    small = MeetingFactory()
    _invite(small, others=1, representative=own)
    large = MeetingFactory()
    _invite(large, others=40, representative=own)

    assert _queries(client, reverse("meetings:ics", args=[small.pk])) == _queries(
        client, reverse("meetings:ics", args=[large.pk])
    )


@pytest.mark.parametrize("role", ["representative", "staff"])
def test_calendar_feed_queries_do_not_grow_with_the_meetings(role, role_users, client_for):
    user = role_users[role]
    own = user.representatives.first()
    _feed, secret = services.calendar_feed_create(user=user)
    url = reverse("meetings:feed", args=[secret])
    anonymous = client_for(None)
    _invite(MeetingFactory(), others=2, representative=own)
    small = _queries(anonymous, url)

    for _ in range(10):
        _invite(MeetingFactory(), others=5, representative=own)
    large = _queries(anonymous, url)

    assert small == large


def test_document_download_queries_do_not_grow_with_the_documents(client_for, representative_user):
    client = client_for(representative_user)
    meeting = MeetingFactory()

    def upload(number):
        document = Document.objects.create(meeting=meeting, title=f"Folien {number}")
        document.file.save(f"folien-{number}.pdf", SimpleUploadedFile("f.pdf", b"%PDF-1.4\n"))
        return document

    first = upload(0)
    small = _queries(client, reverse("meetings:document", args=[meeting.pk, first.pk]))
    for number in range(1, 11):
        upload(number)
    large = _queries(client, reverse("meetings:document", args=[meeting.pk, first.pk]))

    assert small == large


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_responses_export_queries_do_not_grow_with_the_invitations(
    file_format, client_for, staff_user
):
    client = client_for(staff_user)
    small = MeetingFactory()
    _invite(small, others=1)
    large = MeetingFactory()
    _invite(large, others=30)
    # Anonymised people, one standing in for another, are named after their municipality.
    for _ in range(3):
        gone = InvitationFactory(
            meeting=large, representative=RepresentativeFactory(anonymised_at=timezone.now())
        )
        InvitationFactory(
            meeting=large,
            representative=RepresentativeFactory(anonymised_at=timezone.now()),
            substitute_for=gone,
            attended=True,
        )

    assert _queries(client, reverse("meetings:responses_export", args=[small.pk, file_format])) == (
        _queries(client, reverse("meetings:responses_export", args=[large.pk, file_format]))
    )
