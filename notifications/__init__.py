"""Outgoing mail: one outbox for every message the portal sends.

This app knows no domain app (they depend on it, never the reverse). A business service
records its mail inside its own transaction, in one of two ways:

- ``services.mailing_create(kind=..., about=..., scope=..., params=...)``: one row that says
  what the change owes people. After the commit a task expands it into one
  ``OutgoingMessage`` per recipient (the kind's ``recipients`` function) and the sending
  worker renders each at send time (the kind's ``contents`` function). For mail to many
  people (invitations, updates, reminders): the web request renders nothing.
- ``services.message_queue(kind=..., recipient_email=..., context=...)``: one message,
  rendered now (a portal invitation, a password reset).

Either way the Celery task ``tasks.messages_send`` sends queued messages in batches over one
SMTP connection; ``services`` explains the delivery guarantee.

Adding a message kind:
1. Write ``templates/notifications/<kind>_subject.txt``, ``<kind>.txt`` (extending
   ``notifications/base.txt``) and ``<kind>.html`` (extending ``notifications/base.html``).
2. Register it from the domain app (``notifications.kinds.register(MessageKind(...))``, in a
   module its ``AppConfig.ready`` imports) with a label, a sample context for the staff
   preview and, for mailings, its ``recipients`` and ``contents`` functions.
3. Give every message an idempotency key that names the business fact, e.g.
   ``f"invitation:{invitation.pk}"``, so that running the action twice queues it once, and a
   ``scope`` ("meetings.meeting:12", see ``models.scope_for``) for staff's lists.
"""
