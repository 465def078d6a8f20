"""The chart and market breakdown (funding/market.py) as the API, the open-data files and the pages give them:
one parser for the query parameters (an unknown value answers 400, never a silent default) and one JSON
shape, so a page's table, its chart and the API show the same figures."""

from __future__ import annotations

import csv
import datetime
import re

from django.core.exceptions import BadRequest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from films.filtersets import MAX_ID
from films.reference_data import REGIONS_CSV
from funding import market
from funding.market import CHART_COLUMNS, DIMENSIONS, MARKET_COLUMNS, PERIODS  # noqa: F401 - re-exported

from .caching import shared
from .reports import money


def _region_codes() -> list[str]:
    """The region codes the schema offers: those the regions migration loads."""
    with REGIONS_CSV.open(encoding="utf-8-sig") as f:
        return [row["code"] for row in csv.DictReader(f)]


REGION_CODES = _region_codes()
_DIGITS = re.compile(r"[0-9]{1,19}")  # str.isdigit() would let "²" through to int()


def _fail(api: bool, name: str, message: str):
    if api:
        raise ValidationError({name: message})
    raise BadRequest(f"{name}: {message}")


def _one(params, name: str, api: bool) -> str | None:
    values = params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        _fail(api, name, "must be given once")
    return values[0]


def parse_date(text: str | None, api: bool) -> datetime.date:
    if text is None or text == "":
        return shared("latest-day", compute=market.latest_day) or timezone.localdate()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        _fail(api, "date", "must be a date as YYYY-MM-DD")


def chart_params(params, *, api: bool, period: str | None = None):
    """(period, date, limit, region) from a query string."""
    if period is None:
        period = _one(params, "period", api)
        if period not in PERIODS:
            _fail(api, "period", f"must be one of {', '.join(PERIODS)}")
    day = parse_date(_one(params, "date", api), api)
    limit = _one(params, "limit", api)
    if limit is not None:
        if not _DIGITS.fullmatch(limit) or not 1 <= int(limit) <= MAX_ID:
            _fail(api, "limit", f"must be a whole number from 1 to {MAX_ID}")
        limit = int(limit)
    region = _one(params, "region", api) or None
    if region is not None and not _region_known(region):
        _fail(api, "region", "must be a region code such as KZ-75")
    return period, day, limit, region


def _region_known(code: str) -> bool:
    """market.region_exists, from the region codes read once per change of the registers (not a query per answer,
    cached or not)."""
    if not code or len(code) > 8 or not code.isprintable():  # and never a NUL byte to the database
        return False
    from films.models import Region

    return code in shared("region-codes", compute=lambda: set(Region.objects.values_list("code", flat=True)))


def market_params(params, *, api: bool):
    """(by, year) from a query string; `by` defaults to genre on pages only."""
    by = _one(params, "by", api)
    if by is None and not api:
        by = "genre"
    if by not in DIMENSIONS:
        _fail(api, "by", f"must be one of {', '.join(DIMENSIONS)}")
    year = _one(params, "year", api)
    if year is None or year == "":
        known = shared("years", compute=market.years)
        return by, (known[-1] if known else timezone.localdate().year)
    if not _DIGITS.fullmatch(year) or not 1 <= int(year) <= 9999:
        _fail(api, "year", "must be a calendar year such as 2024")
    return by, int(year)


# What the pages and the API read through these share each result under the figures' versions
# (public.caching.shared): a chart is computed once per period, not once per date in it (every day of a year
# shows the same year's chart), and a dimension's trend once for all its years' pages. The CLI and the open-data
# files call funding/market.py directly. Same functions, same figures.

def as_of() -> dict:
    return shared("as-of", compute=market.as_of)


def shared_chart(period, day, limit=None, region=None) -> market.Chart:
    start, _ = market.period_bounds(period, day)
    return shared("chart", period, start, limit, region, compute=lambda: market.chart(period, start, limit,
                                                                                       region=region))


def shared_trend(by) -> dict:
    return shared("trend", by, compute=lambda: market.trend(by))


def _as_of() -> dict:
    return {k: v.isoformat() if v else None for k, v in as_of().items()}


def _span(span) -> dict | None:
    return {"start": span[0].isoformat(), "end": span[1].isoformat()} if span else None


