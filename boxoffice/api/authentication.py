"""A cinema's API token: `Authorization: Token <key>` (or Bearer); the request acts for that cinema only."""

from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

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
    """REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['sales'], per cinema token (per address without one)."""

    scope = "sales"

    def get_cache_key(self, request, view):
        ident = (
            f"token-{request.auth.pk}"
            if isinstance(request.auth, CinemaApiToken)
            else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}
