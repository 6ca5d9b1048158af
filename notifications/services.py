"""Writes for outgoing mail: queue, send, retry, resend, sweep.

Delivery guarantee (why the states and locks look as they do):

1. ``message_queue`` inserts the row in the caller's transaction and publishes the Celery task
   only on commit, so a rolled-back action sends nothing and a committed one always has a row.
   If publishing fails (Redis down), the row stays ``queued`` and the sweep publishes it later.
2. ``message_deliver`` claims the row in a short transaction: it locks the row
   (``select_for_update``), takes a PostgreSQL session advisory lock for the message and
   commits ``sending`` (attempts + 1). The advisory lock is held, outside any transaction,
   while the SMTP conversation runs, and released after ``sent`` (or the retry/failure state)
   is committed. A second task for the same message (a duplicate from the sweep, a Redis
   redelivery) sees ``sent`` and skips, or sees ``sending`` with the advisory lock held by a
   live worker and skips.
3. A worker killed mid-send leaves the row ``sending``; PostgreSQL drops its advisory lock
   with its connection. The next task for the row (Celery redelivers unacknowledged tasks,
   ``acks_late``; the sweep re-publishes rows ``sending`` longer than
   ``NOTIFICATIONS_STUCK_SECONDS``) gets the lock and sends again.

Residual window: if the worker dies (or the database is unreachable) after the SMTP server
answered 250 to the message and before ``sent`` is committed, the mail goes out a second time:
delivery is at-least-once in that window of milliseconds and exactly-once everywhere else. The
message keeps the same Message-ID header on every try so that mail clients can fold such a
duplicate. The opposite choice (mark sent before SMTP) would lose mail instead. On SQLite
(development) there are no advisory locks; a ``sending`` row is then taken over only after
``NOTIFICATIONS_STUCK_SECONDS``.
"""

import base64
import functools
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.outage import OutageNote, RedisProbe
from notifications.models import OutgoingMessage
from notifications.selectors import messages_needing_requeue_ids

logger = logging.getLogger(__name__)

State = OutgoingMessage.State

# Which state may follow which; anything else is a programming error.
ALLOWED_TRANSITIONS = {
    State.QUEUED: {State.SENDING, State.FAILED},
    # sending → sending: another worker takes over from one that died mid-send.
    State.SENDING: {State.SENT, State.QUEUED, State.FAILED, State.SENDING},
    State.FAILED: {State.QUEUED},
    State.SENT: set(),
}

# Publishing runs on the request path (after the commit): one quick retry for a dropped
# connection, then the row waits for the sweep. After a failure this process does not try
# again for a few seconds, so a down or hung broker costs a request at most one timeout.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
BROKER_OUTAGE = OutageNote(
    "The Celery broker",
    seconds=5,
    consequence="outgoing mail stays queued in the database until the sweep publishes it.",
)

# Namespace of the PostgreSQL advisory locks held while a message is being sent ("RTNT").
ADVISORY_LOCK_NAMESPACE = 0x52544E54


class InvalidTransition(Exception):
    pass


@dataclass(frozen=True)
class MessageAttachment:
    filename: str
    content: bytes | str
    content_type: str = "application/octet-stream"

    def as_json(self) -> dict:
        content = self.content.encode() if isinstance(self.content, str) else self.content
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "content": base64.b64encode(content).decode("ascii"),
        }


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class DeliveryOutcome:
    """What ``message_deliver`` did; ``retry_in`` is set when the task must try again."""

    result: str  # "sent", "retry", "failed", "skipped", "missing"
    retry_in: float | None = None


# --- rendering ---------------------------------------------------------------------------


def _language_or_default(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def message_render(*, template_base: str, context: dict, language: str | None) -> RenderedMessage:
    """Render subject, text and HTML in the recipient's language with Berlin times."""
    language = _language_or_default(language)
    full_context = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language), timezone.override(ZoneInfo(settings.TIME_ZONE)):
        subject = render_to_string(f"notifications/{template_base}_subject.txt", full_context)
        body_text = render_to_string(f"notifications/{template_base}.txt", full_context)
        body_html = render_to_string(f"notifications/{template_base}.html", full_context)
    # A subject is one line; templates may wrap it for readability.
    return RenderedMessage(
        subject=" ".join(subject.split())[:300],
        body_text=body_text.strip() + "\n",
        body_html=body_html.strip() + "\n",
    )


# --- queueing ----------------------------------------------------------------------------


