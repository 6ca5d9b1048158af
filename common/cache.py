"""Django's Redis cache backend with one redis-py client per connection pool.

Django builds a new `redis.Redis` client for every cache operation. Building one copies
redis-py's table of response callbacks, which costs about as much as the GET itself on a
local network, and a cached page needs several operations. A redis-py client is thread-safe
and takes a connection from its pool for each command, so one client per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
