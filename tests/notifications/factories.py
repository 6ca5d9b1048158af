import factory
from django.utils import timezone

from notifications.models import OutgoingMessage, scope_for


class OutgoingMessageFactory(factory.django.DjangoModelFactory):
    """A rendered message; ``meeting=...`` files it under that meeting's scope."""

    class Meta:
        model = OutgoingMessage
        exclude = ["meeting"]

    meeting = None
    kind = "invitation"
    recipient_email = factory.Sequence(lambda n: f"empfang{n}@example.org")
    subject = "Einladung"
    body_text = "Guten Tag,\n"
    body_html = "<p>Guten Tag,</p>"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    created_at = factory.LazyFunction(timezone.now)
    rendered_at = factory.LazyFunction(timezone.now)
    scope = factory.LazyAttribute(
        lambda message: scope_for(message.meeting) if message.meeting else ""
    )
