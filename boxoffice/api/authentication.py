"""A cinema's API token: `Authorization: Token <key>` (or Bearer); the request acts for that cinema only."""

import threading

from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from films.cache_backends import failures_of

from ..models import CinemaApiToken
from ..tokens import token_for_key


class CinemaTokenAuthentication(BaseAuthentication):
    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Give the token after 'Token ', with no spaces in it.")
        token = token_for_key(parts[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed("Unknown or revoked API token; ask the ministry for a new one.")
        return AnonymousUser(), token

    def authenticate_header(self, request):
        return "Token"


class HasCinemaToken(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, CinemaApiToken)


class SalesThrottle(SimpleRateThrottle):
    """REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['sales'], per cinema token (per address without one).

    The counts live in the shared cache. When it does not answer, DRF's throttle would read an empty history
    and let every request through; this one then counts in the process instead, so the limit still holds
    (per process: with N web processes a cinema gets at most N times the rate while Redis is away).
    """

    scope = "sales"
    _local: dict[str, list[float]] = {}
    _local_lock = threading.Lock()

    def allow_request(self, request, view):
        failures = failures_of(self.cache)
        allowed = super().allow_request(request, view)
        if failures_of(self.cache) == failures:
            return allowed
        return self._allow_in_process()

    def _allow_in_process(self) -> bool:
        with self._local_lock:
            cutoff = self.now - self.duration
            for key in [k for k, times in self._local.items() if not times or times[0] <= cutoff]:
                if key != self.key:
                    del self._local[key]
            history = [t for t in self._local.get(self.key, []) if t > cutoff]
            allowed = len(history) < self.num_requests
            if allowed:
                history.insert(0, self.now)
            self._local[self.key] = self.history = history
            return allowed

    def get_cache_key(self, request, view):
        ident = (
            f"token-{request.auth.pk}"
            if isinstance(request.auth, CinemaApiToken)
            else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}
