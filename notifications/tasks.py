"""Celery tasks for outgoing mail. Thin: they take a row id and call the services."""

from celery import shared_task

from notifications import services


@shared_task(
    name="notifications.message_send",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def message_send(message_id: int) -> str:
    """Send one message; a temporary SMTP error schedules the next try with backoff."""
    outcome = services.message_deliver(message_id=message_id)
    if outcome.result == "retry":
        # If publishing fails here the row is still queued and the sweep picks it up.
        services.message_enqueue(message_id=message_id, countdown=outcome.retry_in)
    return outcome.result


@shared_task(name="notifications.messages_requeue_stuck", ignore_result=True)
def messages_requeue_stuck() -> int:
    """Periodic sweep (CELERY_BEAT_SCHEDULE): re-publish messages whose task was lost."""
    return services.messages_requeue_stuck()
