import pytest
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


def test_login_is_throttled_after_repeated_failures(client, representative_user):
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": representative_user.email, "password": "falsch"}
        )

    response = client.post(
        reverse("account_login"), {"login": representative_user.email, "password": PASSWORD}
    )

    assert not client.get("/").context["user"].is_authenticated
    assert "zu viele" in response.content.decode().lower() or response.status_code == 429


def test_password_reset_page_is_available(client):
    assert client.get(reverse("account_reset_password")).status_code == 200


def test_mfa_totp_is_available_to_signed_in_users(client_for, representative_user):
    response = client_for(representative_user).get(reverse("mfa_activate_totp"))

    # allauth asks to re-authenticate or shows the set-up form; either way it exists.
    assert response.status_code in (200, 302)
    assert client_for(representative_user).get(reverse("mfa_index")).status_code == 200
