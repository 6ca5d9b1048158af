"""Writes for outgoing mail: record, expand, render, send, retry, resend, sweep, purge.

Delivery guarantee (why the states and locks look as they do):

1. A business action records its mail in its own transaction: either a ``Mailing`` (kind,
   what it is about, parameters; ``mailing_create``), or a rendered message
   (``message_queue``). A rolled-back action therefore leaves nothing and a committed one
   always has what its mails are made from. Tasks are published only on commit; if
   publishing fails (Redis down) the rows stay and the sweep publishes them later.
2. ``mailings_expand`` turns a pending mailing into one queued ``OutgoingMessage`` per
   recipient in one transaction (bulk insert; the unique idempotency keys drop a recipient
   that already has the mail) and marks it expanded. A process that dies before or during
   the expansion leaves the mailing pending and nothing half-written; the sweep expands it,
   each recipient once.
3. ``messages_deliver`` takes a batch of message ids and sends them over one SMTP
   connection. It claims the batch in a short transaction: it locks the rows
   (``select_for_update``), takes a PostgreSQL session advisory lock per message and commits
   ``sending`` (attempts + 1). Messages not rendered yet are rendered now, each on its own:
   a rendering error marks that message failed (visible to staff) and the others go on.
   Each message is marked ``sent`` (or retry/failed) right after its SMTP conversation; the
   advisory locks are released together at the end of the batch (a row marked ``sent`` is
   skipped by its state already). A second task for the same message (a duplicate from the
   sweep, a Redis redelivery) sees ``sent`` and skips, or sees ``sending`` with the advisory
   lock held by a live worker and skips. When the connection breaks mid-batch, the message
   being sent is retried with backoff and the rest of the batch goes back to ``queued``
   without counting a try.
4. A worker killed mid-batch leaves rows ``sending``; PostgreSQL drops its advisory locks
   with its connection. The next task for them (Celery redelivers unacknowledged tasks,
   ``acks_late``; the sweep re-publishes rows ``sending`` longer than
   ``NOTIFICATIONS_STUCK_SECONDS``) gets the locks and sends again.

Residual window: if the worker dies (or the database is unreachable) after the SMTP server
answered 250 to a message and before ``sent`` is committed, that mail goes out a second time:
delivery is at-least-once in that window of milliseconds and exactly-once everywhere else. A
message keeps the same Message-ID header on every try so that mail clients can fold such a
duplicate. The opposite choice (mark sent before SMTP) would lose mail instead. On SQLite
(development) there are no advisory locks; a ``sending`` row is then taken over only after
``NOTIFICATIONS_STUCK_SECONDS``.
"""

import base64
import functools
import hashlib
import json
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import mailers
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.outage import OutageNote, RedisProbe
from notifications import kinds
from notifications.kinds import MessageAttachment, MessageContent
from notifications.mail import OutboxEmail
from notifications.models import Mailing, OutgoingMessage
from notifications.selectors import mailings_pending_ids, messages_needing_requeue_ids

logger = logging.getLogger(__name__)

State = OutgoingMessage.State

__all__ = [
    "MessageAttachment",
    "RenderedMessage",
    "mailing_create",
    "mailings_expand",
    "message_queue",
    "message_render",
    "messages_deliver",
]

# Which state may follow which; anything else is a programming error.
ALLOWED_TRANSITIONS = {
    State.QUEUED: {State.SENDING, State.FAILED},
    # sending → sending: another worker takes over from one that died mid-send.
    # sending → queued: a retry, or the rest of a batch whose connection broke.
    State.SENDING: {State.SENT, State.QUEUED, State.FAILED, State.SENDING},
    State.FAILED: {State.QUEUED},
    State.SENT: set(),
}

# Publishing runs on the request path (after the commit): one quick retry for a dropped
# connection, then the rows wait for the sweep. After a failure this process does not try
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
class RenderedMessage:
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class DeliveryOutcome:
    """What delivery did with one message; ``retry_in`` is set when it must try again."""

    result: str  # "sent", "retry", "failed", "skipped", "missing", "requeued"
    retry_in: float | None = None


