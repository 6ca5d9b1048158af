import smtplib
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from notifications import kinds, services, tasks
from notifications.models import OutgoingMessage, scope_for
from notifications.selectors import messages_needing_requeue_ids
from notifications.services import InvalidTransition, MessageAttachment
from roundtable.celery import app
from tests.factories import MeetingFactory
from tests.notifications.factories import OutgoingMessageFactory

pytestmark = pytest.mark.django_db

State = OutgoingMessage.State


def _queue(**overrides):
    meeting = overrides.pop("meeting", None) or MeetingFactory(
        title="Runder Tisch & Freunde",
        starts_at=datetime(2026, 12, 3, 13, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
    )
    context = {**kinds.sample_context("invitation"), "meeting": meeting}
    arguments = {
        "kind": "invitation",
        "recipient_email": "erika@example.org",
        "idempotency_key": "invitation:1:0",
        "template_base": "invitation",
        "context": context,
        "language": "de",
        "about": meeting,
        "scope": scope_for(meeting),
    }
    arguments.update(overrides)
    return services.message_queue(**arguments)


# --- rendering ---------------------------------------------------------------------------


def test_message_render_german_uses_berlin_time_and_german_words():
    rendered = services.message_render(
        template_base="invitation",
        context={
            **kinds.sample_context("invitation"),
            "meeting": MeetingFactory.build(
                title="Treffen",
                starts_at=datetime(2026, 12, 3, 13, 0, tzinfo=UTC),
                ends_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
            ),
        },
        language="de",
    )

    assert rendered.subject == "Einladung: Treffen – 03.12.2026"
    assert "3. Dezember 2026 14:00 – 16:00" in rendered.body_text
    assert "Zusagen:" in rendered.body_text
    assert '<html lang="de">' in rendered.body_html
    assert "Einladung zusagen" in rendered.body_html


def test_message_render_english_for_english_recipients():
    rendered = services.message_render(
        template_base="invitation",
        context={
            **kinds.sample_context("invitation"),
            "meeting": MeetingFactory.build(
                title="Meeting",
                starts_at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
                ends_at=datetime(2026, 7, 1, 13, 30, tzinfo=UTC),
            ),
        },
        language="en",
    )

    assert rendered.subject.startswith("Invitation: Meeting")
    # Summer time in Berlin: UTC+2.
    assert "14:00 – 15:30" in rendered.body_text
    assert '<html lang="en">' in rendered.body_html
    assert "Accept the invitation" in rendered.body_html


def test_message_render_escapes_html_only_in_the_html_part():
    message = _queue()

    assert "Runder Tisch & Freunde" in message.body_text
    assert "&amp;" not in message.body_text
    assert "Runder Tisch &amp; Freunde" in message.body_html


@pytest.mark.parametrize("kind", [kind.name for kind in kinds.all_kinds()])
@pytest.mark.parametrize("language", ["de", "en"])
def test_message_render_every_kind_renders_with_its_sample(kind, language):
    rendered = services.message_render(
        template_base=kinds.get(kind).base, context=kinds.sample_context(kind), language=language
    )

    assert rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.body_text.strip()
    assert f'<html lang="{language}">' in rendered.body_html


# --- queueing and idempotency ---------------------------------------------------------------


def test_message_queue_twice_with_the_same_key_creates_one_row_and_one_task(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue()
        second = _queue(recipient_email="other@example.org")

    assert first.pk == second.pk
    assert OutgoingMessage.objects.count() == 1
    assert published == [(first.pk, None)]


def test_message_queue_starts_the_task_only_after_commit(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _queue()
        assert published == []

    assert published == []
    for callback in callbacks:
        callback()
    assert published == [(message.pk, None)]
    assert message.state == State.QUEUED


def test_message_queue_in_a_rolled_back_transaction_leaves_nothing(
    published, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue(meeting=meeting)
        raise RuntimeError

    assert OutgoingMessage.objects.count() == 0
    assert published == []


def test_message_queue_unknown_language_falls_back_to_german(published):
    message = _queue(language="fr")

    assert message.language == "de"
    assert message.subject.startswith("Einladung")


def test_message_queue_stores_attachments_and_headers(published):
    message = _queue(
        attachments=[MessageAttachment("treffen.ics", "BEGIN:VCALENDAR", "text/calendar")],
        headers={"Reply-To": "orga@example.org"},
    )

    assert message.attachments[0]["filename"] == "treffen.ics"
    assert message.headers["Reply-To"] == "orga@example.org"


def test_message_id_is_the_same_on_every_try_and_differs_between_messages():
    first = services.message_id_for(idempotency_key="invitation:1")

    assert first == services.message_id_for(idempotency_key="invitation:1")
    assert first != services.message_id_for(idempotency_key="invitation:2")
    assert first.startswith("<") and first.endswith("@example.org>")


def test_idempotency_key_is_unique_in_the_database():
    OutgoingMessageFactory(idempotency_key="reminder:1:7d")

    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingMessageFactory(idempotency_key="reminder:1:7d")


def test_message_queue_refuses_unknown_kinds(published):
    with pytest.raises(ValueError):
        _queue(kind="newsletter")


def test_message_queue_broker_down_keeps_the_row_queued(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.messages_send, "apply_async", broken)
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()

    message.refresh_from_db()
    assert message.state == State.QUEUED


# --- sending --------------------------------------------------------------------------------


def test_message_deliver_sends_text_html_attachments_and_headers(published):
    message = _queue(
        attachments=[
            MessageAttachment(
                "treffen.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"
            )
        ],
        headers={"Reply-To": "orga@example.org", "List-Unsubscribe": "<https://x.example/ab>"},
    )

    outcome = services.message_deliver(message_id=message.pk)

    assert outcome.result == "sent"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["erika@example.org"]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.reply_to == ["orga@example.org"]
    assert email.extra_headers["List-Unsubscribe"] == "<https://x.example/ab>"
    assert email.extra_headers["Message-ID"] == services.message_id_for(
        idempotency_key=message.idempotency_key
    )
    assert email.alternatives[0].mimetype == "text/html"
    assert email.attachments[0].filename == "treffen.ics"
    assert b"BEGIN:VCALENDAR" in email.attachments[0].content.encode()
    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


def test_message_deliver_skips_sent_and_failed_messages():
    sent = OutgoingMessageFactory(state=State.SENT)
    failed = OutgoingMessageFactory(state=State.FAILED)

    assert services.message_deliver(message_id=sent.pk).result == "skipped"
    assert services.message_deliver(message_id=failed.pk).result == "skipped"
    assert services.message_deliver(message_id=999_999).result == "missing"
    assert mail.outbox == []


def test_message_deliver_twice_sends_once():
    message = OutgoingMessageFactory()

    services.message_deliver(message_id=message.pk)
    services.message_deliver(message_id=message.pk)

    assert len(mail.outbox) == 1


def test_message_deliver_skips_an_early_duplicate_of_a_scheduled_retry():
    message = OutgoingMessageFactory(next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert services.message_deliver(message_id=message.pk).result == "skipped"
    assert mail.outbox == []


def _fail_with(monkeypatch, error):
    def send(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send)


def test_message_deliver_temporary_error_schedules_a_retry(monkeypatch, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    _fail_with(monkeypatch, smtplib.SMTPDataError(451, b"try again later"))
    message = OutgoingMessageFactory()

    outcome = services.message_deliver(message_id=message.pk)

    assert outcome.result == "retry"
    assert outcome.retry_in == 10
    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert message.attempts == 1
    assert "451" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=8)


def test_message_deliver_temporary_error_on_the_last_try_fails(monkeypatch, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    _fail_with(monkeypatch, ConnectionRefusedError("refused"))
    message = OutgoingMessageFactory(attempts=2)

    outcome = services.message_deliver(message_id=message.pk)

    assert outcome.result == "failed"
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.attempts == 3
    assert "refused" in message.last_error


def test_message_deliver_permanent_error_fails_at_once(monkeypatch):
    _fail_with(
        monkeypatch,
        smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"5.1.1 no such user")}),
    )
    message = OutgoingMessageFactory()

    outcome = services.message_deliver(message_id=message.pk)

    assert outcome.result == "failed"
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"later")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), False),
        (smtplib.SMTPDataError(452, b"full"), True),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPSenderRefused(553, b"no", "from@example.org"), False),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (ValueError("Invalid address"), False),
    ],
)
def test_smtp_error_is_temporary_by_reply_code(error, temporary):
    assert services.smtp_error_is_temporary(error) is temporary


