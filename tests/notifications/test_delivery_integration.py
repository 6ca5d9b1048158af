"""Delivery with real parts: a Celery worker subprocess on Redis, SMTP to aiosmtpd on loopback.

The worker uses pytest-django's test database, so the tests commit their rows
(transaction=True) and poll the database and the SMTP server for the outcome.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from notifications import services
from notifications.models import OutgoingMessage, scope_for
from notifications.services import MessageAttachment
from realparts import (
    RedisServer,
    celery_publishing_to,
    smtp_server,
    wait_for,
    worker,
    worker_env,
)
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

State = OutgoingMessage.State


def _calendar(meeting, recipient) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Runder Tisch Südwestfalen//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@runder-tisch.example.org")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("organizer", vCalAddress("mailto:runder-tisch@example.org"))
    event.add("attendee", vCalAddress(f"mailto:{recipient}"))
    calendar.add_component(event)
    return calendar.to_ical()


def _queue_invitations(meeting, recipients, *, key_prefix="invitation"):
    with transaction.atomic():
        for recipient in recipients:
            services.message_queue(
                kind="invitation",
                recipient_email=recipient,
                idempotency_key=f"{key_prefix}:{meeting.pk}:{recipient}",
                template_base="invitation",
                context={"meeting": meeting, "recipient_name": recipient.split("@")[0]},
                language="de",
                attachments=[
                    MessageAttachment(
                        "einladung.ics", _calendar(meeting, recipient), "text/calendar"
                    )
                ],
                headers={"Reply-To": "orga@example.org"},
                about=meeting,
                scope=scope_for(meeting),
            )


def _sent_count():
    return OutgoingMessage.objects.filter(state=State.SENT).count()


def test_forty_invitations_arrive_exactly_once_with_a_parseable_calendar(tmp_path, broker):
    starts_at = (timezone.now() + timedelta(days=14)).replace(microsecond=0)
    meeting = MeetingFactory(
        title="15. Runder Tisch", starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    recipients = [f"person{number:02d}@example.org" for number in range(40)]

    with smtp_server() as (smtp, port):
        env = worker_env(smtp_port=port, redis_url=broker)
        with worker(log_path=tmp_path / "worker.log", env=env):
            _queue_invitations(meeting, recipients)
            wait_for(lambda: _sent_count() == 40, timeout=45, what="40 sent messages")

        assert Counter(smtp.recipients()) == Counter(recipients)
        for recipient, email in smtp.delivered:
            assert email["Reply-To"] == "orga@example.org"
            assert email.get_body(preferencelist=("html",)) is not None
            calendars = [
                part
                for part in email.iter_attachments()
                if part.get_content_type() == "text/calendar"
            ]
            assert len(calendars) == 1
            parsed = Calendar.from_ical(calendars[0].get_content())
            event = parsed.walk("VEVENT")[0]
            assert parsed["METHOD"] == "REQUEST"
            assert str(event["ATTENDEE"]) == f"mailto:{recipient}"
            assert event.decoded("DTSTART") == meeting.starts_at
    assert set(OutgoingMessage.objects.values_list("attempts", flat=True)) == {1}


def test_messages_queued_while_redis_is_down_are_delivered_once_by_the_sweep(tmp_path, settings):
    meeting = MeetingFactory()
    recipients = [f"ausfall{number}@example.org" for number in range(10)]
    broker = RedisServer(tmp_path)
    broker.start()
    try:
        with smtp_server() as (smtp, port), celery_publishing_to(broker.url):
            env = worker_env(smtp_port=port, redis_url=broker.url)
            with worker(log_path=tmp_path / "worker.log", env=env):
                broker.stop()
                # The meeting is scheduled while Redis is down: the rows commit, the tasks
                # cannot be published.
                _queue_invitations(meeting, recipients)
                assert OutgoingMessage.objects.filter(state=State.QUEUED).count() == 10

                broker.start()
                settings.NOTIFICATIONS_QUEUED_GRACE_SECONDS = 0
                assert services.messages_requeue_stuck() == 10
                wait_for(lambda: _sent_count() == 10, timeout=45, what="10 sent messages")

        assert Counter(smtp.recipients()) == Counter(recipients)
    finally:
        broker.stop()


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    tmp_path, settings, broker
):
    meeting = MeetingFactory()
    recipients = [f"abbruch{number:02d}@example.org" for number in range(20)]

    with smtp_server() as (smtp, port):
        smtp.delay = 0.05
        # After five mails the server keeps both pool processes waiting in DATA: the worker
        # is killed while it is sending, before any of these mails was accepted.
        smtp.hold_after = 5
        env = worker_env(smtp_port=port, redis_url=broker)
        first = worker(log_path=tmp_path / "first.log", env=env)
        with first as first_worker:
            _queue_invitations(meeting, recipients)
            wait_for(lambda: smtp.held == 2, timeout=45, what="two mails in transit")
            first_worker.kill()
        interrupted = set(
            OutgoingMessage.objects.filter(state=State.SENDING).values_list("pk", flat=True)
        )
        assert len(interrupted) == 2
        smtp.release()
        smtp.hold_after = None

        with worker(log_path=tmp_path / "second.log", env=env):
            # The killed worker's tasks are unacknowledged in Redis until the visibility
            # timeout; the sweep republishes what is queued or stuck in sending.
            settings.NOTIFICATIONS_QUEUED_GRACE_SECONDS = 0
            settings.NOTIFICATIONS_STUCK_SECONDS = 0
            assert services.messages_requeue_stuck() >= 2
            wait_for(lambda: _sent_count() == 20, timeout=45, what="20 sent messages")

        # Every row is sent, so no send of these messages can still be under way.
        assert Counter(smtp.recipients()) == Counter(recipients)
    attempts = dict(OutgoingMessage.objects.values_list("pk", "attempts"))
    assert all(attempts[pk] == 2 for pk in interrupted)


def test_temporary_smtp_errors_are_retried_and_permanent_ones_fail_visibly(
    tmp_path, client_for, staff_user, broker
):
    meeting = MeetingFactory()
    recipients = [f"spaeter{number}@example.org" for number in range(5)]
    rejected = "abgelehnt@example.org"

    with smtp_server() as (smtp, port):
        smtp.temporary_failures = dict.fromkeys(recipients, 2)
        smtp.rejected = {rejected}
        env = worker_env(smtp_port=port, redis_url=broker)
        with worker(log_path=tmp_path / "worker.log", env=env):
            _queue_invitations(meeting, [*recipients, rejected])
            wait_for(
                lambda: (
                    _sent_count() == 5
                    and OutgoingMessage.objects.filter(state=State.FAILED).count() == 1
                ),
                timeout=45,
                what="5 sent messages and 1 failed message",
            )

        assert Counter(smtp.recipients()) == Counter(recipients)
        assert all(smtp.rcpt_attempts[recipient] == 3 for recipient in recipients)
        assert smtp.rcpt_attempts[rejected] == 1

    for message in OutgoingMessage.objects.filter(state=State.SENT):
        assert message.attempts == 3
        assert "451" in message.last_error
    failed = OutgoingMessage.objects.get(state=State.FAILED)
    assert failed.recipient_email == rejected
    assert failed.attempts == 1
    assert "550" in failed.last_error
    assert failed.sent_at is None

    response = client_for(staff_user).get(
        reverse("notifications:scope_messages", args=[scope_for(meeting)])
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert rejected in content
    assert "550 5.1.1 Mailbox unavailable" in content
    assert reverse("notifications:message_resend", args=[failed.pk]) in content
