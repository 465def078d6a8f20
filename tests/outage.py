"""Redis away, for real: a closed port (unreachable) or a socket that accepts and never answers (hung)."""
from __future__ import annotations

import contextlib
import os
import socket

import redis
from django.conf import settings

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"


@contextlib.contextmanager
def hung_redis():
    """The URL of a port that accepts connections and never answers: Redis hung or behind a dropped route."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        listener.close()


@contextlib.contextmanager
def outage(kind: str):
    """The URL of a Redis that is away in this way: "unreachable" or "hung"."""
    if kind == "unreachable":
        yield UNREACHABLE
    else:
        with hung_redis() as url:
            yield url


def redis_cache(url: str) -> dict:
    """CACHES for the production cache backend at this URL, with the production timeouts."""
    return {"default": {"BACKEND": "films.cache_backends.ResilientRedisCache", "LOCATION": url,
                        "OPTIONS": {"socket_connect_timeout": settings.REDIS_TIMEOUT,
                                    "socket_timeout": settings.REDIS_TIMEOUT}}}


@contextlib.contextmanager
def broker(url: str):
    """Send tasks for real (not eagerly) to this broker, with the production publish settings."""
    from config.celery_app import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    app._pool = None  # connections are pooled per broker URL; start afresh
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


def real_redis_or_skip():
    import pytest

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL}: CI starts it")
    return client
