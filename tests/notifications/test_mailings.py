"""Mail bound to the change that causes it: mailings recorded in the business transaction,
expanded after the commit (or by the sweep), rendered and sent per recipient in batches."""

import base64
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from meetings import messages as meeting_messages
from meetings import services as meeting_services
from meetings.models import Invitation
from notifications import kinds, services, tasks
from notifications.kinds import MailingRecipient, MessageContent, MessageKind
from notifications.models import Mailing, OutgoingMessage, scope_for
from realparts import RecordingHandler, free_port, smtp_server
from tests.factories import MeetingFactory, RepresentativeFactory
from tests.notifications.factories import OutgoingMessageFactory

pytestmark = pytest.mark.django_db

State = OutgoingMessage.State


@pytest.fixture
def meeting(db):
    return MeetingFactory(status="draft")


def _invite(meeting, count, **representative):
    people = [
        RepresentativeFactory(email=f"person{number}@example.org", **representative)
        for number in range(count)
    ]
    return meeting_services.invitations_send(meeting=meeting, representatives=people)


def _rows(meeting, **filters):
    return OutgoingMessage.objects.filter(scope=scope_for(meeting), **filters)


# --- commit, rollback, crash --------------------------------------------------------------


def test_a_committed_invitation_ends_in_every_row_and_mail(
    meeting, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations = _invite(meeting, 3)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "person0@example.org",
        "person1@example.org",
        "person2@example.org",
    ]
    assert set(_rows(meeting).values_list("state", flat=True)) == {State.SENT}
    assert {row.about for row in _rows(meeting)} == set(invitations)
    (mailing,) = Mailing.objects.all()
    assert mailing.state == Mailing.State.EXPANDED
    # One batch, so one SMTP connection for the three.
    assert len(outbox) == 1


