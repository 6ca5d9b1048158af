"""Outgoing mail: one outbox for every message the portal sends.

Every message is rendered and recorded by ``services.message_queue`` inside the business
action's transaction and sent by the Celery task ``tasks.message_send`` after commit.

Adding a message kind:
1. Add a choice to ``OutgoingMessage.Kind`` (models.py) and run ``makemigrations notifications``.
2. Write ``templates/notifications/<kind>_subject.txt``, ``<kind>.txt`` (extending
   ``notifications/base.txt``) and ``<kind>.html`` (extending ``notifications/base.html``).
3. Add a sample context for the staff preview in ``kinds.py`` (``SAMPLE_CONTEXTS``).
4. In the business service, call ``message_queue(kind=..., template_base=<kind>, ...)`` with an
   idempotency key that names the business fact, e.g. ``f"invitation:{invitation.pk}:{sequence}"``
   or ``f"reminder:{invitation.pk}:{offset}:{starts_at:%Y%m%d%H%M}"``, so that running the
   action twice queues the message once.
"""
