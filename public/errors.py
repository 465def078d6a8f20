"""Error pages in the site's frame and the visitor's language, each saying what to do next."""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _page(request, status: int, title: str):
    response = render(request, f"{status}.html", {"error_title": title, "error_code": status}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    return _page(request, 400, _("This page cannot be shown as asked"))


def permission_denied(request, exception=None):
    return _page(request, 403, _("You may not see this page"))


def page_not_found(request, exception=None):
    return _page(request, 404, _("Page not found"))


def server_error(request):
    """The full page when it can still be drawn; if drawing it fails too (the database may be what broke),
    a plain page that needs nothing but the translations."""
    try:
        return _page(request, 500, _("Something went wrong"))
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        logger.exception("the 500 page could not be rendered")
        text = "<!doctype html><title>{0}</title><h1>{0}</h1><p>{1}</p><p><a href=\"/\">{2}</a></p>".format(
            _("Something went wrong"),
            _("Something went wrong on our side and the page could not be made. Try again in a few minutes."),
            _("Go to the home page"),
        )
        return HttpResponseServerError(text, content_type="text/html; charset=utf-8")