@functools.cache
def _broker_probe() -> RedisProbe:
    return RedisProbe(settings.CELERY_BROKER_URL, timeout=settings.BROKER_TIMEOUT_SECONDS)


def message_enqueue(*, message_id: int, countdown: float | None = None) -> bool:
    """Publish the send task; False (and a log line) when the broker is unreachable."""
    from notifications.tasks import message_send

    if BROKER_OUTAGE.active():
        return False
    if not _broker_probe().answers():
        BROKER_OUTAGE.record(TimeoutError("no answer to PING"))
        return False
    try:
        message_send.apply_async(
            (message_id,), countdown=countdown, retry_policy=PUBLISH_RETRY_POLICY
        )
    except Exception as error:
        # Any broker failure: the row stays queued and the sweep publishes it again.
        logger.warning("Could not publish message %s; the sweep will retry.", message_id)
        BROKER_OUTAGE.record(error)
        return False
    return True


def message_queue(
    *,
    kind: str,
    recipient_email: str,
    idempotency_key: str,
    template_base: str,
    context: dict,
    language: str | None = None,
    recipient_user=None,
    recipient_representative=None,
    attachments=(),
    headers: dict | None = None,
    meeting=None,
    invitation=None,
) -> OutgoingMessage:
    """Render and record one message and send it after the caller's transaction commits.

    Calling it again with the same ``idempotency_key`` returns the existing row and
    queues nothing. ``attachments`` are ``MessageAttachment`` objects; ``headers`` may set
    Reply-To, List-Unsubscribe and the like.
    """
    if kind not in OutgoingMessage.Kind.values:
        raise ValueError(f"Unknown message kind {kind!r}")
    with transaction.atomic():
        existing = OutgoingMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        language = _language_or_default(language)
        rendered = message_render(template_base=template_base, context=context, language=language)
        all_headers = {"Message-ID": make_msgid(domain=_mail_domain()), **(headers or {})}
        try:
            # A savepoint: a concurrent insert of the same key must not break the caller's
            # transaction; the other row is then returned.
            with transaction.atomic():
                message = OutgoingMessage.objects.create(
                    kind=kind,
                    recipient_email=recipient_email,
                    recipient_user=recipient_user,
                    recipient_representative=recipient_representative,
                    language=language,
                    subject=rendered.subject,
                    body_text=rendered.body_text,
                    body_html=rendered.body_html,
                    attachments=[attachment.as_json() for attachment in attachments],
                    headers=all_headers,
                    meeting=meeting,
                    invitation=invitation,
                    idempotency_key=idempotency_key,
                )
        except IntegrityError:
            return OutgoingMessage.objects.get(idempotency_key=idempotency_key)
        transaction.on_commit(partial(message_enqueue, message_id=message.id), robust=True)
    return message


def _mail_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1]
    return address.strip(" >") or "localhost"


def message_resend(*, message: OutgoingMessage) -> OutgoingMessage:
    """Staff: send a failed message again (fresh tries, new task after commit)."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
        message_transition(message=message, to_state=State.QUEUED)
        message.attempts = 0
        message.next_attempt_at = None
        message.sending_started_at = None
        message.save(update_fields=["state", "attempts", "next_attempt_at", "sending_started_at"])
        transaction.on_commit(partial(message_enqueue, message_id=message.id), robust=True)
    return message


# --- state transitions and retry policy ---------------------------------------------------


def message_transition(*, message: OutgoingMessage, to_state: str) -> None:
    """Set the new state on the instance (not saved) if the state machine allows it."""
    if to_state not in ALLOWED_TRANSITIONS[State(message.state)]:
        raise InvalidTransition(f"{message.state} → {to_state}")
    message.state = to_state


def retry_delay(*, attempts: int) -> float | None:
    """Seconds to wait before the next try after ``attempts`` tries, None when giving up."""
    if attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        return None
    return settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempts - 1)


def smtp_error_is_temporary(error: BaseException) -> bool:
    """4xx answers and connection trouble are temporary; 5xx answers and bad addresses not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return not any(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600
    # Bad addresses are permanent. Disconnects, refused connections, timeouts and anything
    # unexpected: try again (bounded by NOTIFICATIONS_MAX_ATTEMPTS).
    return not isinstance(error, ValueError | UnicodeError)


def _reply_text(code: int, text: bytes | str) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}"


