"""The Redis cache backend: one redis-py client per connection pool, and an empty cache
while Redis cannot be reached."""

import os

import pytest
from django.conf import settings

from common.cache import RedisCache
from realparts import free_port


def _backend():
    url = settings.REDIS_URL or os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    return RedisCache(url, {"KEY_PREFIX": "cache-backend-test"})


def test_one_client_serves_every_operation():
    backend = _backend()
    client = backend._cache.get_client()

    assert backend._cache.get_client(write=True) is client
    backend.set("page", ("text/html", b"<p>Hallo</p>"), 10)
    assert backend.get("page") == ("text/html", b"<p>Hallo</p>")
    assert backend.get_many(["page", "missing"]) == {"page": ("text/html", b"<p>Hallo</p>")}
    backend.set("version", 1, 10)
    assert backend.incr("version") == 2
    backend.delete_many(["page", "version"])
    assert backend.get("page") is None
    assert backend._cache.get_client() is client


def test_the_portal_uses_it_with_redis():
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "common.cache.RedisCache"
    else:
        assert "redis" not in settings.CACHES["default"]["BACKEND"].lower()


def test_an_unreachable_redis_behaves_like_an_empty_cache_and_is_logged_once(caplog):
    nobody_listens = RedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {}})

    assert nobody_listens.add("lock", True, 10) is True  # accepted, and forgotten
    assert nobody_listens.get("lock", "default") == "default"
    assert nobody_listens.get_many(["lock"]) == {}
    nobody_listens.set("history", [1], 10)
    assert nobody_listens.has_key("history") is False
    with pytest.raises(ValueError):
        nobody_listens.incr("version")
    assert nobody_listens.ping() is False

    warnings = [record for record in caplog.records if "unreachable" in record.getMessage()]
    assert len(warnings) == 1  # one line per outage, not one per call
    assert "rate limits are not enforced" in warnings[0].getMessage()
