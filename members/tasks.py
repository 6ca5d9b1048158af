from celery import shared_task

from members.services import portal_invitation_send


@shared_task(acks_late=True, ignore_result=True)
def portal_invitation_send_task(invitation_id: int) -> bool:
    """Hand a portal invitation to the notification outbox (which sends and retries it).

    portal_invitation_create queues the mail itself; this task stays for tasks published
    before the outbox took over. Safe to run twice: a handed-over invitation is skipped.
    """
    return portal_invitation_send(invitation_id=invitation_id)
