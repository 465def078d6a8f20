"""public.caching.shared from an empty cache (issue 12): one process computes a shared figure, the others
wait for its result instead of computing the same value side by side; a process that is gone without
storing it holds nobody up."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from public import caching

pytestmark = pytest.mark.django_db  # the cache epoch is read from the database


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_computed_once_then_read():
    calls = []
    assert caching.shared("test", 1, compute=lambda: calls.append(1) or "value") == "value"
    assert caching.shared("test", 1, compute=lambda: calls.append(1) or "other") == "value"
    assert calls == [1]
    assert cache.get(caching.shared_key("test", 1) + ":computing") is None  # the lock is released


def test_a_process_waits_for_the_one_computing(monkeypatch):
    key = caching.shared_key("test", 2)
    cache.add(f"{key}:computing", 1)  # another process is computing it
    waits = []

    def the_other_finishes(seconds):
        waits.append(seconds)
        cache.set(key, "theirs")

    monkeypatch.setattr(caching.time, "sleep", the_other_finishes)
    calls = []
    assert caching.shared("test", 2, compute=lambda: calls.append(1) or "mine") == "theirs"
    assert calls == [] and len(waits) == 1


def test_a_process_gone_without_a_result_holds_nobody_up(monkeypatch):
    key = caching.shared_key("test", 3)
    cache.add(f"{key}:computing", 1)

    def the_other_dies(seconds):
        cache.delete(f"{key}:computing")

    monkeypatch.setattr(caching.time, "sleep", the_other_dies)
    assert caching.shared("test", 3, compute=lambda: "mine") == "mine"
    assert cache.get(key) == "mine" and cache.get(f"{key}:computing") is None


def test_a_failed_computation_releases_the_lock():
    def boom():
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        caching.shared("test", 4, compute=boom)
    assert cache.get(caching.shared_key("test", 4) + ":computing") is None
    assert caching.shared("test", 4, compute=lambda: "later") == "later"
