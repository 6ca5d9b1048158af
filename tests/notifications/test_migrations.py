"""The outbox's move to generic references keeps every row and converts its links."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.selectors import messages_needing_requeue_ids
from tests.factories import (
    InvitationFactory,
    MeetingFactory,
    MunicipalityFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0002_alter_outgoingmessage_kind")]
AFTER = [("notifications", "0005_remove_domain_foreign_keys")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_rows(apps):
    """Rows as the schema before the move stored them (the domain tables are current)."""
    OutgoingMessage = apps.get_model("notifications", "OutgoingMessage")
    town = MunicipalityFactory(name="Werdohl")
    person = RepresentativeFactory(
        municipality=town, title="", first_name="Erika", last_name="Muster"
    )
    starts_at = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    meeting = MeetingFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    invitation = InvitationFactory(meeting=meeting, representative=person)
    common = {"recipient_email": "erika@example.org", "subject": "S", "body_text": "T"}
    rows = {
        "invitation": OutgoingMessage.objects.create(
            kind="invitation",
            idempotency_key=f"invitation:{invitation.pk}",
            meeting_id=meeting.pk,
            invitation_id=invitation.pk,
            recipient_representative_id=person.pk,
            state="sent",
            **common,
        ),
        "reminder": OutgoingMessage.objects.create(
            kind="reminder",
            idempotency_key=f"reminder:{invitation.pk}:7d:{starts_at.isoformat()}",
            meeting_id=meeting.pk,
            invitation_id=invitation.pk,
            recipient_representative_id=person.pk,
            **common,
        ),
        "portal": OutgoingMessage.objects.create(
            kind="portal_invitation",
            idempotency_key="portal_invitation:41",
            recipient_representative_id=person.pk,
            state="failed",
            **common,
        ),
        "minutes": OutgoingMessage.objects.create(
            kind="minutes_published",
            idempotency_key=f"minutes:{meeting.pk}:{person.pk}",
            meeting_id=meeting.pk,
            state="sent",
            **common,
        ),
    }
    return rows, meeting, invitation, person


@pytest.fixture
def migrated_from_before():
    try:
        apps = _migrate(BEFORE)
        rows, meeting, invitation, person = _old_rows(apps)
        apps = _migrate(AFTER)
        yield apps, rows, meeting, invitation, person
    finally:
        # Leave the database at the latest schema for the other tests.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_migrating_keeps_every_row_and_converts_its_links(migrated_from_before):
    apps, rows, meeting, invitation, person = migrated_from_before
    OutgoingMessage = apps.get_model("notifications", "OutgoingMessage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    type_of = {
        (content_type.app_label, content_type.model): content_type.pk
        for content_type in ContentType.objects.all()
    }
    after = {message.pk: message for message in OutgoingMessage.objects.all()}

    assert set(after) == {row.pk for row in rows.values()}
    invitation_row = after[rows["invitation"].pk]
    assert invitation_row.about_type_id == type_of[("meetings", "invitation")]
    assert invitation_row.about_id == invitation.pk
    assert invitation_row.scope == f"meetings.meeting:{meeting.pk}"
    assert invitation_row.recipient_label == "Erika Muster (Werdohl)"
    assert invitation_row.state == "sent"
    assert invitation_row.rendered_at == invitation_row.created_at
    assert after[rows["reminder"].pk].reminder_offset_days == 7
    portal = after[rows["portal"].pk]
    assert (portal.about_type_id, portal.about_id) == (
        type_of[("members", "portalinvitation")],
        41,
    )
    assert portal.scope == "" and portal.state == "failed"
    minutes = after[rows["minutes"].pk]
    assert minutes.about_type_id == type_of[("meetings", "meeting")]
    assert minutes.scope == f"meetings.meeting:{meeting.pk}"
    for message in after.values():
        assert (message.subject, message.body_text) == ("S", "T")


def test_migrated_sent_rows_are_not_sent_again(migrated_from_before):
    apps, rows, *_rest = migrated_from_before
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    due = messages_needing_requeue_ids(now=datetime.now(UTC) + timedelta(days=1))

    # Only the row that was still queued is picked up; sent and failed ones stay.
    assert due == [rows["reminder"].pk]
