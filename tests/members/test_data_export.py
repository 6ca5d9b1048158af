"""A person's data export: its query count stays constant as their data grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _export(client):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("members:data_export"))
    assert response.status_code == 200
    return len(context.captured_queries), response.json()


def test_data_export_queries_do_not_grow_with_the_invitations(client_for, representative_user):
    client = client_for(representative_user)
    representative = representative_user.representatives.get()
    InvitationFactory(meeting=MeetingFactory(), representative=representative)
    small, small_data = _export(client)

    for _ in range(10):
        InvitationFactory(meeting=MeetingFactory(), representative=representative)
    large, large_data = _export(client)

    invitations = [data["meetings"]["invitations"] for data in (small_data, large_data)]
    assert len(invitations[1]) == len(invitations[0]) + 10
    assert small == large
