"""Reads for outgoing mail."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from notifications.models import OutgoingMessage


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


def messages_for_meeting(*, meeting) -> list[OutgoingMessage]:
    """All messages about a meeting with their recipients, newest first."""
    return list(
        OutgoingMessage.objects.filter(meeting=meeting)
        .select_related("recipient_representative__municipality")
        .defer("body_text", "body_html", "attachments")
        .order_by("-created_at", "-id")
    )


def messages_recent(*, limit: int = 200) -> list[OutgoingMessage]:
    """The latest messages of any kind (development mailbox)."""
    return list(
        OutgoingMessage.objects.select_related("meeting")
        .defer("body_text", "body_html", "attachments")
        .order_by("-created_at", "-id")[:limit]
    )


def messages_failed(*, limit: int = 10) -> list[OutgoingMessage]:
    """Mail that could not be delivered, newest first (the staff work list)."""
    return list(
        OutgoingMessage.objects.filter(state=OutgoingMessage.State.FAILED)
        .select_related("meeting")
        .defer("body_text", "body_html", "attachments")
        .order_by("-created_at", "-id")[:limit]
    )
