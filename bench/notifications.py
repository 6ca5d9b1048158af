"""Mail benchmarks for `make bench` (registered in bench/pages.py EXTRA_BENCHMARKS).

- invitations_to_1000: a meeting sent out to 1,000 people through the real meetings service,
  delivered by ONE Celery worker to an SMTP server on loopback, next to raw smtplib sending
  of the same rendered messages to the same server.
  Targets: the request (``queue_seconds``) under 1 s; the outbox at least 30 % of smtplib
  (``outbox_share_of_smtplib``). The outbox's time runs from the request to the last mail
  accepted, so it includes expanding, rendering and building every message.
- invitation_request_1000: the staff request itself, as the audience page's confirmed form
  sends it (districts with 1,000 municipalities, audience, service, commit, publishing), timed
  end to end in-process (target: under 1 s).
- reminder_sweep_2000: the periodic reminder sweep over the scale data's 2,000 meetings
  (target: the first sweep under 10 s; it records the mailings, writes the messages in bulk
  and leaves rendering to the sending worker).

All leave the benchmark database as they found it (rows deleted or the transaction rolled
back), so `make bench` stays repeatable.
"""

import logging
import os
import smtplib
import tempfile
import time
from datetime import timedelta
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import messages
from meetings import services as meeting_services
from meetings.models import Invitation, Meeting
from members.models import District, Municipality, Representative
from notifications.models import Mailing, OutgoingMessage, scope_for
from notifications.services import message_build_email
from realparts import CountingHandler, Worker, free_port, wait_for
from roundtable.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def _recipients(count: int):
    """``count`` current representatives with an address; missing ones are created."""
    today = timezone.localdate()
    people = list(
        Representative.objects.filter(anonymised_at__isnull=True, starts_on__lte=today)
        .exclude(email="")
        .exclude(ends_on__lt=today)
        .select_related("municipality")
        .order_by("pk")[:count]
    )
    if len(people) < count:
        municipality = Municipality.objects.order_by("pk").first()
        if municipality is None:
            municipality = Municipality.objects.create(
                name="Benchmarkstadt", slug="benchmarkstadt", ags="99999999", population=1
            )
        Representative.objects.bulk_create(
            Representative(
                municipality=municipality,
                first_name="Bench",
                last_name=f"Empfang {number}",
                function=Representative.Function.values[0],
                email=f"bench-empfang{number}@example.org",
                starts_on=today - timedelta(days=1),
            )
            for number in range(len(people), count)
        )
        return _recipients(count)
    return people


def _bench_meeting(context) -> Meeting:
    starts_at = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    return meeting_services.meeting_create(
        organiser=context.staff,
        data={
            "title": "Benchmark: Einladungen",
            "format": Meeting.Format.ONLINE,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "online_url": "https://konferenz.example.org/benchmark",
        },
    )


def _districts_covering(count: int) -> list[int]:
    """The first districts that together hold at least ``count`` active municipalities."""
    chosen, covered = [], 0
    districts = (
        District.objects.annotate(
            active=Count("municipalities", filter=Q(municipalities__is_active=True))
        )
        .filter(active__gt=0)
        .order_by("pk")
        .values_list("pk", "active")
    )
    for district_id, active in districts:
        chosen.append(district_id)
        covered += active
        if covered >= count:
            break
    return chosen


def invitation_request_1000(context, *, count: int = 1000) -> dict:
    """The confirmed audience form inviting about ``count`` people, as staff submit it.

    Staff choose whole districts (the main contact of each municipality is invited); a form
    naming 1,000 single people would exceed Django's limit of form fields, as it should.
    """
    meeting = _bench_meeting(context)
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(context.staff)
    url = reverse("meetings:audience", args=[meeting.pk])
    data = {"districts": _districts_covering(count), "confirm": "1"}
    try:
        # The connection to the broker is open in a running web worker.
        with celery_app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=3)
        started = time.perf_counter()
        response = client.post(url, data)
        seconds = time.perf_counter() - started
        invited = meeting.invitations.count()
        if response.status_code != 302 or invited < count:
            raise RuntimeError(f"audience form: {response.status_code}, {invited} invitations")
        return {"recipients": invited, "request_seconds": round(seconds, 2)}
    finally:
        # The published expansion finds no pending mailing and does nothing.
        Mailing.objects.filter(scope=scope_for(meeting)).delete()
        meeting.delete()


