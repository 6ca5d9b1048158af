"""Log-in throttling: per account and per client address, without locking out colleagues."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.5"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Dozens of log-in attempts per test: the strength of the hash is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def is_logged_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_attack_on_one_account_does_not_lock_out_colleagues_at_the_same_address(municipality):
    attacked = factories.RepresentativeUserFactory(
        email="a@example.org", representative=municipality
    )
    colleague = factories.RepresentativeUserFactory(
        email="b@example.org", representative=municipality
    )
    attacker = Client(REMOTE_ADDR=OFFICE)
    for _attempt in range(12):
        log_in(attacker, attacked.email, "falsch-geraten")

    colleague_response = log_in(Client(REMOTE_ADDR=OFFICE), colleague.email, PASSWORD)
    attacked_response = log_in(Client(REMOTE_ADDR=OFFICE), attacked.email, PASSWORD)

    assert is_logged_in(colleague_response)
    # The attacked account itself is locked for a while, even with the right password.
    assert not is_logged_in(attacked_response)
    assert "too many" in attacked_response.content.decode().lower() or (
        "zu viele" in attacked_response.content.decode().lower()
    )


def test_one_address_guessing_many_accounts_is_stopped_others_are_not(municipality):
    victims = [
        factories.RepresentativeUserFactory(email=f"v{n}@example.org", representative=municipality)
        for n in range(8)
    ]
    target = factories.RepresentativeUserFactory(
        email="ziel@example.org", representative=municipality
    )
    sprayer = Client(REMOTE_ADDR="198.51.100.7")
    for victim in victims:
        for _attempt in range(4):
            log_in(sprayer, victim.email, "falsch-geraten")

    from_sprayer = log_in(Client(REMOTE_ADDR="198.51.100.7"), target.email, PASSWORD)
    from_elsewhere = log_in(Client(REMOTE_ADDR=OFFICE), target.email, PASSWORD)

    assert not is_logged_in(from_sprayer)
    assert is_logged_in(from_elsewhere)


def test_client_address_comes_from_the_trusted_proxy_header(settings, municipality):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    target = factories.RepresentativeUserFactory(
        email="ziel@example.org", representative=municipality
    )
    victims = [
        factories.RepresentativeUserFactory(email=f"v{n}@example.org", representative=municipality)
        for n in range(8)
    ]
    # Everybody reaches the portal through the same proxy address.
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    sprayer = Client(**proxy, headers={"X-Real-IP": "198.51.100.7"})
    for victim in victims:
        for _attempt in range(4):
            log_in(sprayer, victim.email, "falsch-geraten")

    colleague = Client(**proxy, headers={"X-Real-IP": OFFICE})

    assert is_logged_in(log_in(colleague, target.email, PASSWORD))