def _attachment_json(attachment: MessageAttachment) -> dict:
    content = attachment.content
    content = content.encode() if isinstance(content, str) else content
    return {
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "content": base64.b64encode(content).decode("ascii"),
    }


def _about_fields(about) -> dict:
    if about is None:
        return {"about_type": None, "about_id": None}
    return {"about_type": ContentType.objects.get_for_model(about), "about_id": about.pk}


def _mail_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1]
    return address.strip(" >") or "localhost"


def message_id_for(*, idempotency_key: str) -> str:
    """The Message-ID header of a message: derived from its key, so that every try of the
    same message (and a duplicate in the residual window) carries the same one."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{_mail_domain()}>"


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


def _kind_or_error(name: str) -> kinds.MessageKind:
    kind = kinds.get(name)
    if kind is None:
        raise ValueError(f"Unknown message kind {name!r}")
    return kind


# --- queueing ----------------------------------------------------------------------------


@functools.cache
def _broker_probe() -> RedisProbe:
    return RedisProbe(settings.CELERY_BROKER_URL, timeout=settings.BROKER_TIMEOUT_SECONDS)


def _broker_reachable() -> bool:
    """False while a recent failure says the broker is down (or it does not answer now)."""
    if BROKER_OUTAGE.active():
        return False
    if not _broker_probe().answers():
        BROKER_OUTAGE.record(TimeoutError("no answer to PING"))
        return False
    return True


def messages_enqueue(*, message_ids, countdown: float | None = None) -> bool:
    """Publish send tasks in batches; False (and a log line) when the broker is unreachable."""
    # The tasks module imports this one (its tasks call the services).
    from notifications.tasks import messages_send  # noqa: PLC0415

    message_ids = list(message_ids)
    if not message_ids:
        return True
    if not _broker_reachable():
        return False
    size = settings.NOTIFICATIONS_BATCH_SIZE
    for start in range(0, len(message_ids), size):
        batch = message_ids[start : start + size]
        try:
            messages_send.apply_async(
                (batch,), countdown=countdown, retry_policy=PUBLISH_RETRY_POLICY
            )
        except Exception as error:
            # Any broker failure: the rows stay queued and the sweep publishes them again.
            logger.warning("Could not publish %s messages; the sweep will retry.", len(batch))
            BROKER_OUTAGE.record(error)
            return False
    return True


def message_enqueue(*, message_id: int, countdown: float | None = None) -> bool:
    return messages_enqueue(message_ids=[message_id], countdown=countdown)


def message_queue(
    *,
    kind: str,
    recipient_email: str,
    idempotency_key: str,
    context: dict,
    template_base: str | None = None,
    language: str | None = None,
    recipient_user=None,
    recipient_label: str = "",
    attachments=(),
    headers: dict | None = None,
    about=None,
    scope: str = "",
) -> OutgoingMessage:
    """Render and record one message now and send it after the caller's transaction commits.

    For single mails whose rendering is cheap (a portal invitation, a password reset).
    Calling it again with the same ``idempotency_key`` returns the existing row and queues
    nothing. ``attachments`` are ``MessageAttachment`` objects; ``headers`` may set Reply-To,
    List-Unsubscribe and the like.
    """
    message_kind = _kind_or_error(kind)
    language = _language_or_default(language)
    rendered = message_render(
        template_base=template_base or message_kind.base, context=context, language=language
    )
    return message_queue_rendered(
        kind=kind,
        recipient_email=recipient_email,
        idempotency_key=idempotency_key,
        rendered=rendered,
        language=language,
        recipient_user=recipient_user,
        recipient_label=recipient_label,
        attachments=attachments,
        headers=headers,
        about=about,
        scope=scope,
    )


def message_queue_rendered(
    *,
    kind: str,
    recipient_email: str,
    idempotency_key: str,
    rendered: RenderedMessage,
    language: str | None = None,
    recipient_user=None,
    recipient_label: str = "",
    attachments=(),
    headers: dict | None = None,
    about=None,
    scope: str = "",
) -> OutgoingMessage:
    """Record an already rendered message (see ``message_queue``)."""
    _kind_or_error(kind)
    with transaction.atomic():
        existing = OutgoingMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        try:
            # A savepoint: a concurrent insert of the same key must not break the caller's
            # transaction; the other row is then returned.
            with transaction.atomic():
                message = OutgoingMessage.objects.create(
                    kind=kind,
                    recipient_email=recipient_email,
                    recipient_user=recipient_user,
                    recipient_label=recipient_label[:300],
                    language=_language_or_default(language),
                    subject=rendered.subject,
                    body_text=rendered.body_text,
                    body_html=rendered.body_html,
                    attachments=[_attachment_json(attachment) for attachment in attachments],
                    headers=headers or {},
                    rendered_at=timezone.now(),
                    scope=scope,
                    idempotency_key=idempotency_key,
                    **_about_fields(about),
                )
        except IntegrityError:
            return OutgoingMessage.objects.get(idempotency_key=idempotency_key)
        transaction.on_commit(partial(message_enqueue, message_id=message.id), robust=True)
    return message


# --- mailings ----------------------------------------------------------------------------


def mailing_enqueue(*, mailing_ids) -> bool:
    """Publish the expansion task; False when the broker is unreachable (the sweep expands)."""
    # The tasks module imports this one (its tasks call the services).
    from notifications.tasks import mailings_expand_task  # noqa: PLC0415

    if not _broker_reachable():
        return False
    try:
        mailings_expand_task.apply_async((list(mailing_ids),), retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as error:
        logger.warning("Could not publish mailings %s; the sweep will expand them.", mailing_ids)
        BROKER_OUTAGE.record(error)
        return False
    return True


def mailing_create(
    *,
    kind: str,
    about=None,
    scope: str = "",
    params: dict | None = None,
    idempotency_key: str | None = None,
) -> tuple[Mailing, bool]:
    """Record, in the caller's transaction, a mailing that is expanded after the commit.

    Returns the mailing and whether it was created now (as ``get_or_create``): with an
    ``idempotency_key``, a second call for the same business fact returns the existing
    mailing and False.
    """
    kind_definition = _kind_or_error(kind)
    if kind_definition.recipients is None:
        raise ValueError(f"Mail kind {kind!r} has no recipient function")
    with transaction.atomic():
        if idempotency_key is not None:
            existing = Mailing.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
        mailing = Mailing.objects.create(
            kind=kind,
            scope=scope,
            params=params or {},
            idempotency_key=idempotency_key,
            **_about_fields(about),
        )
        transaction.on_commit(partial(mailing_enqueue, mailing_ids=[mailing.pk]), robust=True)
    return mailing, True


def mailing_build(
    *, kind: str, about=None, scope: str = "", params: dict | None = None, idempotency_key=None
) -> Mailing:
    """An unsaved mailing for ``mailings_create_bulk``."""
    _kind_or_error(kind)
    return Mailing(
        kind=kind,
        scope=scope,
        params=params or {},
        idempotency_key=idempotency_key,
        **_about_fields(about),
    )


def mailings_create_bulk(*, mailings: list[Mailing]) -> list[int]:
    """Record many mailings at once (a periodic sweep); existing idempotency keys are kept.

    Returns the ids of the pending mailings among them (new ones and ones recorded earlier
    but not expanded yet). The caller expands them (it runs off the request path anyway).
    """
    if not mailings:
        return []
    with transaction.atomic():
        Mailing.objects.bulk_create(mailings, ignore_conflicts=True, batch_size=1000)
        keys = [mailing.idempotency_key for mailing in mailings]
        return list(
            Mailing.objects.filter(idempotency_key__in=keys, state=Mailing.State.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def mailings_expand(*, mailing_ids) -> list[int]:
    """Write the per-recipient messages of pending mailings; returns the new message ids.

    One transaction: the mailings are locked (a concurrent expansion of the same mailing
    waits and then finds it expanded), every recipient's row is inserted (recipients who
    already have the mail, by idempotency key, are skipped) and the mailings are marked
    expanded. Send tasks are published after the commit.
    """
    now = timezone.now()
    with transaction.atomic():
        mailings = list(
            Mailing.objects.select_for_update()
            .filter(pk__in=list(mailing_ids), state=Mailing.State.PENDING)
            .order_by("pk")
        )
        if not mailings:
            return []
        by_kind: dict[str, list[Mailing]] = {}
        for mailing in mailings:
            by_kind.setdefault(mailing.kind, []).append(mailing)
        rows = []
        for name, group in by_kind.items():
            kind = kinds.get(name)
            if kind is None or kind.recipients is None:
                # Registered by an app that is gone: nothing can be rendered. Keep the row
                # visible as expanded with no messages rather than retrying forever.
                logger.error("Mailings %s have the unknown kind %r.", [m.pk for m in group], name)
                continue
            recipients_by_mailing = kind.recipients(group)
            for mailing in group:
                for recipient in recipients_by_mailing.get(mailing.pk, ()):
                    rows.append(_message_for_recipient(mailing, recipient, now=now))
        _insert_messages(rows)
        Mailing.objects.filter(pk__in=[mailing.pk for mailing in mailings]).update(
            state=Mailing.State.EXPANDED, expanded_at=now
        )
        message_ids = list(
            OutgoingMessage.objects.filter(
                mailing_id__in=[mailing.pk for mailing in mailings], state=State.QUEUED
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        transaction.on_commit(partial(messages_enqueue, message_ids=message_ids), robust=True)
    return message_ids


# The columns an expansion writes; the others keep their defaults.
_EXPANSION_COLUMNS = (
    "kind",
    "mailing_id",
    "recipient_email",
    "recipient_user_id",
    "recipient_label",
    "language",
    "about_type_id",
    "about_id",
    "scope",
    "params",
    "reminder_offset_days",
    "headers",
    "idempotency_key",
    "created_at",
)
_JSON_COLUMNS = {"params", "headers"}
_INSERT_BATCH = 500


def _message_for_recipient(mailing: Mailing, recipient, *, now) -> tuple:
    """One row for ``_insert_messages``, in the order of ``_EXPANSION_COLUMNS``."""
    if recipient.about is not None:
        about_type_id = ContentType.objects.get_for_model(recipient.about).pk
        about_id = recipient.about.pk
    elif recipient.about_model is not None:
        about_type_id = ContentType.objects.get_for_model(recipient.about_model).pk
        about_id = recipient.about_id
    else:
        about_type_id, about_id = mailing.about_type_id, mailing.about_id
    return (
        mailing.kind,
        mailing.pk,
        recipient.email,
        recipient.user_id,
        recipient.label[:300],
        _language_or_default(recipient.language),
        about_type_id,
        about_id,
        mailing.scope,
        json.dumps(recipient.params),
        recipient.reminder_offset_days,
        json.dumps(recipient.headers),
        recipient.idempotency_key,
        now,
    )


def _insert_messages(rows: list[tuple]) -> None:
    """Insert queued messages in bulk; a row whose idempotency key exists is skipped.

    Plain parameterised SQL instead of ``bulk_create``: a reminder sweep writes tens of
    thousands of rows, and building a model instance for each costs more than the insert.
    """
    if not rows:
        return
    table = connection.ops.quote_name(OutgoingMessage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _EXPANSION_COLUMNS)
    # PostgreSQL stores JSON as jsonb; SQLite (development) as text.
    json_value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(
        json_value if column in _JSON_COLUMNS else "%s" for column in _EXPANSION_COLUMNS
    )
    # The other NOT NULL columns: a fresh queued message, not rendered yet.
    row_sql = f"({values}, %s, 0, '', '', '', {json_value % repr('[]')}, '')"
    with connection.cursor() as cursor:
        # Several hundred rows per statement: one parse and one round trip for each.
        for start in range(0, len(rows), _INSERT_BATCH):
            batch = rows[start : start + _INSERT_BATCH]
            # Only column names and placeholders are put together; every value is a parameter.
            # Names come from the model's metadata and values are parameters (S608, B608).
            head = f"INSERT INTO {table} ({columns}, "  # noqa: S608  # nosec B608
            sql = (
                head + "state, attempts, subject, body_text, body_html, attachments, last_error) "
                f"VALUES {', '.join([row_sql] * len(batch))} "
                "ON CONFLICT (idempotency_key) DO NOTHING"
            )
            cursor.execute(sql, [value for row in batch for value in (*row, State.QUEUED.value)])


def mailings_expand_pending(*, now: datetime | None = None, limit: int = 200) -> int:
    """Sweep: expand mailings left pending past the grace period; returns how many."""
    # The sweep is how mail recovers from an outage: it always asks the broker afresh.
    BROKER_OUTAGE.clear()
    ids = mailings_pending_ids(now=now or timezone.now(), limit=limit)
    expanded = 0
    for mailing_id in ids:
        # One mailing per transaction: one that cannot be expanded does not block the rest.
        try:
            mailings_expand(mailing_ids=[mailing_id])
        except Exception:
            logger.exception(
                "Mailing %s could not be expanded; the next sweep retries.", mailing_id
            )
            continue
        expanded += 1
    return expanded


# --- resending ----------------------------------------------------------------------------


def message_resend(*, message: OutgoingMessage) -> OutgoingMessage:
    """Staff: send a failed message again (fresh tries, new task after commit).

    A message made at send time that failed is rendered again from current data, so a
    fixed template or repaired data is picked up.
    """
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
        message_transition(message=message, to_state=State.QUEUED)
        message.attempts = 0
        message.next_attempt_at = None
        message.sending_started_at = None
        message.last_error = ""
        message.save(
            update_fields=[
                "state",
                "attempts",
                "next_attempt_at",
                "sending_started_at",
                "last_error",
            ]
        )
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


def _connection_is_broken(error: BaseException) -> bool:
    """After these the SMTP connection cannot carry the next message of the batch."""
    if isinstance(
        error,
        smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError,
    ):
        return False  # smtplib reset the envelope; the connection is fine
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


class _SenderLocks:
    """PostgreSQL advisory locks for the messages a worker is sending.

    They live on the database session, so they disappear with a killed worker's connection;
    that is how another worker knows a ``sending`` row has been abandoned.
    """

    def __init__(self):
        self.reliable = connection.vendor == "postgresql"
        self.held: set[int] = set()

    @staticmethod
    def _key(message_id: int) -> int:
        return message_id % 2_147_483_647

    def acquire(self, message_ids: list[int]) -> set[int]:
        """Try to take the lock of each message; returns the ids now held."""
        if not self.reliable:
            return set(message_ids)
        if not message_ids:
            return set()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, pg_try_advisory_lock(%s, (id %% 2147483647)::int) "
                "FROM unnest(%s::bigint[]) AS id",
                [ADVISORY_LOCK_NAMESPACE, list(message_ids)],
            )
            got = {row[0] for row in cursor.fetchall() if row[1]}
        self.held |= got
        return got

    def release(self, message_id: int) -> None:
        if message_id not in self.held:
            return
        self.held.discard(message_id)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)",
                    [ADVISORY_LOCK_NAMESPACE, self._key(message_id)],
                )
        except DatabaseError:
            # The session is gone, and its locks with it.
            logger.warning("Could not release the sender lock of message %s.", message_id)

    def release_all(self) -> None:
        """Release every lock still held, in one query."""
        if not self.held:
            return
        message_ids, self.held = sorted(self.held), set()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, (id %% 2147483647)::int) "
                    "FROM unnest(%s::bigint[]) AS id",
                    [ADVISORY_LOCK_NAMESPACE, message_ids],
                )
        except DatabaseError:
            logger.warning("Could not release the sender locks of %s messages.", len(message_ids))


def message_build_email(*, message: OutgoingMessage) -> OutboxEmail:
    headers = {
        "Message-ID": message_id_for(idempotency_key=message.idempotency_key),
        **message.headers,
    }
    reply_to = headers.pop("Reply-To", None)
    email = OutboxEmail(
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


def _claim(*, message_ids: list[int], locks: _SenderLocks, now: datetime):
    """Lock the rows and commit ``sending``; returns (claimed messages, outcomes of the rest)."""
    outcomes: dict[int, DeliveryOutcome] = {}
    claimed: list[OutgoingMessage] = []
    stuck_since = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_SECONDS)
    with transaction.atomic():
        rows = {
            message.pk: message
            for message in OutgoingMessage.objects.select_for_update().filter(pk__in=message_ids)
        }
        candidates = []
        for message_id in message_ids:
            message = rows.get(message_id)
            if message is None:
                outcomes[message_id] = DeliveryOutcome("missing")
            elif message.state in {State.SENT, State.FAILED}:
                outcomes[message_id] = DeliveryOutcome("skipped")
            elif (
                message.state == State.QUEUED
                and message.next_attempt_at
                and message.next_attempt_at > now + timedelta(seconds=1)
            ):
                # A retry is scheduled for later; this is an early duplicate.
                outcomes[message_id] = DeliveryOutcome("skipped")
            elif (
                message.state == State.SENDING
                and not locks.reliable
                and message.sending_started_at > stuck_since
            ):
                outcomes[message_id] = DeliveryOutcome("skipped")
            else:
                candidates.append(message)
        held = locks.acquire([message.pk for message in candidates])
        for message in candidates:
            if message.pk not in held:
                # A live worker is sending it right now.
                outcomes[message.pk] = DeliveryOutcome("skipped")
                continue
            # A ``sending`` row: the previous sender died mid-send; its try counts and we
            # take over, unless it has had all its tries.
            if (
                message.state == State.SENDING
                and message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
            ):
                message_transition(message=message, to_state=State.FAILED)
                message.last_error = "Sending was interrupted too often."
                message.save(update_fields=["state", "last_error"])
                outcomes[message.pk] = DeliveryOutcome("failed")
                locks.release(message.pk)
                continue
            message_transition(message=message, to_state=State.SENDING)
            message.attempts += 1
            message.sending_started_at = now
            message.next_attempt_at = None
            claimed.append(message)
        if claimed:
            # The same change for every claimed row, so one plain UPDATE (a bulk_update's
            # CASE per row and column cost more than the rest of the claim).
            OutgoingMessage.objects.filter(pk__in=[message.pk for message in claimed]).update(
                state=State.SENDING,
                attempts=F("attempts") + 1,
                sending_started_at=now,
                next_attempt_at=None,
            )
    return claimed, outcomes


def _render_claimed(messages: list[OutgoingMessage]) -> dict[int, str]:
    """Render the messages that are made at send time; returns {id: error} for failures.

    The kind's content function is called once for the batch; when it fails, once per
    message, so that one recipient's broken data fails only that recipient's mail.
    """
    errors: dict[int, str] = {}
    pending = [message for message in messages if message.rendered_at is None]
    by_kind: dict[str, list[OutgoingMessage]] = {}
    for message in pending:
        by_kind.setdefault(message.kind, []).append(message)
    for name, group in by_kind.items():
        kind = kinds.get(name)
        if kind is None or kind.contents is None:
            for message in group:
                errors[message.pk] = f"Unknown message kind {name!r}"
            continue
        try:
            contents = kind.contents(group)
        except Exception:
            contents = {}
            for message in group:
                try:
                    contents.update(kind.contents([message]))
                except Exception as error:
                    logger.exception("Message %s could not be rendered.", message.pk)
                    errors[message.pk] = f"Rendering failed: {type(error).__name__}: {error}"
        for message in group:
            if message.pk in errors:
                continue
            content = contents.get(message.pk)
            if content is None:
                errors[message.pk] = "Rendering failed: what the message is about is gone."
                continue
            try:
                _apply_content(message, kind, content)
            except Exception as error:
                logger.exception("Message %s could not be rendered.", message.pk)
                errors[message.pk] = f"Rendering failed: {type(error).__name__}: {error}"[:2000]
    return errors


def _apply_content(message: OutgoingMessage, kind, content: MessageContent) -> None:
    rendered = message_render(
        template_base=kind.base, context=content.context, language=message.language
    )
    message.subject = rendered.subject
    message.body_text = rendered.body_text
    message.body_html = rendered.body_html
    message.attachments = [_attachment_json(attachment) for attachment in content.attachments]
    message.headers = {**content.headers, **message.headers}
    message.rendered_at = timezone.now()


RENDERED_FIELDS = ["subject", "body_text", "body_html", "attachments", "headers", "rendered_at"]


@functools.cache
def _mark_sent_sql(*, rendered_now: bool) -> tuple[str, tuple]:
    """The UPDATE that marks a message sent (with its rendered content), and its fields."""
    meta = OutgoingMessage._meta
    names = ["state", "sent_at", *(RENDERED_FIELDS if rendered_now else [])]
    fields = tuple(meta.get_field(name) for name in names)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Names come from the model's metadata and values are parameters (S608, B608).
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE id = %s AND state = %s"  # noqa: S608  # nosec B608
    return sql, fields


def _mark_sent(message: OutgoingMessage, *, rendered_now: bool) -> None:
    """One plain statement per mail, right after its SMTP conversation: building the ORM's
    UPDATE of the rendered fields cost the worker about 0.35 ms of CPU more per mail."""
    sql, fields = _mark_sent_sql(rendered_now=rendered_now)
    marks = {"state": State.SENT.value, "sent_at": timezone.now()}
    values = [
        field.get_db_prep_save(
            marks[field.attname] if field.attname in marks else getattr(message, field.attname),
            connection,
        )
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, message.pk, State.SENDING.value])


def _mark_failed_render(message: OutgoingMessage, error: str) -> DeliveryOutcome:
    OutgoingMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
        state=State.FAILED, last_error=error[:2000]
    )
    logger.warning("Message %s failed: %s", message.pk, error)
    return DeliveryOutcome("failed")


def _record_error(*, message: OutgoingMessage, error: BaseException) -> DeliveryOutcome:
    delay = retry_delay(attempts=message.attempts) if smtp_error_is_temporary(error) else None
    with transaction.atomic():
        row = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
        row.last_error = _error_text(error)
        if delay is None:
            message_transition(message=row, to_state=State.FAILED)
        else:
            message_transition(message=row, to_state=State.QUEUED)
            row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        row.save(update_fields=["state", "last_error", "next_attempt_at"])
    if delay is None:
        logger.warning("Message %s failed: %s", row.pk, row.last_error)
        return DeliveryOutcome("failed")
    return DeliveryOutcome("retry", retry_in=delay)


def _put_back(messages: list[OutgoingMessage], *, delay: float) -> dict[int, DeliveryOutcome]:
    """The connection broke: the rest of the batch is queued again, its try not counted."""
    if not messages:
        return {}
    next_attempt_at = timezone.now() + timedelta(seconds=delay)
    with transaction.atomic():
        for message in messages:
            OutgoingMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
                state=State.QUEUED,
                attempts=max(message.attempts - 1, 0),
                next_attempt_at=next_attempt_at,
            )
    return {message.pk: DeliveryOutcome("requeued", retry_in=delay) for message in messages}


def messages_deliver(*, message_ids) -> dict[int, DeliveryOutcome]:
    """Send a batch of queued messages over one SMTP connection (see the module docstring)."""
    message_ids = list(dict.fromkeys(message_ids))
    locks = _SenderLocks()
    try:
        claimed, outcomes = _claim(message_ids=message_ids, locks=locks, now=timezone.now())
        if not claimed:
            return outcomes
        unrendered = {message.pk for message in claimed if message.rendered_at is None}
        render_errors = _render_claimed(claimed)
        mailer = mailers.default
        try:
            for index, message in enumerate(claimed):
                if message.pk in render_errors:
                    outcomes[message.pk] = _mark_failed_render(message, render_errors[message.pk])
                    continue
                # No transaction and no row lock while the SMTP server is talking.
                try:
                    # One connection for the batch, opened for its first mail (a refused
                    # connection is then that mail's error): send_messages on a mailer that
                    # is not open connects, greets and quits around every single mail.
                    mailer.open()
                    mailer.send_messages([message_build_email(message=message)])
                except Exception as error:
                    outcomes[message.pk] = _record_error(message=message, error=error)
                    if _connection_is_broken(error):
                        rest = [m for m in claimed[index + 1 :] if m.pk not in render_errors]
                        delay = outcomes[message.pk].retry_in or retry_delay(attempts=1) or 0
                        outcomes.update(_put_back(rest, delay=delay))
                        for other in claimed[index + 1 :]:
                            if other.pk in render_errors:
                                outcomes[other.pk] = _mark_failed_render(
                                    other, render_errors[other.pk]
                                )
                        break
                    continue
                _mark_sent(message, rendered_now=message.pk in unrendered)
                outcomes[message.pk] = DeliveryOutcome("sent")
        finally:
            mailer.close()
        return outcomes
    finally:
        locks.release_all()


def message_deliver(*, message_id: int) -> DeliveryOutcome:
    """Send one queued message once (a batch of one)."""
    return messages_deliver(message_ids=[message_id])[message_id]


# --- sweep --------------------------------------------------------------------------------


def messages_requeue_stuck(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Publish tasks again for messages whose task was lost; returns how many were published.

    Duplicates are harmless: delivery skips rows that are sent or being sent.
    """
    # The sweep is how mail recovers from an outage: it always asks the broker afresh.
    BROKER_OUTAGE.clear()
    ids = messages_needing_requeue_ids(now=now or timezone.now(), limit=limit)
    if not ids or not messages_enqueue(message_ids=ids):
        return 0
    return len(ids)


