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

# Parameters every public page or file may carry besides its filters.
PAGE_PARAMS = frozenset({"page"})
# What DRF itself reads: pagination and the format suffix of the browsable API.
API_PARAMS = frozenset({"limit", "offset", "format"})


class BadQuery(Exception):
    """A query the page cannot answer as asked: {parameter: [messages]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}

    def lines(self) -> list[str]:
        return [f"{name}: {message}" for name, messages in self.errors.items() for message in messages]


def unknown_parameters(query, known) -> dict[str, list[str]]:
    """Every parameter name the page does not read, with a message naming the ones it does."""
    known = sorted(set(known))
    return {
        name: [_("This page has no filter “%(name)s”. It reads: %(known)s.")
               % {"name": name, "known": ", ".join(known) or "—"}]
        for name in query if name not in known
    }


def check_parameters(request, known) -> None:
    errors = unknown_parameters(request.GET, known)
    if errors:
        raise BadQuery(errors)


def validated(filterset, *, extra=PAGE_PARAMS):
    """The filterset, once every parameter is one of its filters (or `extra`) and every value is valid."""
    errors = unknown_parameters(filterset.data, [*filterset.filters, *extra])
    if not filterset.is_valid():
        for name, messages in filterset.errors.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise BadQuery(errors)
    return filterset


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
