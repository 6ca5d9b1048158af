from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.models import PracticeAttachment
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
        practice_image=practice_image(practice),
    )


# The smallest valid PNG (1 × 1 pixel).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def practice_image(practice):
    return PracticeAttachment.objects.create(
        practice=practice,
        kind=PracticeAttachment.Kind.IMAGE,
        file=SimpleUploadedFile("bild.png", PNG),
        title="Ein Bild",
        content_type="image/png",
        size=len(PNG),
    )
