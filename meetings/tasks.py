"""Periodic meeting mail (CELERY_BEAT_SCHEDULE). Thin: the rules live in meetings.messages."""

from celery import shared_task

from meetings import messages


@shared_task(name="meetings.meeting_reminders_send", ignore_result=True)
def meeting_reminders_send() -> int:
    """Queue the reminders and response nudges that are due (each once, see messages)."""
    return messages.meeting_reminders_send()


@shared_task(name="meetings.action_item_reminders_send", ignore_result=True)
def action_item_reminders_send() -> int:
    """Queue reminders to the owners of action items that are due soon."""
    return messages.action_item_reminders_send()