def test_retry_delay_grows_exponentially_up_to_the_limit(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5

    delays = [services.retry_delay(attempts=attempts) for attempts in range(1, 6)]

    assert delays == [60, 120, 240, 480, None]


# --- a worker that died mid-send ------------------------------------------------------------


@pytest.fixture
def other_session():
    """A second database session, like another worker's."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        yield other


def test_message_deliver_leaves_a_message_alone_while_a_live_worker_sends_it(other_session):
    message = OutgoingMessageFactory(
        state=State.SENDING, attempts=1, sending_started_at=timezone.now()
    )
    lock_key = (services.ADVISORY_LOCK_NAMESPACE, message.pk)
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", lock_key)

    assert services.message_deliver(message_id=message.pk).result == "skipped"

    assert mail.outbox == []


def test_message_deliver_takes_over_from_a_dead_worker(other_session):
    message = OutgoingMessageFactory(
        state=State.SENDING, attempts=1, sending_started_at=timezone.now()
    )
    lock_key = (services.ADVISORY_LOCK_NAMESPACE, message.pk)
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", lock_key)
    # The worker is killed; PostgreSQL drops its session and with it the lock.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [other_session.info.backend_pid])

    assert services.message_deliver(message_id=message.pk).result == "sent"

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.state == State.SENT
    assert message.attempts == 2


def test_message_deliver_gives_up_after_too_many_interruptions(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    message = OutgoingMessageFactory(
        state=State.SENDING, attempts=2, sending_started_at=timezone.now()
    )

    assert services.message_deliver(message_id=message.pk).result == "failed"

    message.refresh_from_db()
    assert message.state == State.FAILED
    assert mail.outbox == []


# --- state transitions and resend ------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_state", "to_state", "allowed"),
    [
        (State.QUEUED, State.SENDING, True),
        (State.SENDING, State.SENT, True),
        (State.SENDING, State.QUEUED, True),
        (State.SENDING, State.FAILED, True),
        (State.FAILED, State.QUEUED, True),
        (State.QUEUED, State.SENT, False),
        (State.SENT, State.QUEUED, False),
        (State.SENT, State.SENDING, False),
        (State.FAILED, State.SENT, False),
    ],
)
def test_message_transition_follows_the_state_machine(from_state, to_state, allowed):
    message = OutgoingMessage(state=from_state)

    if allowed:
        services.message_transition(message=message, to_state=to_state)
        assert message.state == to_state
    else:
        with pytest.raises(InvalidTransition):
            services.message_transition(message=message, to_state=to_state)
        assert message.state == from_state


def test_message_resend_queues_a_failed_message_with_fresh_tries(
    published, django_capture_on_commit_callbacks
):
    message = OutgoingMessageFactory(state=State.FAILED, attempts=5, last_error="550 unknown")

    with django_capture_on_commit_callbacks(execute=True):
        services.message_resend(message=message)

    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert message.attempts == 0
    assert published == [(message.pk, None)]


def test_message_resend_refuses_a_sent_message(published):
    message = OutgoingMessageFactory(state=State.SENT)

    with pytest.raises(InvalidTransition):
        services.message_resend(message=message)

    assert published == []


# --- the sweep -------------------------------------------------------------------------------


def test_messages_needing_requeue_selects_lost_and_stuck_messages(settings):
    settings.NOTIFICATIONS_QUEUED_GRACE_SECONDS = 60
    settings.NOTIFICATIONS_STUCK_SECONDS = 300
    now = timezone.now()
    ago = lambda seconds: now - timedelta(seconds=seconds)  # noqa: E731
    lost = OutgoingMessageFactory(created_at=ago(61))
    OutgoingMessageFactory(created_at=ago(30))  # its task is surely still on its way
    retry_due = OutgoingMessageFactory(created_at=ago(900), next_attempt_at=ago(61))
    OutgoingMessageFactory(created_at=ago(900), next_attempt_at=ago(30))
    OutgoingMessageFactory(created_at=ago(900), next_attempt_at=now + timedelta(minutes=5))
    stuck = OutgoingMessageFactory(state=State.SENDING, sending_started_at=ago(301))
    OutgoingMessageFactory(state=State.SENDING, sending_started_at=ago(60))
    OutgoingMessageFactory(state=State.SENT, created_at=ago(900))
    OutgoingMessageFactory(state=State.FAILED, created_at=ago(900))

    selected = messages_needing_requeue_ids(now=now)

    assert sorted(selected) == sorted([lost.pk, retry_due.pk, stuck.pk])


def test_messages_requeue_stuck_publishes_each_selected_message(published):
    old = timezone.now() - timedelta(hours=1)
    first = OutgoingMessageFactory(created_at=old)
    second = OutgoingMessageFactory(created_at=old + timedelta(seconds=1))

    assert tasks.messages_requeue_stuck() == 2

    assert published == [(first.pk, None), (second.pk, None)]


def test_messages_requeue_stuck_stops_while_the_broker_is_down(monkeypatch):
    calls = []

    def broken(*args, **kwargs):
        calls.append(args)
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.messages_send, "apply_async", broken)
    old = timezone.now() - timedelta(hours=1)
    OutgoingMessageFactory.create_batch(3, created_at=old)

    assert services.messages_requeue_stuck() == 0
    assert len(calls) == 1


def test_sweep_is_in_the_beat_schedule():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "notifications.messages_requeue_stuck" in entries
    app.loader.import_default_modules()
    assert "notifications.messages_requeue_stuck" in app.tasks
    assert app.tasks["notifications.message_send"].acks_late is True


# --- the task -----------------------------------------------------------------------------


def test_message_send_task_publishes_the_retry_with_backoff(monkeypatch, published, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 7
    _fail_with(monkeypatch, smtplib.SMTPRecipientsRefused({"a@example.org": (421, b"busy")}))
    message = OutgoingMessageFactory()

    assert tasks.message_send(message.pk) == "retry"

    assert published == [(message.pk, 7)]
