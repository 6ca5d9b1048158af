"""Meeting invitations end to end: the meetings service, a real Celery worker on Redis and
SMTP to aiosmtpd on loopback (see realparts.py)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings import services as meeting_services
from notifications import tasks
from notifications.models import OutgoingMessage
from realparts import (
    smtp_server,
    wait_for,
    worker,
    worker_env,
)
from tests.factories import MeetingFactory, RepresentativeFactory, StaffUserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_scheduling_a_meeting_for_forty_people_delivers_forty_invitations_once(tmp_path, broker):
    starts_at = (timezone.now() + timedelta(days=14)).replace(microsecond=0)
    organiser = StaffUserFactory(email="orga@example.org")
    meeting = MeetingFactory(
        organiser=organiser,
        status="draft",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    people = [RepresentativeFactory(email=f"kommune{n:02d}@example.org") for n in range(40)]

    with smtp_server() as (smtp, port):
        env = worker_env(smtp_port=port, redis_url=broker)
        with worker(log_path=tmp_path / "worker.log", env=env):
            meeting_services.invitations_send(meeting=meeting, representatives=people)
            wait_for(
                lambda: OutgoingMessage.objects.filter(state="sent").count() == 40,
                timeout=90,
                what="40 sent invitations",
            )

        assert Counter(smtp.recipients()) == Counter(person.email for person in people)
        for recipient, email in smtp.delivered:
            assert email["Reply-To"] == "orga@example.org"
            (calendar_part,) = [
                part
                for part in email.iter_attachments()
                if part.get_content_type() == "text/calendar"
            ]
            calendar = Calendar.from_ical(calendar_part.get_content())
            event = calendar.walk("VEVENT")[0]
            assert calendar["METHOD"] == "REQUEST"
            assert str(event["ATTENDEE"]) == f"mailto:{recipient}"
            assert event.decoded("DTSTART") == meeting.starts_at
    assert (
        OutgoingMessage.objects.filter(
            kind="invitation", scope=f"meetings.meeting:{meeting.pk}"
        ).count()
        == 40
    )
    assert set(OutgoingMessage.objects.values_list("attempts", flat=True)) == {1}


def test_invitations_committed_by_a_process_that_died_are_sent_by_the_sweep_once(
    tmp_path, broker, monkeypatch, settings
):
    """The web process commits the invitations and dies before the expansion is published
    (here: publishing fails); the sweep, as beat runs it, expands the mailing and a real
    worker sends each invitation once, though the sweep runs twice."""
    settings.NOTIFICATIONS_QUEUED_GRACE_SECONDS = 0
    starts_at = (timezone.now() + timedelta(days=14)).replace(microsecond=0)
    meeting = MeetingFactory(
        status="draft", starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    people = [RepresentativeFactory(email=f"gemeinde{n:02d}@example.org") for n in range(12)]

    def died(*args, **kwargs):
        raise ConnectionError("the web process is gone")

    monkeypatch.setattr(tasks.mailings_expand_task, "apply_async", died)
    meeting_services.invitations_send(meeting=meeting, representatives=people)
    monkeypatch.undo()
    assert not OutgoingMessage.objects.exists()

    with smtp_server() as (smtp, port):
        env = worker_env(smtp_port=port, redis_url=broker)
        with worker(log_path=tmp_path / "worker.log", env=env):
            tasks.messages_requeue_stuck()
            tasks.messages_requeue_stuck()
            wait_for(
                lambda: OutgoingMessage.objects.filter(state="sent").count() == 12,
                timeout=90,
                what="12 sent invitations",
            )

    assert Counter(smtp.recipients()) == Counter(person.email for person in people)
