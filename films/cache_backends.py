"""The cache is an accelerator, never a dependency: with Redis away, pages render from the database,
imports go on and on-commit hooks (cache version bumps) do not fail."""
from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
_MISS = object()


# After a failure, calls answer at once for this long instead of each waiting for a connect timeout:
# a page reads several cache keys, and a second of timeout for each would make every page slow.
RETRY_AFTER_SECONDS = 5.0


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        if time.monotonic() < self._unreachable_until:
            self.failures += 1
            return fallback() if callable(fallback) else fallback
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            self.failures += 1
            self._unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
            log.warning("cache unavailable (%s %s), not retried for %ss: %s", name, args[:1],
                        RETRY_AFTER_SECONDS, exc)
            return fallback() if callable(fallback) else fallback

    call.__name__ = name
    return call


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every call, and each one fills its table of ~170 reply
    parsers: about a quarter of a millisecond, twice per cached page, half of what a cached answer costs. The
    connection pool is shared either way (and redis-py's pools reconnect after a fork), so one client per pool
    is kept and reused; redis.Redis is safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering a miss (and storing nothing) while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    _unreachable_until = 0.0
    # Calls that did not reach Redis (failed or skipped): a caller that must know whether a write landed (a
    # cache-version bump, the sales throttle) compares failures_of(cache) before and after.
    failures = 0

    get_many = _tolerant("get_many", dict)
    has_key = _tolerant("has_key", False)
    set = _tolerant("set", None)
    add = _tolerant("add", False)
    set_many = _tolerant("set_many", list)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    incr = _tolerant("incr", 0)
    clear = _tolerant("clear", False)
    _get = _tolerant("get", _MISS)

    def get(self, key, default=None, version=None):  # the caller's default on a miss, as Django's caches do
        value = self._get(key, _MISS, version)
        return default if value is _MISS else value


def failures_of(cache) -> int:
    """How many calls of this cache did not reach it so far; always 0 for caches that cannot fail so."""
    return getattr(cache, "failures", 0)
