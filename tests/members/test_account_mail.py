"""allauth's mails (password reset, address confirmation) go through the outbox."""

import pytest
from django.urls import reverse

from members import services as member_services
from notifications import services
from notifications.models import OutgoingMessage
from realparts import free_port, smtp_server
from tests.factories import RepresentativeUserFactory, UserFactory
from tests.notifications.factories import OutgoingMessageFactory

pytestmark = pytest.mark.django_db

State = OutgoingMessage.State


def _smtp_at(settings, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def test_password_reset_with_smtp_down_answers_and_the_mail_goes_out_when_smtp_is_back(
    client, settings, published, django_capture_on_commit_callbacks
):
    user = UserFactory(email="erika@example.org", language="en")
    # Nothing listens on this port: the SMTP server is down.
    _smtp_at(settings, free_port())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "erika@example.org"})

    assert response.status_code == 302
    message = OutgoingMessage.objects.get(kind="account")
    assert message.state == State.QUEUED
    assert message.recipient_user == user
    assert message.recipient_email == "erika@example.org"
    assert message.language == "en"
    assert "/konto/" in message.body_text or "password" in message.body_text.lower()
    assert published == [(message.pk, None)]

    assert services.message_deliver(message_id=message.pk).result == "retry"
    message.refresh_from_db()
    assert message.state == State.QUEUED and message.attempts == 1

    with smtp_server() as (smtp, port):
        _smtp_at(settings, port)
        OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
        assert services.message_deliver(message_id=message.pk).result == "sent"

    ((recipient, email),) = smtp.delivered
    assert recipient == "erika@example.org"
    assert email["Subject"] == message.subject
    assert email.get_body(("html",)) is not None


def test_password_reset_mail_is_in_the_persons_language(
    client, published, django_capture_on_commit_callbacks
):
    UserFactory(email="erika@example.org", language="de")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "erika@example.org"})

    message = OutgoingMessage.objects.get(kind="account")
    assert message.language == "de"
    assert "Passwort" in message.subject or "Passwort" in message.body_text


def test_deleting_an_account_blanks_the_persons_mail_and_keeps_the_record():
    user = RepresentativeUserFactory(email="erika@example.org")
    to_account = OutgoingMessageFactory(
        recipient_user=user,
        recipient_email="erika@example.org",
        recipient_label="Erika Muster (Werdohl)",
        body_text="Guten Tag Erika Muster,",
        state=State.SENT,
    )
    # A mail to the representative's address from before the account existed.
    to_address = OutgoingMessageFactory(recipient_email="Erika@example.org", state=State.SENT)
    other = OutgoingMessageFactory(recipient_email="max@example.org")

    member_services.account_delete(user=user)

    for message in (to_account, to_address):
        message.refresh_from_db()
        assert message.recipient_email == "" and message.recipient_label == ""
        assert "Erika" not in message.body_text + message.body_html + message.subject
        assert message.state == State.SENT and message.kind == "invitation"
    other.refresh_from_db()
    assert other.recipient_email == "max@example.org"
