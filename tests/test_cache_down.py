"""With REDIS_URL set and Redis gone, pages still render from the database and imports still commit."""
import json

import pytest
from django.core.cache import cache

from conftest import run_command

DEAD_REDIS = {"default": {"BACKEND": "films.cache_backends.ResilientRedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}


@pytest.mark.django_db
def test_public_pages_api_and_imports_work_while_the_cache_is_down(settings, client, registers, examples_dir,
                                                                    django_capture_on_commit_callbacks):
    settings.CACHES = DEAD_REDIS
    assert cache.get("anything", "missed") == "missed"
    with django_capture_on_commit_callbacks(execute=True):  # the cache version bump runs on commit
        out, _ = run_command("import_sales", "--json", str(examples_dir / "ticket-sales-small.csv"))
    assert json.loads(out)["accepted"] == 166
    assert client.get("/en/").status_code == 200
    page = client.get("/en/films/KZ-2024-0003/")
    assert page.status_code == 200 and "213,000.00" in page.content.decode()
    assert client.get("/api/v1/films/").status_code == 200


@pytest.fixture
def silent_redis():
    """A port that accepts connections and never answers: Redis hung or behind a dropped route."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


@pytest.mark.django_db
def test_a_hung_cache_costs_one_timeout_not_one_per_read(settings, client, examples_loaded, silent_redis):
    """A page reads several cache keys; without the back-off each would wait its own socket timeout."""
    import time

    settings.CACHES = {"default": {**DEAD_REDIS["default"], "LOCATION": silent_redis}}
    started = time.monotonic()
    assert cache.get("anything", "missed") == "missed"
    first = time.monotonic() - started
    assert first >= 0.9, "the first read waits for the socket timeout (1 s)"
    started = time.monotonic()
    for url in ("/en/", "/en/films/KZ-2024-0003/", "/api/v1/films/"):
        assert client.get(url).status_code == 200
    # Three cached pages read and write some fifteen keys; at 1 s each they would take 15 s.
    assert time.monotonic() - started < 3


def test_one_redis_client_is_kept_and_a_dropped_connection_is_made_again(settings):
    """Django's client builds a redis.Redis per call (a quarter of a millisecond each); ours keeps one per pool.
    Kept clients must still survive Redis dropping their connections (a restart, an idle timeout)."""
    import os

    from tests.test_worker import _redis_or_skip

    _redis_or_skip()
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    settings.CACHES = {"default": {"BACKEND": "films.cache_backends.ResilientRedisCache", "LOCATION": url}}
    cache.set("test-kept-client", 41)
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client and cache._cache.get_client(write=True) is client
    client.client_kill_filter(_id=client.client_id(), skipme=False)  # Redis closes our connection
    assert cache.get("test-kept-client") == 41 and cache.failures == 0
    cache.delete("test-kept-client")
