import pytest
from django.test import Client
from django.urls import reverse

from members.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_page_is_closed_to_strangers(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]


def test_signup_post_by_stranger_creates_no_account(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "fremd@example.org",
            "password1": "Sehr-geheim-2026",
            "password2": "Sehr-geheim-2026",
        },
    )

    assert not User.objects.filter(email="fremd@example.org").exists()


def test_login_by_email(client, representative_user):
    response = client.post(
        reverse("account_login"), {"login": representative_user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/").context["user"] == representative_user


def test_login_with_unverified_email_is_refused(client):
    user = User.objects.create_user("neu@example.org", PASSWORD)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not client.get("/").context["user"].is_authenticated


def test_login_is_throttled_after_repeated_failures(
    client, representative_user, other_representative_user
):
    login_url = reverse("account_login")
    for _ in range(5):
        response = client.post(
            login_url, {"login": representative_user.email, "password": "falsch"}
        )
        assert response.status_code == 200
        assert "Zu viele" not in response.content.decode()

    # The sixth attempt is refused even with the right password ...
    response = client.post(
        login_url,
        {"login": representative_user.email, "password": PASSWORD},
        headers={"accept-language": "de"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es später erneut."
    ]
    assert not client.get("/").context["user"].is_authenticated
    # ... also from another address (the limit holds per account, not only per IP) ...
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    response = elsewhere.post(login_url, {"login": representative_user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not elsewhere.get("/").context["user"].is_authenticated
    # ... while other people on another address still log in (a representative: staff
    # would be asked for their second factor next).
    other = Client(REMOTE_ADDR="198.51.100.8")
    response = other.post(
        login_url, {"login": other_representative_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert other.get("/").context["user"] == other_representative_user


def test_password_reset_page_is_available(client):
    assert client.get(reverse("account_reset_password")).status_code == 200


def test_mfa_totp_is_available_to_signed_in_users(client_for, representative_user):
    response = client_for(representative_user).get(reverse("mfa_activate_totp"))

    # allauth asks to re-authenticate or shows the set-up form; either way it exists.
    assert response.status_code in (200, 302)
    assert client_for(representative_user).get(reverse("mfa_index")).status_code == 200