def _error_text(error: BaseException) -> str:
    """Readable for staff: the SMTP reply when there is one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{_reply_text(code, reply)} ({address})"
            for address, (code, reply) in error.recipients.items()
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        text = _reply_text(error.smtp_code, error.smtp_error)
    else:
        text = f"{type(error).__name__}: {error}"
    return text[:2000]


# --- sending ----------------------------------------------------------------------------


class _SenderLock:
    """PostgreSQL advisory lock for one message, held by the worker that sends it.

    It lives on the database session, so it disappears with a killed worker's connection;
    that is how another worker knows a ``sending`` row has been abandoned.
    """

    def __init__(self, message_id: int):
        self.key = (ADVISORY_LOCK_NAMESPACE, message_id % 2_147_483_647)
        self.reliable = connection.vendor == "postgresql"
        self.held = False

    def acquire(self) -> bool:
        if not self.reliable:
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", self.key)
            self.held = bool(cursor.fetchone()[0])
        return self.held

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", self.key)
        except DatabaseError:
            # The session is gone, and its locks with it.
            logger.warning("Could not release the sender lock of message %s.", self.key[1])


def message_build_email(*, message: OutgoingMessage) -> EmailMultiAlternatives:
    headers = dict(message.headers)
    reply_to = headers.pop("Reply-To", None)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient_email],
        headers=headers,
        reply_to=[address.strip() for address in reply_to.split(",")] if reply_to else None,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["content_type"],
        )
    return email


def _claim(*, message_id: int, lock: _SenderLock, now: datetime):
    """Lock the row and commit ``sending``; returns (message, None) or (None, outcome)."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None, DeliveryOutcome("missing")
        if message.state in {State.SENT, State.FAILED}:
            return None, DeliveryOutcome("skipped")
        if (
            message.state == State.QUEUED
            and message.next_attempt_at
            and message.next_attempt_at > now + timedelta(seconds=1)
        ):
            # A retry is scheduled for later; this is an early duplicate.
            return None, DeliveryOutcome("skipped")
        if not lock.acquire():
            # A live worker is sending it right now.
            return None, DeliveryOutcome("skipped")
        if message.state == State.SENDING:
            stuck_since = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_SECONDS)
            if not lock.reliable and message.sending_started_at > stuck_since:
                return None, DeliveryOutcome("skipped")
            # The previous sender died mid-send; count its try and take over.
            if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                message_transition(message=message, to_state=State.FAILED)
                message.last_error = "Sending was interrupted too often."
                message.save(update_fields=["state", "last_error"])
                return None, DeliveryOutcome("failed")
        message_transition(message=message, to_state=State.SENDING)
        message.attempts += 1
        message.sending_started_at = now
        message.next_attempt_at = None
        message.save(update_fields=["state", "attempts", "sending_started_at", "next_attempt_at"])
    return message, None


def _record_error(*, message: OutgoingMessage, error: BaseException) -> DeliveryOutcome:
    delay = retry_delay(attempts=message.attempts) if smtp_error_is_temporary(error) else None
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
        message.last_error = _error_text(error)
        if delay is None:
            message_transition(message=message, to_state=State.FAILED)
        else:
            message_transition(message=message, to_state=State.QUEUED)
            message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        message.save(update_fields=["state", "last_error", "next_attempt_at"])
    if delay is None:
        logger.warning("Message %s failed: %s", message.pk, message.last_error)
        return DeliveryOutcome("failed")
    return DeliveryOutcome("retry", retry_in=delay)


def message_deliver(*, message_id: int) -> DeliveryOutcome:
    """Send one queued message once (called by the Celery task; see the module docstring)."""
    lock = _SenderLock(message_id)
    try:
        message, outcome = _claim(message_id=message_id, lock=lock, now=timezone.now())
        if outcome is not None:
            return outcome
        # No transaction and no row lock while the SMTP server is talking.
        try:
            message_build_email(message=message).send(using="default")
        except Exception as error:
            return _record_error(message=message, error=error)
        with transaction.atomic():
            OutgoingMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
                state=State.SENT, sent_at=timezone.now()
            )
        return DeliveryOutcome("sent")
    finally:
        lock.release()


# --- sweep --------------------------------------------------------------------------------


def messages_requeue_stuck(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Publish tasks again for messages whose task was lost; returns how many were published.

    Duplicates are harmless: ``message_deliver`` skips rows that are sent or being sent.
    """
    # The sweep is how mail recovers from an outage: it always asks the broker afresh.
    BROKER_OUTAGE.clear()
    published = 0
    for message_id in messages_needing_requeue_ids(now=now or timezone.now(), limit=limit):
        if not message_enqueue(message_id=message_id):
            break  # the broker is down; the next sweep tries again
        published += 1
    return published
