"""Reads for outgoing mail."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from notifications.models import Mailing, OutgoingMessage

# The list pages never show bodies or attachments.
LIST_DEFERRED = ("body_text", "body_html", "attachments", "params", "headers")


def messages_needing_requeue_ids(*, now: datetime, limit: int = 1000) -> list[int]:
    """Messages whose task was probably lost: queued past their time plus a grace period
    (Redis outage, a worker died holding the task) or sending for longer than any SMTP
    conversation takes (the sending worker died)."""
    State = OutgoingMessage.State
    queued_before = now - timedelta(seconds=settings.NOTIFICATIONS_QUEUED_GRACE_SECONDS)
    sending_before = now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_SECONDS)
    condition = (
        Q(state=State.QUEUED, next_attempt_at__isnull=True, created_at__lte=queued_before)
        | Q(state=State.QUEUED, next_attempt_at__lte=queued_before)
        | Q(state=State.SENDING, sending_started_at__lte=sending_before)
    )
    return list(
        OutgoingMessage.objects.filter(condition)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def mailings_pending_ids(*, now: datetime, limit: int = 200) -> list[int]:
    """Mailings recorded but not expanded within the grace period (the expansion was lost)."""
    created_before = now - timedelta(seconds=settings.NOTIFICATIONS_QUEUED_GRACE_SECONDS)
    return list(
        Mailing.objects.filter(state=Mailing.State.PENDING, created_at__lte=created_before)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def idempotency_keys_taken(*, keys) -> set[str]:
    """Those of ``keys`` that a recorded message already has, in one query."""
    keys = list(keys)
    if not keys:
        return set()
    return set(
        OutgoingMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )


def messages_for_scope(*, scope: str) -> list[OutgoingMessage]:
    """All messages of a scope ("meetings.meeting:12"), newest first, without bodies."""
    return list(
        OutgoingMessage.objects.filter(scope=scope)
        .defer(*LIST_DEFERRED)
        .order_by("-created_at", "-id")
    )


def messages_filtered(*, kind: str = "", state: str = "", recipient: str = "", scope: str = ""):
    """The outbox list: every message, newest first, narrowed by the filters given.

    A queryset, so that the page paginates it in the database.
    """
    queryset = OutgoingMessage.objects.defer(*LIST_DEFERRED).order_by("-created_at", "-id")
    if kind:
        queryset = queryset.filter(kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    if recipient:
        queryset = queryset.filter(
            Q(recipient_email__icontains=recipient) | Q(recipient_label__icontains=recipient)
        )
    if scope:
        queryset = queryset.filter(scope=scope)
    return queryset


def message_counts_by_state(*, scope: str = "") -> dict[str, int]:
    """How many messages are in each state (of a scope, or all)."""
    queryset = OutgoingMessage.objects.all()
    if scope:
        queryset = queryset.filter(scope=scope)
    return dict(queryset.order_by().values_list("state").annotate(count=Count("id")))


def scope_object(*, scope: str):
    """The object a scope string names ("meetings.meeting:12"), or None."""
    label, _separator, pk = scope.partition(":")
    app_label, _dot, model = label.partition(".")
    if not (app_label and model and pk.isdigit()):
        return None
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        return None
    model_class = content_type.model_class()
    if model_class is None:
        return None
    return model_class._default_manager.filter(pk=int(pk)).first()


def messages_failed(*, limit: int = 10) -> list[OutgoingMessage]:
    """Mail that could not be delivered, newest first (the staff work list)."""
    return list(
        OutgoingMessage.objects.filter(state=OutgoingMessage.State.FAILED)
        .defer(*LIST_DEFERRED)
        .order_by("-created_at", "-id")[:limit]
    )
