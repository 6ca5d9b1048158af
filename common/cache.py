"""Django's Redis cache backend, made optional: short timeouts, and while Redis cannot be
reached the cache behaves like an empty one that forgets every write.

Nothing the portal caches is needed to answer a request: a miss is always correct and only
slower (facet counts, search ranking, rate-limit history). So an unreachable or hung Redis
must cost a request at most one short timeout, never an error:

- connect and socket timeouts (OPTIONS ``socket_connect_timeout``/``socket_timeout``, a
  quarter of a second unless configured) and no retries inside redis-py;
- after a failure this process skips Redis for a few seconds (``OPTIONS["outage_seconds"]``,
  common.outage) and logs one warning per outage; rate limits (django-allauth keeps their
  history in the cache) therefore fail open for that time, which the warning says.

Django builds a new `redis.Redis` client for every cache operation. Building one copies
redis-py's table of response callbacks, which costs about as much as the GET itself on a
local network, so one client per connection pool is reused (a redis-py client is thread-safe
and takes a connection from its pool for each command).
"""

import functools

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from common.outage import OutageNote

DEFAULT_TIMEOUT_SECONDS = 0.25
DEFAULT_OUTAGE_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _KeyMissing(ValueError):
    pass


def _missing(key, *args, **kwargs):
    # incr() of a key an empty cache does not hold: Django raises ValueError.
    raise _KeyMissing(f"Key '{key}' not found (the cache is unreachable)")


# What each operation answers while Redis is unreachable: that of an empty cache that
# accepts every write and forgets it.
_WHILE_UNREACHABLE = {
    "add": lambda *args, **kwargs: True,
    "get": lambda key, default=None, *args, **kwargs: default,
    "set": lambda *args, **kwargs: None,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "incr": _missing,
    "set_many": lambda *args, **kwargs: [],
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


def _tolerant(name):
    operation = getattr(RedisCacheClient, name)
    fallback = _WHILE_UNREACHABLE[name]

    @functools.wraps(operation)
    def call(self, *args, **kwargs):
        if self.outage.active():
            return fallback(*args, **kwargs)
        try:
            return operation(self, *args, **kwargs)
        except UNREACHABLE as error:
            self.outage.record(error)
            return fallback(*args, **kwargs)

    return call


class TolerantRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, outage_seconds=DEFAULT_OUTAGE_SECONDS, **options):
        options.setdefault("socket_connect_timeout", DEFAULT_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", DEFAULT_TIMEOUT_SECONDS)
        # A retry would double the wait; the next request tries again anyway.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(servers, **options)
        self._clients = {}
        self.outage = OutageNote(
            "The cache (Redis)",
            seconds=outage_seconds,
            consequence="cached results are recomputed and rate limits are not enforced.",
        )

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def ping(self) -> bool:
        """True when Redis answers now (for the readiness check; ignores the skip marker)."""
        try:
            return bool(self.get_client(write=True).ping())
        except UNREACHABLE:
            return False

    add = _tolerant("add")
    get = _tolerant("get")
    set = _tolerant("set")
    touch = _tolerant("touch")
    delete = _tolerant("delete")
    get_many = _tolerant("get_many")
    has_key = _tolerant("has_key")
    incr = _tolerant("incr")
    set_many = _tolerant("set_many")
    delete_many = _tolerant("delete_many")
    clear = _tolerant("clear")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient

    def ping(self) -> bool:
        return self._cache.ping()