def test_a_mail_rendered_at_send_time_keeps_what_was_sent_in_its_row(
    meeting, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(meeting, 1)

    (sent,) = mail.outbox
    row = _rows(meeting).get()
    assert row.state == State.SENT and row.sent_at is not None and row.rendered_at is not None
    assert (row.subject, row.body_text) == (sent.subject, sent.body)
    assert row.body_html == sent.alternatives[0].content
    ((stored,), (attached,)) = row.attachments, sent.attachments
    assert stored["filename"] == attached.filename
    assert base64.b64decode(stored["content"]) == attached.content.encode()


def test_the_request_renders_nothing_it_only_records_one_mailing(meeting, outbox):
    _invite(meeting, 5)

    (mailing,) = Mailing.objects.all()
    assert mailing.state == Mailing.State.PENDING
    assert len(mailing.params["invitation_ids"]) == 5
    assert not OutgoingMessage.objects.exists()
    assert outbox == []


def test_a_rolled_back_invitation_leaves_no_mailing_no_row_and_no_mail(
    meeting, outbox, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        _invite(meeting, 3)
        raise Abort

    assert not Mailing.objects.exists()
    assert not OutgoingMessage.objects.exists()
    assert mail.outbox == []


def test_a_process_killed_after_the_commit_is_finished_by_the_sweep_each_recipient_once(
    meeting, outbox, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_QUEUED_GRACE_SECONDS = 0
    # The commit happened, but the process died before it could publish the expansion:
    # the after-commit callbacks never run.
    _invite(meeting, 4)
    assert not OutgoingMessage.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.messages_requeue_stuck()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.messages_requeue_stuck()

    assert sorted(message.to[0] for message in mail.outbox) == [
        f"person{number}@example.org" for number in range(4)
    ]
    assert _rows(meeting, state=State.SENT).count() == 4


def test_an_expansion_that_fails_midway_leaves_the_mailing_pending_and_nothing_written(
    meeting,
):
    _invite(meeting, 3)
    mailing = Mailing.objects.get()

    def connection_lost_before_marking_expanded(execute, sql, params, many, context):
        # The messages are inserted; the connection drops before the mailing is marked.
        if sql.startswith('UPDATE "notifications_mailing"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(connection_lost_before_marking_expanded),
        pytest.raises(OperationalError),
    ):
        services.mailings_expand(mailing_ids=[mailing.pk])

    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.PENDING
    assert not OutgoingMessage.objects.exists()
    assert len(services.mailings_expand(mailing_ids=[mailing.pk])) == 3
    assert services.mailings_expand(mailing_ids=[mailing.pk]) == []
    assert OutgoingMessage.objects.count() == 3


def test_expanding_twice_or_concurrently_queues_each_recipient_once(meeting, published):
    invitations = _invite(meeting, 2)
    first = Mailing.objects.get()
    # The same people recorded again by a second action (a retried request).
    with transaction.atomic():
        meeting_messages.invitations_record(meeting=meeting, invitations=invitations)
    ids = list(Mailing.objects.values_list("pk", flat=True))

    services.mailings_expand(mailing_ids=ids)
    services.mailings_expand(mailing_ids=[first.pk])

    assert OutgoingMessage.objects.count() == 2
    assert sorted(OutgoingMessage.objects.values_list("idempotency_key", flat=True)) == sorted(
        f"invitation:{invitation.pk}" for invitation in invitations
    )


# --- one recipient's failure --------------------------------------------------------------


def test_a_recipient_whose_invitation_is_gone_fails_visibly_and_the_others_go_out(
    meeting, client_for, staff_user, django_capture_on_commit_callbacks, published
):
    invitations = _invite(meeting, 3)
    services.mailings_expand(mailing_ids=list(Mailing.objects.values_list("pk", flat=True)))
    Invitation.objects.filter(pk=invitations[1].pk).delete()

    outcomes = services.messages_deliver(
        message_ids=list(_rows(meeting).values_list("pk", flat=True))
    )

    assert sorted(outcome.result for outcome in outcomes.values()) == ["failed", "sent", "sent"]
    failed = _rows(meeting).get(state=State.FAILED)
    assert failed.recipient_email == "person1@example.org"
    assert "Rendering failed" in failed.last_error
    assert sorted(message.to[0] for message in mail.outbox) == [
        "person0@example.org",
        "person2@example.org",
    ]
    page = client_for(staff_user).get(
        reverse("notifications:scope_messages", args=[scope_for(meeting)])
    )
    assert "Rendering failed" in page.content.decode()
    assert reverse("notifications:message_resend", args=[failed.pk]) in page.content.decode()


class _Exploding:
    """A value whose rendering raises, as a broken template tag or filter would."""

    silent_variable_failure = False

    @property
    def title(self):
        raise RuntimeError("the template cannot render this recipient")

    def __str__(self):
        raise RuntimeError("the template cannot render this recipient")


def _probe_recipients(mailings):
    return {
        mailing.pk: [
            MailingRecipient(
                email=f"probe{number}@example.org",
                idempotency_key=f"probe:{mailing.pk}:{number}",
                params={"broken": number == 1},
            )
            for number in range(3)
        ]
        for mailing in mailings
    }


def _probe_contents(messages):
    sample = kinds.sample_context("invitation")
    return {
        message.pk: MessageContent(
            context={
                **sample,
                "meeting": _Exploding() if message.params["broken"] else sample["meeting"],
            }
        )
        for message in messages
    }


# A kind of this test module's own, using the invitation templates: the context it renders
# from makes the template fail for the recipient marked ``broken``.
kinds.register(
    MessageKind(
        name="probe",
        label="Probe",
        template_base="invitation",
        sample_context=lambda: kinds.sample_context("invitation"),
        recipients=_probe_recipients,
        contents=_probe_contents,
    )
)


def test_a_second_mailing_for_the_same_key_returns_the_first_and_says_it_was_not_created(
    meeting,
):
    first, first_created = services.mailing_create(
        kind="probe", about=meeting, scope=scope_for(meeting), idempotency_key="probe:once"
    )
    again, again_created = services.mailing_create(
        kind="probe", about=meeting, scope=scope_for(meeting), idempotency_key="probe:once"
    )

    assert (first_created, again_created) == (True, False)
    assert again == first
    assert Mailing.objects.filter(idempotency_key="probe:once").count() == 1


def test_a_template_error_for_one_recipient_fails_that_message_and_the_others_are_sent(
    meeting, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.mailing_create(kind="probe", about=meeting, scope=scope_for(meeting))

    assert sorted(message.to[0] for message in mail.outbox) == [
        "probe0@example.org",
        "probe2@example.org",
    ]
    failed = OutgoingMessage.objects.get(state=State.FAILED)
    assert failed.recipient_email == "probe1@example.org"
    assert "the template cannot render this recipient" in failed.last_error
    assert OutgoingMessage.objects.filter(state=State.SENT).count() == 2


# --- batches over one connection ----------------------------------------------------------


class _SessionRecordingHandler(RecordingHandler):
    """Also notes the client address of each accepted mail: one per SMTP connection."""

    def __init__(self):
        super().__init__()
        self.peers = []

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


def test_a_batch_goes_out_over_one_smtp_connection(meeting, published, settings):
    _invite(meeting, 3)
    services.mailings_expand(mailing_ids=list(Mailing.objects.values_list("pk", flat=True)))
    ids = list(_rows(meeting).order_by("pk").values_list("pk", flat=True))

    with smtp_server(_SessionRecordingHandler()) as (smtp, port):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
            }
        }
        outcomes = services.messages_deliver(message_ids=ids)

    assert [outcomes[pk].result for pk in ids] == ["sent"] * 3
    assert sorted(smtp.recipients()) == [f"person{number}@example.org" for number in range(3)]
    assert len(smtp.peers) == 3
    assert len(set(smtp.peers)) == 1


def test_a_refused_connection_retries_the_first_message_and_requeues_the_rest_untried(
    meeting, published, settings
):
    _invite(meeting, 3)
    services.mailings_expand(mailing_ids=list(Mailing.objects.values_list("pk", flat=True)))
    ids = list(_rows(meeting).order_by("pk").values_list("pk", flat=True))
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # Nothing listens there: the batch's connection is refused when it is opened.
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }

    outcomes = services.messages_deliver(message_ids=ids)

    assert [outcomes[pk].result for pk in ids] == ["retry", "requeued", "requeued"]
    rows = {row.pk: row for row in OutgoingMessage.objects.filter(pk__in=ids)}
    assert rows[ids[0]].attempts == 1 and "Refused" in rows[ids[0]].last_error
    assert [rows[pk].attempts for pk in ids[1:]] == [0, 0]
    assert {row.state for row in rows.values()} == {State.QUEUED}


def test_a_broken_connection_mid_batch_retries_that_message_and_requeues_the_rest_untried(
    meeting, published, monkeypatch, settings
):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    _invite(meeting, 4)
    services.mailings_expand(mailing_ids=list(Mailing.objects.values_list("pk", flat=True)))
    ids = list(_rows(meeting).order_by("pk").values_list("pk", flat=True))
    original = locmem.EmailBackend.send_messages
    sent = []

    def drops_the_second(self, messages):
        sent.append(messages[0].to[0])
        if len(sent) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", drops_the_second)

    outcomes = services.messages_deliver(message_ids=ids)

    assert [outcomes[pk].result for pk in ids] == ["sent", "retry", "requeued", "requeued"]
    rows = {row.pk: row for row in OutgoingMessage.objects.filter(pk__in=ids)}
    assert rows[ids[0]].state == State.SENT
    assert rows[ids[1]].state == State.QUEUED and rows[ids[1]].attempts == 1
    for pk in ids[2:]:
        assert rows[pk].state == State.QUEUED
        assert rows[pk].attempts == 0
        assert rows[pk].next_attempt_at is not None
    assert len(mail.outbox) == 1


def test_the_send_task_publishes_retries_for_the_rest_of_a_broken_batch(
    meeting, published, monkeypatch, settings
):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    _invite(meeting, 3)
    services.mailings_expand(mailing_ids=list(Mailing.objects.values_list("pk", flat=True)))
    published.clear()
    ids = list(_rows(meeting).order_by("pk").values_list("pk", flat=True))

    def refused(self, messages):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refused)

    assert tasks.messages_send(ids) == 0

    assert sorted(published) == sorted((pk, 30.0) for pk in ids)


