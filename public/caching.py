"""Caching of public pages and API reads, invalidated by version numbers instead of by scanning the cache.

Every cached entry's key carries the versions of what it shows:

* the *registers* version, bumped by any change to a public register (a film, grant, cinema, …): every
  page and answer goes stale at once;
* the *figures* version, bumped whenever any film's metrics are recomputed: every page that aggregates
  films (lists, dashboards, reports, open data) goes stale;
* one version per film, bumped when that film's metrics are recomputed: its own page and API answers.

A film's page keys on the registers version and its own version only, so the recompute after a sales
batch, which touches a handful of films, leaves the other films' pages warm (see receivers.py).
Entries also expire after PUBLIC_CACHE_SECONDS, because "released" depends on today's date.

The versions live in the cache, so a bump made while the cache is unreachable would be lost, and the
entries cached before the outage served again once it answers. So every key also carries the *epoch*, a
number held in the database (films.CacheEpoch): a bump that did not reach the cache raises it, and each
process reads it again every PUBLIC_CACHE_EPOCH_SECONDS, one indexed read, so within seconds of the cache
answering again every page is rendered afresh.
"""

from __future__ import annotations

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils.cache import patch_cache_control, patch_vary_headers

from films.cache_backends import failures_of

log = logging.getLogger(__name__)

REGISTERS_VERSION = "public:version"
FIGURES_VERSION = "public:version:figures"


def film_version(code: str) -> str:
    # The code comes from the URL, so any text: hashed, the key stays short and safe for any backend.
    return f"public:version:film:{hashlib.sha256(code.encode()).hexdigest()[:32]}"


def _fresh_version() -> int:
    # A version key that was evicted restarts from the clock, never from 1, so that it cannot come back to
    # a number some still-cached entry was stored under.
    return time.time_ns() // 1000


def current_versions(*names: str, optional: tuple[str, ...] = ()) -> list[int]:
    """The current number of each version, in one round trip when they all exist.

    A missing optional version reads as 0 and is not stored: a film's version is created by its first
    bump, so that requests for codes that name no film (anyone can type a URL) store nothing.
    """
    found = cache.get_many(names)
    for name in names:
        if name not in found and name in optional:
            found[name] = 0
        elif name not in found:
            fresh = _fresh_version()
            # add() is False when another process set it first (read theirs) or the cache is unreachable
            # (then every key misses anyway, and 0 stands in).
            found[name] = fresh if cache.add(name, fresh, timeout=None) else (cache.get(name) or 0)
    return [found[name] for name in names]


_epoch = {"value": 0, "read_at": float("-inf")}


def current_epoch() -> int:
    """The database's cache epoch, read again at most every PUBLIC_CACHE_EPOCH_SECONDS by this process."""
    now = time.monotonic()
    if now - _epoch["read_at"] >= settings.PUBLIC_CACHE_EPOCH_SECONDS:
        from films.models import CacheEpoch

        _epoch["value"] = CacheEpoch.objects.filter(pk=1).values_list("value", flat=True).first() or 0
        _epoch["read_at"] = now
    return _epoch["value"]


def raise_epoch() -> None:
    """A version bump could not reach the cache: make every entry cached so far unreachable by its key."""
    from films.models import CacheEpoch

    if not CacheEpoch.objects.filter(pk=1).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                CacheEpoch.objects.create(pk=1, value=1)
        except IntegrityError:  # another process created it first
            CacheEpoch.objects.filter(pk=1).update(value=F("value") + 1)
    _epoch["read_at"] = float("-inf")


def _bump(name: str) -> None:
    failures = failures_of(cache)
    try:
        if cache.incr(name):
            return
    except ValueError:  # the key was evicted or never set
        pass
    cache.set(name, _fresh_version(), timeout=None)
    if failures_of(cache) != failures:
        try:
            raise_epoch()
        except DatabaseError:  # the database away too: nothing cached now was stored either
            log.warning("could not raise the public cache epoch after a lost version bump", exc_info=True)


def bump_version() -> None:
    """A register changed: make every cached public page and API answer stale."""
    _bump(REGISTERS_VERSION)


def bump_film_figures(code: str) -> None:
    """A film's metrics changed: its own pages, and every page that sums or ranks films, go stale."""
    _bump(film_version(code))
    _bump(FIGURES_VERSION)


