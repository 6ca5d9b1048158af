"""The outbox: mailings (what a change owes people) and outgoing messages (one mail each).

This app knows no domain app. A domain app registers its kinds of mail in ``kinds.py`` and
refers to the objects a mail is about generically (``about``: a content type and an id) and
by a ``scope`` string for staff lists ("meetings.meeting:12"). See ``notifications/__init__``
for how to add a kind.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.kinds import kind_label


def scope_for(instance: models.Model) -> str:
    """The scope string of a model instance, e.g. "meetings.meeting:12"."""
    return f"{instance._meta.label_lower}:{instance.pk}"


class AboutFields(models.Model):
    """What a mail is about (any model instance) and the staff list it is filed under."""

    about_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    scope = models.CharField(_("scope"), max_length=100, blank=True, db_index=True)

    class Meta:
        abstract = True


class Mailing(AboutFields):
    """Everything needed to produce the mails of one business change.

    A service writes it in its own transaction; a task expands it into one
    ``OutgoingMessage`` per recipient after the commit, and the sweep expands any mailing
    that was left pending (a process that died between the commit and the expansion).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        EXPANDED = "expanded", _("Expanded")

    kind = models.CharField(_("kind"), max_length=32)
    # What the kind's recipient function needs, e.g. {"invitation_ids": [...]}.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    # Names the business fact when the same change can be recorded twice (a reminder sweep
    # running twice); empty when every call is a new fact.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expanded_at = models.DateTimeField(_("expanded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(state="pending"),
                name="notifications_mailing_pending",
            )
        ]

    def __str__(self):
        return f"{self.kind} ({self.scope or self.pk})"


class OutgoingMessage(AboutFields):
    """One e-mail to one recipient.

    Rendered either when it is queued (``message_queue``) or, for messages expanded from a
    mailing, when it is first sent (``rendered_at`` is empty until then), so that the web
    request that caused it renders nothing.

    State: queued → sending → sent, or failed (after permanent errors, a rendering error or
    too many tries); staff may put a failed message back to queued. See services.py for the
    transitions.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # A kind registered in notifications.kinds (by the domain app that sends it).
    kind = models.CharField(_("kind"), max_length=32)
    mailing = models.ForeignKey(
        Mailing,
        verbose_name=_("mailing"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    recipient_email = models.EmailField(_("recipient"), blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
    )
    # How staff lists show the recipient, e.g. "Erika Mustermann (Werdohl)".
    recipient_label = models.CharField(_("recipient's name"), max_length=300, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # What the kind's render function needs at send time, e.g. {"substitute_for_id": 7}.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Reminders: how many days before the date the mail is about (one per person and offset).
    reminder_offset_days = models.PositiveSmallIntegerField(
        _("reminder offset (days)"), null=True, blank=True
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML text"), blank=True)
    # [{"filename": ..., "content_type": ..., "content": <base64>}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Extra mail headers, e.g. {"Reply-To": ..., "List-Unsubscribe": ..., "Message-ID": ...}
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # Subject, bodies and attachments are purged after the retention period.
    purged_at = models.DateTimeField(_("content purged at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sending_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # Names the business fact ("invitation:12"); the database refuses a second row for it.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["about_type", "about_id"]),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email}"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    def get_kind_display(self) -> str:
        return self.kind_label
