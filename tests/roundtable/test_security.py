"""Security headers, cookies, sessions and the production configuration."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = ["home", "account_login", "account_reset_password"]


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *values = directive.split()
        directives[name] = values
    return directives


@pytest.fixture
def production(settings):
    """HTTPS-only settings as in production (the test settings relax them)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    return settings


@pytest.mark.parametrize("url_name", PAGES)
def test_content_security_policy_forbids_inline_code_and_other_hosts(client, url_name):
    response = client.get(reverse(url_name))

    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url_name", PAGES)
def test_responses_carry_security_headers(client, url_name):
    response = client.get(reverse(url_name))

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_pages_carry_security_headers(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_production_redirects_http_to_https(production):
    response = Client().get("/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_production_sends_hsts(production):
    response = Client().get("/", secure=True)

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_cookies_are_secure_and_http_only(production, representative_user):
    client = Client()

    client.get(reverse("account_login"), secure=True)
    response = client.post(
        reverse("account_login"),
        {"login": representative_user.email, "password": PASSWORD},
        secure=True,
    )

    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME]
    for cookie in (session_cookie, csrf_cookie):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_session_ends_when_the_browser_closes(client, representative_user):
    response = client.post(
        reverse("account_login"), {"login": representative_user.email, "password": PASSWORD}
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # Neither Expires nor Max-Age: the browser forgets the session when it closes.
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_session_expires_on_the_server_after_the_cookie_age(client, representative_user):
    client.post(
        reverse("account_login"), {"login": representative_user.email, "password": PASSWORD}
    )
    session = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)

    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(session.expire_date - expected) < timedelta(minutes=1)

    store = SessionStore(session_key=session.session_key)
    assert abs(store.get_expiry_age() - settings.SESSION_COOKIE_AGE) < 60

    # Time passes: the database row (the only copy; no cache holds sessions) has expired.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    assert not client.get("/").context["user"].is_authenticated


def test_deployment_check_passes_with_production_environment():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DEBUG", None)
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org",
    )

    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output
