"""Readiness checks for load balancers: the database, the cache and the broker, each alone.

The portal serves every page without the cache and the broker (both Redis): pages are
rendered without cached results and mail waits in the outbox. Only the database is required
unless READINESS_REQUIRED says otherwise. Each check answers within about a second.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from common.outage import RedisProbe
from roundtable.celery import app as celery_app

CHECK_TIMEOUT_SECONDS = 0.5
PROBE_KEY = "health:readiness-probe"


def database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any driver error means "not ready", never a 500
        return False


def cache_ready() -> bool:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return ping()
    # Caches without a server (local memory, files in development) answer when they work.
    try:
        cache.set(PROBE_KEY, 1, 10)
        return cache.get(PROBE_KEY) == 1
    except Exception:
        return False


def broker_ready() -> bool:
    url = celery_app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        # kombu would retry and reconnect; one PING with short timeouts is the answer.
        return RedisProbe(url, timeout=CHECK_TIMEOUT_SECONDS).answers()
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
        return True
    except Exception:
        return False


CHECKS = {"database": database_ready, "cache": cache_ready, "broker": broker_ready}


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {part: "ok" | "unavailable"}); ready when every required part is ok."""
    results = {name: check() for name, check in CHECKS.items()}
    ready = all(results[name] for name in settings.READINESS_REQUIRED)
    return ready, {name: "ok" if ok else "unavailable" for name, ok in results.items()}
