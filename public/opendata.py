"""Open data: every public table as CSV and JSON, the grants as a 360Giving package.

Tables are the API's own querysets and serializers, unpaginated, so a file and the API answer the same;
reports are the rows of public/reports.py, which the pages and the API also show.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from films import downloads
from funding import exactjson, market
from funding.exports import grants_package
from funding.selectors import metrics_as_of

from . import flat
from .api_cinemas import CinemaViewSet, RegionViewSet
from .api_registers import (
    FilmMetricsViewSet,
    FunderViewSet,
    OrganisationViewSet,
    ProgrammeViewSet,
)
from .reports import REPORTS


@dataclass
class Dataset:
    name: str
    title: str
    rows: Callable[[], list[dict]]
    as_of: Callable[[], dict]
    numeric: frozenset[str] = frozenset()  # the CSV columns that hold numbers (the rest is text)
    # A flat table's columns, in order, each defined; None for a table in the API's shape (its columns are
    # those of the flattened rows, defined in dictionary.API_COLUMNS).
    columns: list | None = None


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


def _flat_dataset(name, title, rows, columns) -> Dataset:
    numeric = frozenset(c.name for c in columns if c.type in (flat.MONEY, flat.RATIO, flat.INTEGER))
    return Dataset(name, title, rows, _metrics_as_of, numeric, columns)


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
    "delivery": frozenset({"days_overdue", "days_late", "awarded", "disbursed", "repayable", "repaid",
                           "outstanding", "repayment_overdue"}),
    "overdue-recipients": frozenset({"max_days_overdue", "awarded", "disbursed", "repayment_overdue"}),
}

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        _flat_dataset("films", _("Films, with release state and figures (one row per film)"), flat.film_rows,
                      flat.FILM_COLUMNS),
        _viewset_dataset("film-metrics", _("Per-film figures"), FilmMetricsViewSet),
        _flat_dataset("grants", _("Published grants, with what was paid out (one row per grant)"),
                      flat.grant_rows, flat.GRANT_COLUMNS),
        _flat_dataset("disbursements", _("Disbursements and recoveries (one row per payment)"),
                      flat.disbursement_rows, flat.DISBURSEMENT_COLUMNS),
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
                ("delivery", _("Delivery of funded films: overdue, late, paid out, repaid")),
                ("overdue-recipients", _("Recipients with overdue obligations")),
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


def csv_columns(rows: list[dict], columns: list | None = None) -> list[str]:
    if columns is not None:
        return [c.name for c in columns]
    names: list[str] = []
    seen: set[str] = set()
    for r in rows:
        for c in flatten(r):
            if c not in seen:
                seen.add(c)
                names.append(c)
    return names


def _json_booleans(row: dict) -> dict:
    # Open data writes a boolean as JSON does, true/false, in CSV too (the data dictionary says so).
    return {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in row.items()}


def as_csv(rows: list[dict], columns: list | None = None, *, numeric: frozenset[str] = frozenset(),
           bom: bool = False) -> str:
    """Through the one download writer (films/downloads.py): text that a spreadsheet would run is defused. A
    flat table's header is its declared columns, even with no rows. With bom, a UTF-8 byte-order mark first,
    so that spreadsheet programs read Cyrillic and Kazakh letters right."""
    names = csv_columns(rows, columns)
    text = downloads.dicts_csv_text((_json_booleans(flatten(r)) for r in rows), names, numeric=numeric)
    return ("\ufeff" + text) if bom else text


def as_json(dataset: Dataset, rows: list[dict]) -> str:
    return json.dumps(envelope(dataset, rows), ensure_ascii=False, indent=1, cls=JSONEncoder)


def grants_360() -> str:
    """The export_grants package, with the licence in 360Giving's own `license` field; exact decimals."""
    package = grants_package()
    package["license"] = settings.OPEN_DATA_LICENCE_URL
    return exactjson.dumps(package, indent=1)


def as_zip(*, bom: bool = False) -> tuple[bytes, str]:
    """Every dataset as CSV and JSON, the 360Giving package and the data dictionary in one zip, with a
    README giving its "as of" moment (the one of the figures, the same in each JSON file)."""
    import zipfile

    from .dictionary import dictionary_rows

    as_of = {k: _iso(v) for k, v in metrics_as_of().items()}
    stamp = as_of.get("computed_at") or ""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for dataset in DATASETS.values():
            rows = dataset.rows()
            z.writestr(f"{dataset.name}.csv", as_csv(rows, dataset.columns, numeric=dataset.numeric, bom=bom))
            z.writestr(f"{dataset.name}.json", as_json(dataset, rows))
        z.writestr("grants-360giving.json", grants_360())
        z.writestr("data-dictionary.csv", as_csv(dictionary_rows(), bom=bom))
        z.writestr("README.txt", "\n".join([
            "Film funding tracker: open data",
            f"As of: last ticket sale included {as_of.get('last_sale_at') or '-'}; figures computed {stamp or '-'}",
            f"Generated: {timezone.now().isoformat()}",
            f"Licence: {settings.OPEN_DATA_LICENCE} {settings.OPEN_DATA_LICENCE_URL}",
            "Every column is defined in data-dictionary.csv.",
            "",
        ]))
    return buf.getvalue(), stamp
