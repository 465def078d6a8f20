"""Request bounds every door shares: header size, NUL in query parameters, upload size, private caching.

Each answers with words a person (or a ticketing system's log) can act on, never a 500.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
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