# --- retention and privacy ------------------------------------------------------------------


def messages_purge_bodies(*, now: datetime | None = None) -> int:
    """Blank subject, bodies and attachments of mail sent before the retention period.

    The delivery record (kind, recipient, times, state, what it was about) stays.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_BODY_RETENTION_DAYS)
    with transaction.atomic():
        return OutgoingMessage.objects.filter(
            state=State.SENT, sent_at__lt=cutoff, purged_at__isnull=True
        ).update(subject="", body_text="", body_html="", attachments=[], params={}, purged_at=now)


def messages_anonymise_for_user(*, user=None, email: str = "") -> int:
    """Remove a person from their mail: address, name, salutation, bodies and attachments.

    The rows stay (without anything naming the person) so that staff's delivery counts stay
    right; unsent ones are marked failed, as there is nobody left to send them to.
    """
    condition = Q(pk__in=[])
    if user is not None:
        condition |= Q(recipient_user=user)
    if email:
        condition |= Q(recipient_email__iexact=email)
    now = timezone.now()
    with transaction.atomic():
        rows = OutgoingMessage.objects.filter(condition)
        rows.filter(state__in=[State.QUEUED, State.SENDING]).update(
            state=State.FAILED, last_error="The recipient's account was deleted."
        )
        return rows.update(
            recipient_email="",
            recipient_user=None,
            recipient_label="",
            subject="",
            body_text="",
            body_html="",
            attachments=[],
            headers={},
            params={},
            purged_at=now,
            rendered_at=now,
        )


def messages_purge_naming(*, names) -> int:
    """Blank the text of mail to others that names a person (e.g. "sent by ...").

    The delivery record (kind, recipient, state, times) stays. A message rendered but not
    sent yet is withdrawn (failed) instead of going out with the name; one that is rendered
    when it is sent reads the anonymised data then and is not touched here.
    """
    condition = Q(pk__in=[])
    for name in {name.strip() for name in names if name and len(name.strip()) >= 3}:
        condition |= Q(rendered_at__isnull=False) & (
            Q(subject__icontains=name)
            | Q(body_text__icontains=name)
            | Q(body_html__icontains=name)
            | Q(recipient_label__icontains=name)
        )
    with transaction.atomic():
        rows = OutgoingMessage.objects.filter(condition)
        # Rendered but not sent yet: withdrawn rather than sent with the person's name.
        rows.filter(state__in=[State.QUEUED, State.SENDING]).update(
            state=State.FAILED, last_error="Withdrawn: it named a deleted account."
        )
        return rows.update(
            subject="",
            body_text="",
            body_html="",
            attachments=[],
            recipient_label="",
            purged_at=timezone.now(),
        )


def new_idempotency_key(prefix: str) -> str:
    """A key for a mail that is its own business fact every time (a password reset)."""
    return f"{prefix}:{uuid.uuid4().hex}"
