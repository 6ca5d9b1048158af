"""The account pages taken over from django-allauth use the portal's accessible forms."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_password_reset_error_is_linked_to_its_field(client):
    response = client.post(reverse("account_reset_password"), {"email": "keine-adresse"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_email">' in html
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html
    # What was typed is kept.
    assert 'value="keine-adresse"' in html


def test_password_change_errors_are_linked_to_their_fields(client_for, representative_user):
    response = client_for(representative_user).post(
        reverse("account_change_password"),
        {"oldpassword": "falsch", "password1": "kurz", "password2": "anders"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_oldpassword_error"' in html
    field = re.search(r'<input[^>]*name="oldpassword"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert "id_oldpassword_error" in re.search(r'aria-describedby="([^"]*)"', field).group(1)


def test_logout_page_asks_before_signing_out(client_for, representative_user):
    client = client_for(representative_user)

    response = client.get(reverse("account_logout"), headers={"accept-language": "de"})

    assert response.status_code == 200
    assert "Möchten Sie sich wirklich abmelden?" in response.content.decode()
    assert client.get("/").context["user"].is_authenticated


def test_signup_closed_page_points_to_the_log_in(client):
    response = client.get(reverse("account_signup"), headers={"accept-language": "de"})

    html = response.content.decode()
    assert "Keine offene Registrierung" in html
    assert f'href="{reverse("account_login")}"' in html


def test_invalid_password_reset_link_offers_a_new_one(client):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "falsch"})

    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert f'href="{reverse("account_reset_password")}"' in response.content.decode()


def test_email_addresses_are_a_labelled_radio_group(client_for, representative_user):
    response = client_for(representative_user).get(
        reverse("account_email"), headers={"accept-language": "de"}
    )

    html = response.content.decode()
    assert "<fieldset>" in html
    assert "<legend>Folgende E-Mail-Adressen sind mit diesem Konto verknüpft:</legend>" in html
    assert f'value="{representative_user.email}" checked' in html
    # Removing asks first (static/js/portal.js); no inline script is needed.
    assert "data-confirm=" in html
    assert "<script" not in html.split("</head>")[1]


def test_adding_an_invalid_email_address_links_the_error(client_for, representative_user):
    response = client_for(representative_user).post(
        reverse("account_email"), {"action_add": "", "email": "kein-at-zeichen"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    field = re.search(
        r'<input[^>]*name="email"[^>]*type="email"[^>]*>|<input type="email"[^>]*>', html
    )
    assert field is not None
    assert 'aria-invalid="true"' in field.group(0)
    assert "id_email_error" in field.group(0)
    assert 'value="kein-at-zeichen"' in field.group(0)
