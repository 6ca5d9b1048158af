import os

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from notifications import services, tasks
from realparts import RedisServer, celery_publishing_to
from roundtable.celery import app as celery_app
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
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_outage_forgotten():
    # A test that breaks publishing leaves the outbox's note "broker down" behind for a few
    # seconds; the next test starts with a broker that answers.
    services.BROKER_OUTAGE.clear()
    yield
    services.BROKER_OUTAGE.clear()


@pytest.fixture(autouse=True)
def _celery_publishes_to_the_suites_broker():
    # Celery copies Django's settings on first use; reading its configuration here, with the
    # settings unchanged, keeps a test that points the settings elsewhere from becoming the
    # copy. A test that leaves this process publishing to another broker fails here, by name,
    # instead of the mail tests after it.
    expected = settings.CELERY_BROKER_URL
    assert celery_app.conf.broker_url == expected
    yield
    assert celery_app.conf.broker_url == expected, "a test left Celery on another broker"


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
    """Records the send tasks published (message id, countdown) instead of talking to a
    broker; mailings are expanded right away, as the expansion task would."""
    calls = []

    def send(args, countdown=None, **options):
        calls.extend((message_id, countdown) for message_id in args[0])

    def expand(args, **options):
        services.mailings_expand(mailing_ids=args[0])

    monkeypatch.setattr(tasks.messages_send, "apply_async", send)
    monkeypatch.setattr(tasks.mailings_expand_task, "apply_async", expand)
    return calls


@pytest.fixture
def outbox(monkeypatch):
    """The outbox's tasks run in the test's process when they are published: mailings are
    expanded and messages sent to Django's test mailbox (``mail.outbox``). Publishing
    happens after the commit, so tests wrap the action in
    ``django_capture_on_commit_callbacks(execute=True)``. Returns the ids sent per batch."""
    batches = []

    def send(args, countdown=None, **options):
        batches.append(list(args[0]))
        services.messages_deliver(message_ids=args[0])

    def expand(args, **options):
        services.mailings_expand(mailing_ids=args[0])

    monkeypatch.setattr(tasks.messages_send, "apply_async", send)
    monkeypatch.setattr(tasks.mailings_expand_task, "apply_async", expand)
    return batches


@pytest.fixture
def broker(tmp_path):
    """A Redis broker with an empty queue for a real worker: the suite's (REDIS_URL), or a
    private redis-server that this process publishes to while the test runs."""
    if settings.REDIS_URL:
        # Tasks left in this suite's Redis database by an earlier test must not interfere.
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
        yield settings.CELERY_BROKER_URL
        return
    server = RedisServer(tmp_path)
    server.start()
    try:
        with celery_publishing_to(server.url):
            yield server.url
    finally:
        server.stop()
