import factory
from django.utils import timezone

from notifications.models import OutgoingMessage


class OutgoingMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingMessage

    kind = OutgoingMessage.Kind.INVITATION
    recipient_email = factory.Sequence(lambda n: f"empfang{n}@example.org")
    subject = "Einladung"
    body_text = "Guten Tag,\n"
    body_html = "<p>Guten Tag,</p>"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    created_at = factory.LazyFunction(timezone.now)
