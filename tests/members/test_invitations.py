from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import PortalInvitation, User
from members.permissions import current_representative
from notifications.models import OutgoingMessage
from tests.factories import RepresentativeFactory, UserFactory
from tests.members.factories import PortalInvitationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kaffee-Runder-Tisch-77"


def accept_url(invitation):
    token = services.portal_invitation_token(invitation=invitation)
    return reverse("members:invitation_accept", args=[token])


def test_invitation_create_sends_mail_after_commit(
    municipality, staff_user, eager_celery, django_capture_on_commit_callbacks
):
    representative = RepresentativeFactory(municipality=municipality, email="neu@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.portal_invitation_create(
            representative=representative, invited_by=staff_user
        )

    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    assert "Einladung" in message.subject
    assert accept_url(invitation) in message.body
    assert accept_url(invitation) in message.alternatives[0].content
    assert "Werdohl" in message.body
    outgoing = OutgoingMessage.objects.get(kind="portal_invitation")
    assert outgoing.state == OutgoingMessage.State.SENT


def test_invitation_send_twice_queues_one_mail(municipality, staff_user):
    invitation = PortalInvitationFactory(representative__municipality=municipality)

    assert services.portal_invitation_send(invitation_id=invitation.pk) is True
    assert services.portal_invitation_send(invitation_id=invitation.pk) is False

    messages = OutgoingMessage.objects.filter(kind="portal_invitation")
    assert [message.recipient_email for message in messages] == [invitation.email]
    assert messages[0].idempotency_key == f"portal_invitation:{invitation.pk}"


def test_invitation_mail_uses_recipient_language(municipality):
    user = UserFactory(language="en")
    representative = RepresentativeFactory(municipality=municipality, user=user)
    invitation = PortalInvitationFactory(representative=representative)

    message = services.portal_invitation_message(invitation=invitation)

    assert "invitation to the round table portal" in message.subject
    assert "valid until" in message.body_text


def test_invitation_of_representative_with_account_is_refused(representative_user, staff_user):
    representative = current_representative(representative_user)

    with pytest.raises(ValidationError):
        services.portal_invitation_create(representative=representative, invited_by=staff_user)


def test_resending_invalidates_the_older_link(municipality, staff_user, client):
    representative = RepresentativeFactory(municipality=municipality)
    first = services.portal_invitation_create(representative=representative, invited_by=staff_user)
    second = services.portal_invitation_create(representative=representative, invited_by=staff_user)

    old = client.get(accept_url(first))
    new = client.get(accept_url(second))

    assert old.status_code == 410
    assert "neuere Einladung" in old.content.decode()
    assert new.status_code == 200


def test_valid_link_creates_account_for_invited_address(municipality, client):
    representative = RepresentativeFactory(
        municipality=municipality, email="eingeladen@example.org"
    )
    invitation = PortalInvitationFactory(representative=representative)

    response = client.post(
        accept_url(invitation),
        {
            "email": "jemand-anders@example.org",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(email="eingeladen@example.org")
    assert not User.objects.filter(email="jemand-anders@example.org").exists()
    assert EmailAddress.objects.get(user=user).verified
    representative.refresh_from_db()
    assert representative.user == user
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    home = client.get(reverse("home"))
    assert home.context["user"] == user
    assert "Willkommen, Werdohl" in home.content.decode()


def test_link_with_mismatched_passwords_keeps_the_form(municipality, client):
    invitation = PortalInvitationFactory(representative__municipality=municipality)

    response = client.post(
        accept_url(invitation), {"new_password1": NEW_PASSWORD, "new_password2": "anders-123456"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email=invitation.email).exists()


def test_expired_link_shows_clear_page(municipality, client):
    invitation = PortalInvitationFactory(
        representative__municipality=municipality,
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    response = client.post(
        accept_url(invitation), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_used_link_shows_clear_page(municipality, client):
    invitation = PortalInvitationFactory(representative__municipality=municipality)
    client.post(
        accept_url(invitation), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    client.logout()

    response = client.get(accept_url(invitation))

    assert response.status_code == 410
    assert "bereits verwendet" in response.content.decode()


def test_forged_link_shows_clear_page(client):
    response = client.get(reverse("members:invitation_accept", args=["abc:def"]))

    assert response.status_code == 404
    assert "nicht gültig" in response.content.decode()


def test_link_opened_by_other_logged_in_account_is_refused(
    municipality, other_representative_user, client
):
    invitation = PortalInvitationFactory(representative__municipality=municipality)
    client.force_login(other_representative_user)

    response = client.post(accept_url(invitation))

    assert response.status_code == 403
    assert "andere E-Mail-Adresse" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert invitation.representative.user is None


def test_existing_account_of_invited_address_is_linked_after_log_in(municipality, client):
    user = UserFactory(email="schon-da@example.org")
    invitation = PortalInvitationFactory(
        representative__municipality=municipality, representative__email="schon-da@example.org"
    )

    anonymous = client.get(accept_url(invitation))
    client.force_login(user)
    linked = client.post(accept_url(invitation))

    assert anonymous.status_code == 409
    assert linked.status_code == 302
    invitation.representative.refresh_from_db()
    assert invitation.representative.user == user


def test_allauth_sign_up_stays_closed_during_invitation(municipality, client):
    invitation = PortalInvitationFactory(representative__municipality=municipality)
    client.get(accept_url(invitation))

    client.post(
        reverse("account_signup"),
        {"email": "fremd@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert not User.objects.filter(email="fremd@example.org").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("other_representative", 403),
        ("representative", 403),
        ("staff", 302),
        ("admin", 302),
    ],
)
def test_invite_view_permissions(role, status, role_users, client_for, municipality, eager_celery):
    representative = RepresentativeFactory(municipality=municipality)

    response = client_for(role_users[role]).post(
        reverse("members:representative_invite", args=[representative.pk])
    )

    assert response.status_code == status
    invited = PortalInvitation.objects.filter(representative=representative).exists()
    assert invited == (role in {"staff", "admin"})
    if role == "anonymous":
        assert reverse("account_login") in response["Location"]


def test_invite_view_reports_refusal(municipality, staff_user, client_for):
    representative = RepresentativeFactory(
        municipality=municipality, user=UserFactory(), email="mit-konto@example.org"
    )

    response = client_for(staff_user).post(
        reverse("members:representative_invite", args=[representative.pk]), follow=True
    )

    assert "bereits ein Konto" in response.content.decode()
    assert not PortalInvitation.objects.exists()


def test_invitation_mail_html_names_its_language(municipality):
    invitation = PortalInvitationFactory(representative__municipality=municipality)

    message = services.portal_invitation_message(invitation=invitation)

    assert '<html lang="de">' in message.body_html
