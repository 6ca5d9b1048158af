from types import SimpleNamespace

import pytest

from tests import factories
from tests.notifications.factories import OutgoingMessageFactory


@pytest.fixture
def world(municipality, other_municipality, representative_user):
    """One object of each kind that routes take as arguments."""
    meeting = factories.MeetingFactory(host=municipality)
    practice = factories.PracticeFactory(municipalities=[municipality])
    message = OutgoingMessageFactory(meeting=meeting)
    return SimpleNamespace(
        representative=representative_user.representatives.get(),
        message=message,
        municipality=municipality,
        other_municipality=other_municipality,
        meeting=meeting,
        practice=practice,
    )
