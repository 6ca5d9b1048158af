"""Redis is optional on the request path: with a private Redis (cache and broker) stopped or
hung (SIGSTOP), every main page answers every role with under a second's wait for Redis
(measured against the same page with Redis up, so that a slow host is not mistaken for a
hang), log-in and log-out work, writes are saved and mail waits in the outbox; /readyz reports
each part."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from meetings.models import Invitation
from notifications import kinds
from notifications import services as notification_services
from notifications.models import OutgoingMessage, scope_for
from realparts import RedisServer, celery_publishing_to
from roundtable.celery import app as celery_app
from tests.factories import PASSWORD, InvitationFactory, MeetingFactory
from tests.main_pages import MAIN_PAGES, signed_in_client

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

OUTAGES = ["stopped", "paused"]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def portal_on_private_redis(redis_server, settings):
    """This process's cache and broker on the private Redis, with the production timeouts."""
    # Celery reads Django's settings once, on first use of its configuration: read it before
    # the settings point to the private server, or the values restored afterwards would be
    # the private server's and every later test would publish to a stopped Redis.
    previous_options = celery_app.conf.broker_transport_options
    with celery_publishing_to(redis_server.url):
        settings.CACHES = {
            "default": {
                "BACKEND": "common.cache.RedisCache",
                "LOCATION": redis_server.url,
                "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            }
        }
        settings.CELERY_BROKER_URL = redis_server.url
        # As in production (settings, with REDIS_URL); the suite may run with the file broker.
        celery_app.conf.broker_transport_options = {
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        }
        notification_services._broker_probe.cache_clear()
        notification_services.BROKER_OUTAGE.clear()
        try:
            yield redis_server
        finally:
            celery_app.conf.broker_transport_options = previous_options
            notification_services._broker_probe.cache_clear()
            notification_services.BROKER_OUTAGE.clear()


def _break(redis_server, outage):
    redis_server.stop() if outage == "stopped" else redis_server.pause()


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize("outage", OUTAGES)
def test_every_main_page_answers_every_role_with_redis_down_waiting_under_a_second_for_it(
    outage, portal_on_private_redis, role_users
):
    """Each page's time with Redis broken, less its time with Redis up just before: the wait
    the outage adds (the cache's short timeouts, then skipping it), not the host's speed."""
    pages = [(page, page.url(role_users)) for page in MAIN_PAGES]
    clients = {role: signed_in_client(role_users[role]) for role in role_users}
    for page, url in pages:  # templates compiled and catalogues loaded while Redis is up
        assert clients[page.role].get(url).status_code == page.status, page.id
    usual = {
        page.id: _timed(lambda page=page, url=url: clients[page.role].get(url))[1]
        for page, url in pages
    }

    _break(portal_on_private_redis, outage)
    slow, wrong = [], []
    for page, url in pages:
        response, seconds = _timed(lambda page=page, url=url: clients[page.role].get(url))
        if response.status_code != page.status:
            wrong.append((page.id, response.status_code))
        if seconds - usual[page.id] >= 1:
            slow.append((page.id, round(usual[page.id], 2), round(seconds, 2)))

    assert wrong == []
    assert slow == []


@pytest.mark.parametrize("outage", OUTAGES)
def test_log_in_and_log_out_work(outage, portal_on_private_redis, client, representative_user):
    def log_in():
        return client.post(
            reverse("account_login"), {"login": representative_user.email, "password": PASSWORD}
        )

    # Checking the password takes its own time (a slow hash on purpose): measured with Redis.
    _, seconds_with_redis = _timed(log_in)
    client.post(reverse("account_logout"))
    _break(portal_on_private_redis, outage)

    logged_in, seconds = _timed(log_in)
    assert logged_in.status_code == 302
    assert seconds < seconds_with_redis + 1
    assert client.get(reverse("members:directory")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("members:directory")).status_code == 302


def test_rate_limits_fail_open_with_a_log_line(
    portal_on_private_redis, client, representative_user, caplog
):
    portal_on_private_redis.stop()

    answers = [
        client.post(
            reverse("account_login"), {"login": representative_user.email, "password": "falsch"}
        ).status_code
        for _ in range(7)  # more than the limit of failed log-ins (5 per 5 minutes)
    ]

    assert set(answers) == {200}  # the form again, with its error; never 429 or 500
    assert "rate limits are not enforced" in caplog.text


@pytest.mark.parametrize("outage", OUTAGES)
def test_answers_are_saved_and_mail_waits_in_the_outbox(
    outage, portal_on_private_redis, representative_user, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        meeting=MeetingFactory(), representative=representative_user.representatives.get()
    )
    client = signed_in_client(representative_user)
    _break(portal_on_private_redis, outage)

    answered, seconds = _timed(
        lambda: client.post(
            reverse("meetings:respond", args=[invitation.pk]), {"response": "accepted"}
        )
    )
    assert answered.status_code == 302
    assert seconds < 1
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED

    meeting = invitation.meeting
    queued, seconds = _timed(lambda: _queue_one_mail(meeting, django_capture_on_commit_callbacks))
    assert seconds < 1
    assert OutgoingMessage.objects.get(pk=queued.pk).state == OutgoingMessage.State.QUEUED

    # The broker is back: the row can be published again (the sweep does so for every row
    # that waited; delivery end to end: tests/notifications/test_delivery_integration.py).
    if outage == "stopped":
        portal_on_private_redis.start()
    else:
        portal_on_private_redis.resume()
    notification_services.BROKER_OUTAGE.clear()
    assert notification_services.message_enqueue(message_id=queued.pk) is True


def _queue_one_mail(meeting, capture_on_commit):
    with capture_on_commit(execute=True):
        return notification_services.message_queue(
            kind="invitation",
            recipient_email="ausfall@example.org",
            idempotency_key=f"redis-outage:{meeting.pk}",
            template_base="invitation",
            context={**kinds.sample_context("invitation"), "meeting": meeting},
            language="de",
            about=meeting,
            scope=scope_for(meeting),
        )


def test_readiness_reports_each_part(portal_on_private_redis, client, settings):
    assert client.get(reverse("readyz")).json() == {
        "status": "ready",
        "parts": {"database": "ok", "cache": "ok", "broker": "ok"},
    }

    portal_on_private_redis.pause()
    answer, seconds = _timed(lambda: client.get(reverse("readyz")))
    assert answer.status_code == 200  # only the database is required by default
    assert answer.json()["parts"] == {
        "database": "ok",
        "cache": "unavailable",
        "broker": "unavailable",
    }
    assert seconds < 2

    settings.READINESS_REQUIRED = ["database", "cache"]
    assert client.get(reverse("readyz")).status_code == 503


def test_the_cache_is_used_again_after_the_outage(portal_on_private_redis, settings):
    settings.CACHES["default"]["OPTIONS"]["outage_seconds"] = 0.2
    portal_on_private_redis.stop()
    cache.set("outage-probe", 1)
    assert cache.get("outage-probe") is None

    portal_on_private_redis.start()
    time.sleep(0.3)
    cache.set("outage-probe", 2)
    assert cache.get("outage-probe") == 2
