"""Caching of public pages and API reads, invalidated by one version number.

Every cached entry's key carries the current version; when any public figure or record changes the version
is bumped (see receivers.py), so all entries go stale at once without scanning the cache. Entries also
expire after PUBLIC_CACHE_SECONDS, because "released" depends on today's date.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "public:version"


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return version


def bump_version() -> None:
    """Make every cached public page and API answer stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key was evicted or never set
        cache.set(VERSION_KEY, current_version() + 1, timeout=None)


def cache_key(kind: str, request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"public:{kind}:{current_version()}:{digest}"


def is_anonymous(request) -> bool:
    """Signed-in staff see their own header; only requests without a session share cached pages."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def set_public_headers(response) -> None:
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    patch_vary_headers(response, ["Accept", "Accept-Language"])


def cached_public(view):
    """Serve anonymous GETs of a public page from the cache; store successful renders."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not is_anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        key = cache_key("page", request)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200:
                cache.set(key, response, settings.PUBLIC_CACHE_SECONDS)
        set_public_headers(response)
        return response

    return wrapped
