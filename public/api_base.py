"""What every public read-only endpoint shares: pagination, anonymous throttling, caching and its headers."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from films.filtersets import MAX_ID

from .caching import cached_answer, is_anonymous, set_public_headers


def strict_int(request, name: str) -> int | None:
    """A query parameter that must be a whole number ≥ 0 when given: a typo answers 400, not a silent
    default (clients would otherwise page through the wrong rows without knowing)."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not values[0].isdigit() or int(values[0]) > MAX_ID:
        raise ValidationError({name: f"must be given once, as a whole number from 0 to {MAX_ID}"})
    return int(values[0])


class PublicPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500

    def get_limit(self, request):
        limit = strict_int(request, self.limit_query_param)
        if not limit:
            return self.default_limit
        return min(limit, self.max_limit)

    def get_offset(self, request):
        return strict_int(request, self.offset_query_param) or 0

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            p["schema"].update(minimum=0, maximum=MAX_ID)
        return params


class CachedReadMixin:
    """Serve list and detail answers from the cache to anonymous callers: JSON as the rendered bytes (the
    render costs more than the rest of a cached answer), other formats (the browsable API) as the data.
    Throttling still runs first, in DRF's initial(), so the cache does not bypass it."""

    def cached(self, request, compute, film_code: str | None = None):
        if not is_anonymous(request):
            return Response(compute())
        renderer = request.accepted_renderer
        as_bytes = renderer.format == "json"
        key, hit = cached_answer("api", request, film_code, f":{renderer.format if as_bytes else 'data'}")
        if hit is not None:
            return HttpResponse(hit, content_type=renderer.media_type) if as_bytes else Response(hit)
        data = compute()
        if as_bytes:
            content = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
            cache.set(key, content, settings.PUBLIC_CACHE_SECONDS)
            return HttpResponse(content, content_type=renderer.media_type)
        cache.set(key, data, settings.PUBLIC_CACHE_SECONDS)
        return Response(data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and is_anonymous(request):
            set_public_headers(response)
        return response


class PublicReadOnlyViewSet(CachedReadMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only endpoint of public records: anyone may read, nobody may write."""

    permission_classes = []
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]
    pagination_class = PublicPagination
    # Any key text reaches the view, so a malformed one is a JSON 404 from DRF rather than Django's HTML page.
    lookup_value_regex = r"[^/]+"
    # True where one record's answer shows one film alone (its key is the film's code): recomputing other
    # films' metrics then leaves it cached (public/caching.py).
    film_scoped = False

    def list(self, request, *args, **kwargs):
        return self.cached(
            request, lambda: super(PublicReadOnlyViewSet, self).list(request, *args, **kwargs).data
        )

    def retrieve(self, request, *args, **kwargs):
        film_code = kwargs[self.lookup_url_kwarg or self.lookup_field] if self.film_scoped else None
        return self.cached(
            request, lambda: super(PublicReadOnlyViewSet, self).retrieve(request, *args, **kwargs).data,
            film_code,
        )


def document_public_errors(result, generator, request, public):
    """drf-spectacular post-processing: every public GET may also answer 400 (a filter value that does not
    parse), 404 (no such record) and 429 (anonymous throttling); say so, so clients and schemathesis know."""
    error = {
        "description": "",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}},
                    "additionalProperties": True,
                }
            }
        },
    }
    texts = {
        "400": "Invalid filter or pagination value",
        "404": "Not found",
        "429": "Too many requests from this address; retry after the Retry-After header's seconds",
    }
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        get = operations.get("get")
        if get is None:
            continue
        for param in get.get("parameters", []):
            schema = param.get("schema", {})
            if schema.get("type") == "string" and "enum" not in schema:
                # Django's forms refuse NUL characters in text; the schema says so.
                schema.setdefault("pattern", "^[^\\u0000]*$")
        for status, text in texts.items():
            get["responses"].setdefault(status, {**error, "description": text})
    return result
