import os

import pytest
from django.conf import settings
from django.test import Client

from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in the
# same tests are safe there (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    where = database.get("HOST") or database["NAME"]
    return [
        f"database: {engine} ({where}) - set DATABASE_URL to choose",
        f"redis: {settings.REDIS_URL or 'not set (REDIS_URL)'}",
    ]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits and cached pages must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploaded files go to a temporary folder per test.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def staff_user(db):
    return factories.StaffUserFactory(email="staff@example.org")


@pytest.fixture
def admin_user(db):
    return factories.AdminUserFactory(email="admin@example.org")


@pytest.fixture
def municipality(db):
    return factories.MunicipalityFactory(name="Werdohl", slug="werdohl")


@pytest.fixture
def other_municipality(db):
    return factories.MunicipalityFactory(name="Olpe", slug="olpe")


@pytest.fixture
def representative_user(municipality):
    return factories.RepresentativeUserFactory(
        email="vertretung@example.org", representative=municipality
    )


@pytest.fixture
def other_representative_user(other_municipality):
    return factories.RepresentativeUserFactory(
        email="andere@example.org", representative=other_municipality
    )


@pytest.fixture
def role_users(staff_user, admin_user, representative_user, other_representative_user):
    """One user per role; "anonymous" is None."""
    return {
        "anonymous": None,
        "other_representative": other_representative_user,
        "representative": representative_user,
        "staff": staff_user,
        "admin": admin_user,
    }


@pytest.fixture
def client_for(db):
    """A test client logged in as the given user (or anonymous for None)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def published(monkeypatch):
    """Records the mail send tasks published instead of talking to a broker."""
    from notifications.tasks import message_send

    calls = []

    def apply_async(args, countdown=None, **options):
        calls.append((args[0], countdown))

    monkeypatch.setattr(message_send, "apply_async", apply_async)
    return calls
