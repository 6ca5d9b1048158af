"""Periodic library mail (CELERY_BEAT_SCHEDULE). Thin: the rules live in practices.services."""

from celery import shared_task

from practices import services


@shared_task(name="practices.search_digests_send", ignore_result=True)
def search_digests_send() -> int:
    """Queue the weekly digests of saved searches that have new examples."""
    return services.search_digests_send()
