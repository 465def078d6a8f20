"""No filter is ever ignored: a query parameter a public page, file or API answer does not know, or a value
it cannot read, is refused with a 400 that says which and why, instead of answering as if it were absent.

Pages and downloads raise BadQuery; BadQueryMiddleware turns it into the site's 400 page (or a plain-text
400 for a file). The API refuses through StrictFilterBackend, as DRF answers any other bad request.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# BadQuery, unknown_parameters and validated live with the FilterSets at the bottom of the apps
# (films/filtersets.py), so that the staff workspace refuses a parameter the same way without knowing the
# public site; they are named here for the public pages and the middleware.
from films.filtersets import PAGE_PARAMS, BadQuery, unknown_parameters, validated  # noqa: F401

# What DRF itself reads: pagination and the format suffix of the browsable API.
API_PARAMS = frozenset({"limit", "offset", "format"})


def check_parameters(request, known) -> None:
    errors = unknown_parameters(request.GET, known)
    if errors:
        raise BadQuery(errors)


class BadQueryMiddleware:
    """The 400 answer to BadQuery: the page in the site's frame listing what to correct, or plain text for
    a download (a program reading a CSV or JSON file wants the message, not HTML)."""

    FILE_SUFFIXES = (".csv", ".json", ".zip", ".xlsx")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BadQuery):
            return None
        if request.path.endswith(self.FILE_SUFFIXES):
            text = "\n".join([_("This download cannot be made as asked:"), *exception.lines()]) + "\n"
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        response = render(request, "400.html", {"errors": exception.errors, "clear_url": request.path},
                          status=400)
        response["Cache-Control"] = "no-store"
        return response


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which already answers 400 to a value it cannot read, also refusing a
    parameter no filter of the endpoint reads (`?fundr=…` would otherwise list everything)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(API_PARAMS)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        errors = unknown_parameters(request.query_params, known)
        if errors:
            raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)


def sort_key(request, keys, default: str) -> str:
    """The `?sort=` of a table that no FilterSet orders: one of `keys`, or `-key` for descending; anything
    else is a BadQuery naming the keys the table sorts by."""
    value = request.GET.get("sort", "") or default
    if value.removeprefix("-") not in keys:
        raise BadQuery({"sort": [_("This table cannot be sorted by “%(value)s”. Sort keys: %(keys)s.")
                                 % {"value": value, "keys": ", ".join(sorted(keys))}]})
    return value


def sort_queryset(request, queryset, keys: dict[str, str | tuple[str, ...]], default: str):
    """Order a queryset by `?sort=`; each key maps to its fields (a tie-break last keeps pages stable)."""
    value = sort_key(request, keys, default)
    fields = keys[value.removeprefix("-")]
    fields = (fields,) if isinstance(fields, str) else fields
    if value.startswith("-"):
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    return queryset.order_by(*fields)


def sort_rows(request, rows: list, keys: dict, default: str) -> list:
    """Order a list by `?sort=`; each key maps to a function of a row. None sorts last either way."""
    value = sort_key(request, keys, default)
    get = keys[value.removeprefix("-")]
    present = [r for r in rows if get(r) is not None]
    missing = [r for r in rows if get(r) is None]
    return sorted(present, key=get, reverse=value.startswith("-")) + missing