def chart_json(period, day, limit=None, region=None, *, chart=None) -> dict:
    chart = chart or shared_chart(period, day, limit, region)
    return {
        "as_of": _as_of(),
        "period": period,
        "start": chart.start.isoformat(),
        "end": chart.end.isoformat(),
        "region": region,
        "previous": _span(chart.previous),
        "next": _span(chart.next),
        "films": chart.films,
        "total_gross": money(chart.total_gross),
        "total_admissions": chart.total_admissions,
        "rows": chart.as_json(),
    }


def market_json(by, year) -> dict:
    trend = shared_trend(by)
    result = trend["markets"].get(year) or shared("market", by, year, compute=lambda: market.market(by, year))
    return {
        "as_of": _as_of(),
        "by": by,
        "year": year,
        "total_gross": money(result.total_gross),
        "total_admissions": result.total_admissions,
        "rows": result.as_json(),
        "trend": {
            "years": trend["years"],
            "values": trend["values"],
            "rows": [{"year": r["year"], "value": r["value"], "gross": money(r["gross"]),
                      "share": None if r["share"] is None else float(r["share"])} for r in trend["rows"]],
        },
    }


class _AsOf(serializers.Serializer):
    last_sale_at = serializers.DateTimeField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class _Span(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ChartRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    film_code = serializers.CharField()
    title = serializers.CharField()
    gross = serializers.CharField()
    share = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    admissions = serializers.IntegerField()
    screenings = serializers.IntegerField()
    screens = serializers.IntegerField()
    cumulative_gross = serializers.CharField()
    days_on_release = serializers.IntegerField()
    domestic = serializers.BooleanField()
    gross_from_reports = serializers.CharField(help_text="The part of gross from box-office reports spread over "
                                                         "their days (the rest is from ticket sales)")


class ChartSerializer(serializers.Serializer):
    as_of = _AsOf()
    period = serializers.ChoiceField(choices=PERIODS)
    start = serializers.DateField()
    end = serializers.DateField()
    region = serializers.CharField(allow_null=True)
    previous = _Span(allow_null=True)
    next = _Span(allow_null=True)
    films = serializers.IntegerField()
    total_gross = serializers.CharField()
    total_admissions = serializers.IntegerField()
    rows = ChartRowSerializer(many=True)


class MarketRowSerializer(serializers.Serializer):
    value = serializers.CharField()
    films = serializers.IntegerField()
    gross = serializers.CharField()
    admissions = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    gross_from_reports = serializers.CharField()


class _TrendRow(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.CharField()
    gross = serializers.CharField()
    share = serializers.FloatField(allow_null=True)


class _Trend(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    values = serializers.ListField(child=serializers.CharField())
    rows = _TrendRow(many=True)


class MarketSerializer(serializers.Serializer):
    as_of = _AsOf()
    by = serializers.ChoiceField(choices=DIMENSIONS)
    year = serializers.IntegerField()
    total_gross = serializers.CharField()
    total_admissions = serializers.IntegerField()
    rows = MarketRowSerializer(many=True)
    trend = _Trend()


CHART_SCHEMA = ChartSerializer
MARKET_SCHEMA = MarketSerializer


# --- Pages: the same rows, plus what the charts draw (as JSON for static/js/charts.js; no inline script) ------

TILES = {  # a schematic map: (row, column) of each region on a 5 × 7 grid, roughly where it lies
    "KZ-27": (1, 1), "KZ-39": (1, 3), "KZ-59": (1, 4), "KZ-55": (1, 6),
    "KZ-23": (2, 1), "KZ-15": (2, 2), "KZ-11": (2, 4), "KZ-71": (2, 5), "KZ-10": (2, 6), "KZ-63": (2, 7),
    "KZ-47": (3, 1), "KZ-62": (3, 3), "KZ-35": (3, 4), "KZ-33": (3, 6),
    "KZ-43": (4, 3), "KZ-31": (4, 4), "KZ-19": (4, 5), "KZ-75": (4, 6),
    "KZ-61": (5, 3), "KZ-79": (5, 4),
}


def value_label(by: str, value: str, regions: dict | None = None) -> str:
    """A breakdown value in the page's language (codes stay codes; regions by name; `regions`: the Region
    rows by code, when the caller read them once for all its values)."""
    from django.utils.translation import gettext as _

    words = {"unknown": _("unknown"), "domestic": _("domestic"), "foreign": _("foreign"),
             "supported": _("state-supported"), "not supported": _("not state-supported")}
    if value in words:
        return words[value]
    if by == "region":
        if regions is None:
            from films.models import Region

            regions = {r.code: r for r in Region.objects.filter(code=value)}
        region = regions.get(value)
        return region.name if region else value
    return value


def _num(value) -> float:
    return float(value or 0)


def chart_page(period, day, limit=None, region=None) -> dict:
    """What a chart page shows: the API's answer, the ranked bars and the lines over the period (no text in the
    visitor's language: shared by every date of the period and every language)."""
    start, _ = market.period_bounds(period, day)
    return shared("chart-page", period, start, limit, region, compute=lambda: _chart_page(period, start, limit,
                                                                                            region))


def _chart_page(period, day, limit=None, region=None) -> dict:
    chart = shared_chart(period, day, limit, region)
    data = chart_json(period, day, limit, region, chart=chart)
    series = market.chart_series(chart)
    titles = {r["film_code"]: r["title"] for r in chart.rows}
    ranked = {
        "kind": "bar", "money": True, "horizontal": True,
        "labels": [f'{r["rank"]}. {r["title"]}' for r in chart.rows[:10]],
        "datasets": [{"label": "KZT", "data": [_num(r["gross"]) for r in chart.rows[:10]]}],
    }
    lines = {
        "kind": "line", "money": True,
        "labels": [p.isoformat()[:7] if series["by"] == "month" else p.isoformat() for p in series["points"]],
        "datasets": [{"label": titles[f["film_code"]], "data": [_num(g) for g in f["gross"]]}
                     for f in series["films"]],
    }
    return {"data": data, "chart": chart, "series": series, "as_of": as_of(), "titles": titles,
            "ranked": ranked, "lines": lines,
            "top": chart.rows[0] if chart.rows else None,
            "has_reports": any(r["gross_from_reports"] != "0.00" for r in data["rows"])}


def market_page(by, year) -> dict:
    data = market_json(by, year)
    regions = None
    if by == "region":
        from films.models import Region

        regions = {r.code: r for r in Region.objects.all()}
    rows = [dict(r, label=value_label(by, r["value"], regions)) for r in data["rows"]]
    labels = {v: value_label(by, v, regions) for v in data["trend"]["values"]}
    years_ = data["trend"]["years"]
    shares = {(r["year"], r["value"]): r["share"] or 0 for r in data["trend"]["rows"]}
    gross = {(r["year"], r["value"]): r["gross"] for r in data["trend"]["rows"]}
    ranked = {"kind": "bar", "percent": True, "horizontal": True, "labels": [r["label"] for r in rows],
              "datasets": [{"label": str(year), "data": [round((r["share"] or 0) * 100, 2) for r in rows]}]}
    stacked = {"kind": "bar", "percent": True, "stacked": True, "labels": [str(y) for y in years_],
               "datasets": [{"label": labels[v], "data": [round(shares.get((y, v), 0) * 100, 2) for y in years_]}
                            for v in data["trend"]["values"]]}
    trend_table = [{"label": labels[v], "cells": [{"gross": gross.get((y, v)), "share": shares.get((y, v))}
                                                  for y in years_]} for v in data["trend"]["values"]]
    tiles = []
    if by == "region":
        by_code = {r["value"]: r for r in rows}
        top = max((r["share"] or 0 for r in rows), default=0)
        for region in regions.values():
            r = by_code.get(region.code)
            share = (r or {}).get("share") or 0
            row, col = TILES.get(region.code, (6, 1))
            shade = 0 if not share or not top else min(5, 1 + int(share / top * 4.999))
            tiles.append({"code": region.code, "name": region.name, "share": share if r else None,
                          "gross": (r or {}).get("gross"), "row": row, "col": col, "shade": shade})
    return {"data": data, "rows": rows, "ranked": ranked, "as_of": as_of(), "stacked": stacked, "years": years_,
            "trend_table": trend_table, "tiles": tiles, "top": rows[0] if rows else None,
            "has_reports": any(r["gross_from_reports"] != "0.00" for r in rows)}
