"""Request bounds every door shares: header size, NUL in query parameters, upload size, private caching.

Each answers with words a person (or a ticketing system's log) can act on, never a 500.
"""

from __future__ import annotations

from dataclasses import asdict

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

from . import limits

# Room for the form's other fields and the multipart boundaries around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def _refusal(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return HttpResponse(f'{{"detail": "{_json_text(message)}"}}', status=status,
                            content_type="application/json")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _json_text(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]


class RequestBoundsMiddleware:
    """Refuse, before any view or form reads them, a request header over MAX_HEADER_BYTES and a query
    parameter holding NUL (which no database text column can take: psycopg refuses it with an error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, value in request.META.items():
            if (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")) and isinstance(value, str) \
                    and len(value) > limits.MAX_HEADER_BYTES:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                return _refusal(request, 400, gettext(
                    "The request header %(name)s is %(size)s bytes long; at most %(limit)s bytes are read."
                ) % {"name": name, "size": f"{len(value):,}", "limit": f"{limits.MAX_HEADER_BYTES:,}"})
        if "\x00" in request.path_info:
            return _refusal(request, 400, gettext("The address contains a NUL character (%00); remove it and try "
                                                  "again."))
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in v for v in values):
                    return _refusal(request, 400, gettext(
                        "The query parameter %(name)s contains a NUL character (%%00); remove it and try again."
                    ) % {"name": name.replace("\x00", "\\0")[:100]})
        return self.get_response(request)


def upload_limit(setting: str):
    """Mark a view that receives files: its uploads may be at most `settings.<setting>` bytes."""

    def mark(view):
        view.max_upload_setting = setting
        return view

    return mark


class _LimitedUploadHandler(FileUploadHandler):
    """First of the upload handlers: passes each chunk on (to memory or the temporary file) only while the
    file is within the limit, so nothing past it is ever stored."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_over_limit = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadLimitMiddleware:
    """Check an upload's size before its body is stored: the declared Content-Length first, then a cap
    while the multipart body streams. Must come before CsrfViewMiddleware, which reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        setting = getattr(view_func, "max_upload_setting", "DEFAULT_MAX_UPLOAD_BYTES")
        limit = getattr(settings, setting)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + MULTIPART_OVERHEAD_BYTES:
            return self._too_large(request, limit, declared)
        request.upload_handlers.insert(0, _LimitedUploadHandler(request, limit))
        request.POST  # noqa: B018 - parse now, under the limit, before CSRF or the view reads it
        if getattr(request, "upload_over_limit", False):
            return self._too_large(request, limit, None)
        return None

    def _too_large(self, request, limit: int, declared: int | None):
        if declared is None:
            message = gettext("The file is over the limit of %(limit)s bytes for this page; nothing was stored. "
                              "Split it into smaller files and send them one by one.") % {"limit": f"{limit:,}"}
        else:
            message = gettext("The upload is %(size)s bytes, over the limit of %(limit)s bytes for this page; "
                              "nothing was stored. Split it into smaller files and send them one by one.") % {
                "size": f"{declared:,}", "limit": f"{limit:,}"}
        if request.path.startswith("/api/"):
            return _refusal(request, 413, message)
        return render(request, "upload_refused.html", {"message": message}, status=413)


class PrivateCacheMiddleware:
    """A response to a signed-in user is never kept by a shared cache; staff pages are not kept at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "public" in response.get("Cache-Control", ""):
                del response["Cache-Control"]
            patch_cache_control(response, private=True)
            if "/staff/" in request.path or "/boxoffice/" in request.path or request.path.startswith("/admin/"):
                patch_cache_control(response, no_store=True)
        return response


# Where a response or request asks for its own policy: django-csp's decorators (config/urls.py's API documentation
# pages) and a nonce a template asked for. Any of them takes django-csp's own way.
_OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
               "_csp_exempt", "_csp_exempt_ro")
_POLICY_TEXTS: dict[str, dict[str, str]] = {}


def _forget_policy(**kwargs):
    _POLICY_TEXTS.clear()


setting_changed.connect(_forget_policy)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the site's policy written out once per process: django-csp builds both
    headers from the settings on every response (0.15 ms, a fifth of what a cached page's answer costs), and
    for every response without a nonce or a view's own policy the text is the same. The others, and any
    configuration with excluded URL prefixes, go through django-csp unchanged."""

    def process_response(self, request, response):
        if (getattr(request, "_csp_nonce", None) is not None
                or any(getattr(response, name, None) is not None for name in _OWN_POLICY)
                or (settings.DEBUG and response.status_code in (404, 500))
                or any((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
                       for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"))):
            return super().process_response(request, response)
        texts = _POLICY_TEXTS.get("site")
        if texts is None:
            parts = asdict(csp.middleware.PolicyParts())
            texts = _POLICY_TEXTS["site"] = {
                header: text for header, text in ((HEADER, build_policy(**parts)),
                                                  (HEADER_REPORT_ONLY, build_policy(**parts, report_only=True)))
                if text}
        for header, text in texts.items():
            if header not in response:
                response[header] = text
        # as django-csp does: a nonce asked for after the header is written is an error, not a silent gap
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