def _version_names(film_code: str | None) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(the versions an answer's key carries, those of them that may be absent, its scope)."""
    if film_code:
        own = film_version(film_code)
        return (REGISTERS_VERSION, own), (own,), "film"
    return (REGISTERS_VERSION, FIGURES_VERSION), (), "all"


def _key(kind: str, request, scope: str, versions, suffix: str) -> str:
    registers, figures = versions
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"public:{kind}:{current_epoch()}:{registers}:{scope}:{figures}:{digest}{suffix}"


# The versions each process saw last, per set of names: a cached answer is then read in one round trip, the
# versions and the answer stored under them together (two otherwise, a tenth of a millisecond each). Bounded,
# since a film's version is named by a URL anyone can type.
_seen_versions: dict[tuple[str, ...], list[int]] = {}
SEEN_VERSIONS_KEPT = 2000


def cached_answer(kind: str, request, film_code: str | None = None, suffix: str = "") -> tuple[str, object]:
    """(the answer's key, its cached value or None). The value is only ever the one stored under the versions
    the cache holds now: read in the same round trip as them when they are as this process saw them last."""
    names, optional, scope = _version_names(film_code)
    seen = _seen_versions.get(names)
    if seen is not None:
        key = _key(kind, request, scope, seen, suffix)
        found = cache.get_many([*names, key])
        if [found.get(name, 0 if name in optional else None) for name in names] == seen:
            return key, found.get(key)
    versions = current_versions(*names, optional=optional)
    if len(_seen_versions) >= SEEN_VERSIONS_KEPT:
        _seen_versions.clear()
    _seen_versions[names] = versions
    key = _key(kind, request, scope, versions, suffix)
    return key, cache.get(key)


_ABSENT = object()


def shared_key(kind: str, *parts) -> str:
    registers, figures = current_versions(REGISTERS_VERSION, FIGURES_VERSION)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"public:data:{kind}:{current_epoch()}:{registers}:{figures}:{digest}"


def shared(kind: str, *parts, compute):
    """A computed value every public answer showing it shares, cached under the same versions (epoch, registers,
    figures) as the pages that aggregate films, so it goes stale exactly when they do.

    Pages are cached one URL at a time, yet many URLs show the same figures: every date of a year shows that
    year's chart, every year's market page by genre draws the same trend. Each is computed once per change of
    the figures instead of once per URL. `parts` (plain values: str, int, date, None) name the value.
    """
    key = shared_key(kind, *parts)
    hit = cache.get(key, _ABSENT)
    if hit is not _ABSENT:
        return hit
    # One process computes, the others wait for its result: from an empty cache, the first requests of a
    # year's 150 chart URLs (or a dimension's six market pages) would otherwise all compute the same value
    # side by side, each slowed by the others.
    lock = f"{key}:computing"
    owner = cache.add(lock, 1, timeout=SHARED_WAIT_SECONDS)
    if not owner:
        waited = _wait_for(key, lock)
        if waited is not _ABSENT:
            return waited
    try:
        value = compute()
        cache.set(key, value, settings.PUBLIC_CACHE_SECONDS)
    finally:
        if owner:  # a process that gave up waiting must not free the lock of the one still computing
            cache.delete(lock)
    return value


SHARED_WAIT_SECONDS = 10  # the longest a process waits for another's computation before doing its own


def _wait_for(key: str, lock: str):
    """The value another process is computing, once it is stored; _ABSENT if that process is gone without
    storing it, the wait is over, or the cache does not answer (then nobody holds the lock: compute)."""
    deadline = time.monotonic() + SHARED_WAIT_SECONDS
    while cache.get(lock) is not None and time.monotonic() < deadline:
        time.sleep(0.01)
        hit = cache.get(key, _ABSENT)
        if hit is not _ABSENT:
            return hit
    return cache.get(key, _ABSENT)


def is_anonymous(request) -> bool:
    """Signed-in staff see their own header; only requests without a session share cached pages."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def set_public_headers(response) -> None:
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    patch_vary_headers(response, ["Accept", "Accept-Language"])


def cached_public(view=None, *, film_code_kwarg: str | None = None):
    """Serve anonymous GETs of a public page from the cache; store successful renders.

    film_code_kwarg names the URL argument holding a film's code, for pages that show that film alone.
    """
    if view is None:
        return lambda v: cached_public(v, film_code_kwarg=film_code_kwarg)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not is_anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        key, response = cached_answer("page", request, kwargs.get(film_code_kwarg) if film_code_kwarg else None)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200:
                cache.set(key, response, settings.PUBLIC_CACHE_SECONDS)
        set_public_headers(response)
        return response

    return wrapped
