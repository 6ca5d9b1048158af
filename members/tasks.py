from celery import shared_task

from members.services import portal_invitation_send


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def portal_invitation_send_task(invitation_id: int) -> bool:
    """Send a portal invitation; safe to run twice (a sent invitation is skipped)."""
    return portal_invitation_send(invitation_id=invitation_id)
