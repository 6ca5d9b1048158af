"""Celery tasks for outgoing mail. Thin: they take row ids and call the services."""

from celery import shared_task

from notifications import services


def _retry_later(outcomes) -> None:
    """Publish the retries the batch asked for, grouped by delay.

    If publishing fails here the rows are still queued and the sweep picks them up.
    """
    by_delay: dict[float, list[int]] = {}
    for message_id, outcome in outcomes.items():
        if outcome.retry_in is not None:
            by_delay.setdefault(outcome.retry_in, []).append(message_id)
    for delay, message_ids in by_delay.items():
        services.messages_enqueue(message_ids=message_ids, countdown=delay)


@shared_task(
    name="notifications.messages_send",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def messages_send(message_ids: list[int]) -> int:
    """Send a batch over one SMTP connection; returns how many went out."""
    outcomes = services.messages_deliver(message_ids=message_ids)
    _retry_later(outcomes)
    return sum(outcome.result == "sent" for outcome in outcomes.values())


@shared_task(
    name="notifications.message_send",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def message_send(message_id: int) -> str:
    """One message (tasks published before sending went by batches)."""
    outcomes = services.messages_deliver(message_ids=[message_id])
    _retry_later(outcomes)
    return outcomes[message_id].result


@shared_task(
    name="notifications.mailings_expand",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def mailings_expand_task(mailing_ids: list[int]) -> int:
    """Write the per-recipient messages of mailings and publish their send tasks."""
    return len(services.mailings_expand(mailing_ids=mailing_ids))


@shared_task(name="notifications.messages_requeue_stuck", ignore_result=True)
def messages_requeue_stuck() -> int:
    """Periodic sweep (CELERY_BEAT_SCHEDULE): expand mailings and re-publish messages whose
    task was lost."""
    services.mailings_expand_pending()
    return services.messages_requeue_stuck()


@shared_task(name="notifications.messages_purge_bodies", ignore_result=True)
def messages_purge_bodies() -> int:
    """Daily: blank the bodies of mail sent before NOTIFICATIONS_BODY_RETENTION_DAYS."""
    return services.messages_purge_bodies()
