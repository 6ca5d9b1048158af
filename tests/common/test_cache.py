"""The Redis cache backend that keeps one redis-py client per connection pool."""

import os

from django.conf import settings

from common.cache import RedisCache


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