def test_batches_are_published_in_the_configured_size(
    meeting, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_BATCH_SIZE = 2
    batches = []
    monkeypatch.setattr(
        tasks.messages_send, "apply_async", lambda args, **options: batches.append(args[0])
    )
    _invite(meeting, 5)

    with django_capture_on_commit_callbacks(execute=True):
        services.mailings_expand(mailing_ids=list(Mailing.objects.values_list("pk", flat=True)))

    assert [len(batch) for batch in batches] == [2, 2, 1]


# --- retention and privacy ----------------------------------------------------------------


def test_sent_bodies_are_purged_after_the_retention_period_and_the_record_stays(settings):
    settings.NOTIFICATIONS_BODY_RETENTION_DAYS = 180
    now = timezone.now()
    old = OutgoingMessageFactory(
        state=State.SENT,
        sent_at=now - timedelta(days=181),
        attachments=[{"filename": "a.ics", "content_type": "text/calendar", "content": ""}],
    )
    recent = OutgoingMessageFactory(state=State.SENT, sent_at=now - timedelta(days=179))
    failed = OutgoingMessageFactory(state=State.FAILED, created_at=now - timedelta(days=400))

    assert tasks.messages_purge_bodies() == 1

    old.refresh_from_db()
    assert (old.subject, old.body_text, old.body_html, old.attachments) == ("", "", "", [])
    assert old.recipient_email and old.sent_at and old.state == State.SENT
    assert old.purged_at is not None
    recent.refresh_from_db()
    failed.refresh_from_db()
    assert recent.body_text and failed.body_text


def test_the_purge_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "notifications.messages_purge_bodies" in tasks_scheduled


def test_anonymising_a_person_blanks_their_mail_and_leaves_others_alone(django_user_model):
    user = django_user_model.objects.create_user("erika@example.org", "x")
    theirs = OutgoingMessageFactory(
        recipient_user=user, recipient_email="erika@example.org", recipient_label="Erika M."
    )
    by_address = OutgoingMessageFactory(recipient_email="ERIKA@example.org")
    queued = OutgoingMessageFactory(recipient_user=user, state=State.QUEUED)
    other = OutgoingMessageFactory(recipient_email="max@example.org")

    services.messages_anonymise_for_user(user=user, email=user.email)

    for message in (theirs, by_address, queued):
        message.refresh_from_db()
        assert message.recipient_email == ""
        assert message.recipient_label == ""
        assert message.recipient_user is None
        assert (message.subject, message.body_text, message.body_html) == ("", "", "")
        assert message.attachments == [] and message.headers == {}
    assert queued.state == State.FAILED
    other.refresh_from_db()
    assert other.recipient_email == "max@example.org" and other.body_text