def invitations_to_1000(
    context,
    *,
    count: int = 1000,
    database_url: str | None = None,
    redis_url: str | None = None,
    timeout: float = 600,
) -> dict:
    """Outbox delivery through one worker vs raw smtplib, same messages, same SMTP server."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url or os.environ["DATABASE_URL"],
        REDIS_URL=redis_url or os.environ["REDIS_URL"],
        EMAIL_URL=f"smtp://127.0.0.1:{controller.port}",
    )
    # The worker must run with this process's settings (`make bench` sets SECRET_KEY).
    env.setdefault("SECRET_KEY", settings.SECRET_KEY)
    meeting = None
    worker = None
    try:
        recipients = _recipients(count)
        meeting = _bench_meeting(context)
        with tempfile.TemporaryDirectory() as directory:
            worker = Worker(env=env, log_path=Path(directory) / "worker.log", concurrency=1)
            # A web worker has its broker connection open; a fresh process would time the
            # import and connection of kombu instead of the request.
            with celery_app.producer_or_acquire() as producer:
                producer.connection.ensure_connection(max_retries=3)
            started = time.perf_counter()
            # What the staff request does: the service call, committed, tasks published.
            meeting_services.invitations_send(meeting=meeting, representatives=recipients)
            queued_after = time.perf_counter() - started
            sent = OutgoingMessage.objects.filter(scope=scope_for(meeting), state="sent")
            log_path = Path(directory) / "worker.log"
            try:
                wait_for(
                    lambda: sent.count() >= count,
                    timeout=timeout,
                    what=f"{count} sent mails",
                    interval=0.05,
                )
            except TimeoutError as error:
                raise RuntimeError(f"{error}; worker log: {log_path.read_text()[-3000:]}") from None
            outbox_seconds = time.perf_counter() - started
            worker.stop(graceful=True)
            worker = None
        # The same rendered messages, sent with bare smtplib over one connection.
        payloads = [
            (
                message.recipient_email,
                # CRLF line ends, as Django's SMTP backend sends them.
                message_build_email(message=message).message(policy=policy.SMTP).as_bytes(),
            )
            for message in OutgoingMessage.objects.filter(scope=scope_for(meeting)).order_by("pk")
        ]
        before = handler.count
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            for recipient, payload in payloads:
                client.sendmail(settings.SERVER_EMAIL, [recipient], payload)
        smtplib_seconds = time.perf_counter() - started
        if handler.count - before != len(payloads):
            raise RuntimeError("smtplib: the SMTP server did not receive every message")
        outbox_rate = count / outbox_seconds
        smtplib_rate = len(payloads) / smtplib_seconds
        return {
            "messages": count,
            "outbox_per_second": round(outbox_rate, 1),
            "smtplib_per_second": round(smtplib_rate, 1),
            # Target: at least 0.30.
            "outbox_share_of_smtplib": round(outbox_rate / smtplib_rate, 3),
            # Target: under 1 s (the staff request that invites everybody).
            "queue_seconds": round(queued_after, 2),
            "outbox_seconds": round(outbox_seconds, 2),
            "smtplib_seconds": round(smtplib_seconds, 2),
        }
    finally:
        if worker is not None:
            worker.stop(graceful=True)
        controller.stop()
        if meeting is not None:
            OutgoingMessage.objects.filter(scope=scope_for(meeting)).delete()
            Mailing.objects.filter(scope=scope_for(meeting)).delete()
            meeting.delete()


class _Rollback(Exception):
    pass


def reminder_sweep_2000(context, *, limit: int | None = None) -> dict:
    """Time meeting_reminders_send with every meeting moved so that a reminder is due.

    All changes (moved meetings, queued rows) happen in one transaction that is rolled back;
    nothing is published to the broker (that happens only on commit).
    """
    result = {}
    now = timezone.now()
    try:
        with transaction.atomic():
            meetings = Meeting.objects.all()
            if limit is not None:
                meetings = Meeting.objects.filter(
                    pk__in=list(Meeting.objects.order_by("pk").values_list("pk", flat=True)[:limit])
                )
            meeting_count = meetings.count()
            # Every meeting starts 6 days from now: the 7-day reminder is due, the 1-day one
            # not yet.
            meetings.update(
                status=Meeting.Status.SCHEDULED,
                starts_at=now + timedelta(days=6),
                ends_at=now + timedelta(days=6, hours=2),
            )
            Meeting.objects.exclude(pk__in=meetings.values("pk")).update(
                status=Meeting.Status.CANCELLED
            )
            Invitation.objects.update(created_at=now - timedelta(days=30))
            started = time.perf_counter()
            queued = messages.meeting_reminders_send(now=now)
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = messages.meeting_reminders_send(now=now + timedelta(minutes=15))
            second_seconds = time.perf_counter() - started
            result = {
                "meetings": meeting_count,
                "messages": queued,
                "rows": OutgoingMessage.objects.filter(
                    kind__in=[messages.Kind.REMINDER, messages.Kind.RESPONSE_NUDGE]
                ).count(),
                "sweep_seconds": round(first_seconds, 2),
                "messages_per_second": round(queued / first_seconds, 1) if first_seconds else 0,
                "repeat_sweep_seconds": round(second_seconds, 2),
                "repeat_messages": again,
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
