"""A per-process note that a neighbour (Redis as cache or broker) did not answer just now.

While the note is fresh, callers skip the neighbour instead of waiting for its timeout
again on every request. It is kept in process memory on purpose: a short-lived guess about
a neighbour's health that each process makes on its own; no answer or stored data depends on
it (skipping only means a cache miss, or a task that the outbox sweep publishes later).
"""

import logging
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)


class OutageNote:
    def __init__(self, what: str, *, seconds: float, consequence: str):
        self.what = what
        self.seconds = float(seconds)
        self.consequence = consequence
        self._until = 0.0

    def active(self) -> bool:
        return time.monotonic() < self._until

    def record(self, error: BaseException) -> None:
        """Note the failure and log it once per outage (not once per skipped call)."""
        self._until = time.monotonic() + self.seconds
        logger.warning(
            "%s is unreachable (%s): skipped for %.0f s; %s",
            self.what,
            error.__class__.__name__,
            self.seconds,
            self.consequence,
        )

    def clear(self) -> None:
        self._until = 0.0


class RedisProbe:
    """One PING with short timeouts over a reused connection: whether a Redis server answers
    now. kombu's first connection to a hung broker waits for several commands in a row; a
    probe first bounds that to one timeout."""

    def __init__(self, url: str, *, timeout: float):
        # Only for redis:// URLs; other brokers (the file-system one in development) have
        # nothing to probe.
        self.client = None
        if url.startswith(("redis://", "rediss://")):
            self.client = redis.Redis.from_url(
                url,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                retry=Retry(NoBackoff(), 0),
            )

    def answers(self) -> bool:
        if self.client is None:
            return True
        try:
            return bool(self.client.ping())
        except (redis.RedisError, OSError):
            return False
