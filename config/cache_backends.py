"""The cache is an accelerator, never a dependency: with Redis away, pages render from the database,
imports go on and on-commit hooks (cache version bumps) do not fail."""
from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            log.warning("cache unavailable (%s %s): %s", name, args[:1], exc)
            return fallback() if callable(fallback) else fallback

    call.__name__ = name
    return call


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering a miss (and storing nothing) while Redis cannot be reached."""

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

    def get(self, key, default=None, version=None):  # the caller's default on a miss, as Django's caches do
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            log.warning("cache unavailable (get %s): %s", key, exc)
            return default
