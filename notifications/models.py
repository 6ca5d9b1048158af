from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMessage(models.Model):
    """One e-mail to one recipient, rendered when it was queued.

    State: queued → sending → sent, or failed (after permanent errors or too many tries);
    staff may put a failed message back to queued. See services.py for the transitions.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        UPDATE = "update", _("Meeting update")
        CANCELLATION = "cancellation", _("Cancellation")
        REMINDER = "reminder", _("Reminder")
        RESPONSE_NUDGE = "response_nudge", _("Reminder to respond")
        MINUTES_PUBLISHED = "minutes_published", _("Minutes published")
        ACTION_ITEM_REMINDER = "action_item_reminder", _("Action item reminder")
        PORTAL_INVITATION = "portal_invitation", _("Portal invitation")
        PRACTICE_STATUS = "practice_status", _("Good-practice example status")
        SEARCH_DIGEST = "search_digest", _("New examples of a saved search")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    recipient_email = models.EmailField(_("recipient"))
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
    )
    recipient_representative = models.ForeignKey(
        "members.Representative",
        verbose_name=_("recipient's representative entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    # [{"filename": ..., "content_type": ..., "content": <base64>}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Extra mail headers, e.g. {"Reply-To": ..., "List-Unsubscribe": ..., "Message-ID": ...}
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
    )
    invitation = models.ForeignKey(
        "meetings.Invitation",
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_messages",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sending_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # Names the business fact ("invitation:12:0"); the database refuses a second row for it.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_email}"
