"""Open data: every public table as CSV and JSON, the grants as a 360Giving package.

Tables are the API's own querysets and serializers, unpaginated, so a file and the API answer the same;
reports are the rows of public/reports.py, which the pages and the API also show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from boxoffice.api.views import CinemaViewSet, RegionViewSet
from films import downloads
from funding import exactjson, market
from funding.api.views import (
    FilmMetricsViewSet,
    FilmViewSet,
    FunderViewSet,
    GrantViewSet,
    OrganisationViewSet,
    ProgrammeViewSet,
)
from funding.exports import grants_package
from funding.selectors import metrics_as_of

from .reports import REPORTS


@dataclass
class Dataset:
    name: str
    title: str
    rows: Callable[[], list[dict]]
    as_of: Callable[[], dict]
    numeric: frozenset[str] = frozenset()  # the CSV columns that hold numbers (the rest is text)


def _table(viewset) -> Callable[[], list[dict]]:
    def rows():
        return json.loads(
            json.dumps(viewset.serializer_class(viewset.queryset.all(), many=True).data, cls=JSONEncoder)
        )

    return rows


def numeric_columns(serializer, prefix: str = "") -> frozenset[str]:
    """The flattened CSV columns a serializer fills with numbers (DRF gives decimals as strings)."""
    names: set[str] = set()
    for name, f in serializer.fields.items():
        if isinstance(f, serializers.BaseSerializer) and hasattr(f, "fields"):
            names |= numeric_columns(f, f"{prefix}{name}.")
        elif isinstance(f, serializers.DecimalField | serializers.IntegerField | serializers.FloatField):
            names.add(f"{prefix}{name}")
    return frozenset(names)


def _viewset_dataset(name, title, viewset) -> Dataset:
    return Dataset(name, title, _table(viewset), _metrics_as_of, numeric_columns(viewset.serializer_class()))


def _metrics_as_of() -> dict:
    return metrics_as_of()


def _report(name) -> tuple[Callable, Callable]:
    return (lambda: REPORTS[name]().rows), (lambda: REPORTS[name]().as_of)


REPORT_NUMERIC = {
    "funded-vs-released": frozenset({"year", "films_funded", "awarded", "films_released", "released_share",
                                     "gross", "return_on_funding"}),
    "funding-by-year": frozenset({"year", "grants", "awarded"}),
    "box-office-by-year": frozenset({"year", "films", "admissions", "gross", "domestic_gross", "foreign_gross",
                                     "domestic_share"}),
}

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        _viewset_dataset("films", _("Films, with release state and figures"), FilmViewSet),
        _viewset_dataset("film-metrics", _("Per-film figures"), FilmMetricsViewSet),
        _viewset_dataset("grants", _("Published grants"), GrantViewSet),
        _viewset_dataset("funders", _("Funders"), FunderViewSet),
        _viewset_dataset("programmes", _("Programmes"), ProgrammeViewSet),
        _viewset_dataset("organisations", _("Organisations and what they received"), OrganisationViewSet),
        _viewset_dataset("cinemas", _("Cinemas with box office"), CinemaViewSet),
        _viewset_dataset("regions", _("Regions with box office"), RegionViewSet),
        *[
            Dataset(name, title, *_report(name), numeric=REPORT_NUMERIC[name])
            for name, title in [
                ("funded-vs-released", _("Funded vs released, by cohort year")),
                ("funding-by-year", _("Funding by award year")),
                ("box-office-by-year", _("Box office by year, domestic vs foreign")),
            ]
        ],
        Dataset("market", _("Market by year: genre, language, country, region, format, domestic, state support"),
                market.every_market, market.as_of,
                numeric=frozenset({"year", "films", "gross", "admissions", "share", "gross_from_reports"})),
        Dataset("chart-weekly", _("Weekly box-office charts"), market.every_weekly_chart, market.as_of,
                numeric=frozenset(set(market.CHART_COLUMNS) - {"film_code", "title", "domestic"})),
    ]
}


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def envelope(dataset: Dataset, rows: list[dict]) -> dict:
    """The JSON file: the rows with their source, licence and "as of"."""
    return {
        "dataset": dataset.name,
        "title": str(dataset.title),
        "licence": settings.OPEN_DATA_LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "as_of": {k: _iso(v) for k, v in dataset.as_of().items()},
        "generated_at": timezone.now().isoformat(),
        "rows": rows,
    }


def flatten(row: dict, prefix: str = "") -> dict:
    """Nested objects become `parent.child` columns, lists of scalars `a|b`, lists of objects JSON text."""
    out = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            scalar = all(not isinstance(v, (dict, list)) for v in value)
            out[name] = "|".join(str(v) for v in value) if scalar else json.dumps(value, ensure_ascii=False)
        else:
            out[name] = "" if value is None else value
    return out


def as_csv(rows: list[dict], numeric: frozenset[str] = frozenset()) -> str:
    """Through the one download writer (films/downloads.py): text that a spreadsheet would run is defused."""
    flat = [flatten(r) for r in rows]
    columns: list[str] = []
    seen: set[str] = set()
    for r in flat:
        for c in r:
            if c not in seen:
                seen.add(c)
                columns.append(c)
    return downloads.dicts_csv_text(flat, columns, numeric=numeric)


def as_json(dataset: Dataset, rows: list[dict]) -> str:
    return json.dumps(envelope(dataset, rows), ensure_ascii=False, indent=1, cls=JSONEncoder)


def grants_360() -> str:
    """The export_grants package, with the licence in 360Giving's own `license` field; exact decimals."""
    package = grants_package()
    package["license"] = settings.OPEN_DATA_LICENCE_URL
    return exactjson.dumps(package, indent=1)
