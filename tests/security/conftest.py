from types import SimpleNamespace

import pytest

from tests import factories
from tests.meetings.factories import ActionItemFactory, DocumentFactory
from tests.notifications.factories import OutgoingMessageFactory


@pytest.fixture
def world(municipality, other_municipality, representative_user, other_representative_user):
    """One object of each kind that routes take as arguments."""
    meeting = factories.MeetingFactory(host=municipality)
    practice = factories.PracticeFactory(municipalities=[municipality])
    draft_practice = factories.PracticeFactory(
        municipalities=[municipality], status="draft", published_at=None
    )
    submitted_practice = factories.PracticeFactory(
        municipalities=[municipality], status="submitted", published_at=None
    )
    message = OutgoingMessageFactory(meeting=meeting)
    representative = representative_user.representatives.get()
    invitation = factories.InvitationFactory(meeting=meeting, representative=representative)
    return SimpleNamespace(
        representative=representative,
        other_representative=other_representative_user.representatives.get(),
        invitation=invitation,
        agenda_item=factories.AgendaItemFactory(meeting=meeting),
        host_agenda_item=factories.AgendaItemFactory(
            meeting=meeting, presenting_municipality=municipality
        ),
        document=DocumentFactory(meeting=meeting),
        action_item=ActionItemFactory(meeting=meeting),
        message=message,
        draft_practice=draft_practice,
        submitted_practice=submitted_practice,
        municipality=municipality,
        network=factories.NetworkFactory(),
        other_municipality=other_municipality,
        meeting=meeting,
        practice=practice,
    )
