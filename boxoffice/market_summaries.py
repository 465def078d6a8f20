"""The market view's own summaries, what the day-level rows cannot give by adding up: the distinct screens that
showed a film in a day, an ISO week or a year (nationally and per region), and its ticket figures by screening
format per year. Both come from the rows `selectors.market_screen_day_rows` says count, and are rebuilt with
FilmDay (combining.rebuild_film_days) for the touched films, in the database, so a chart or market request
reads a few rows per film instead of a year of film × screen × day rows.
"""
from __future__ import annotations

import logging
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Sum, Value
from django.db.models.functions import Cast, ExtractYear, TruncWeek, TruncYear

from .bulkcopy import insert_select
from .choices import ChartPeriod
from .models import FilmPeriodScreens, FilmYearFormat
from .selectors import market_screen_day_rows

log = logging.getLogger(__name__)

PERIOD_START = {ChartPeriod.DAY: F("day"), ChartPeriod.WEEK: TruncWeek("day"), ChartPeriod.YEAR: TruncYear("day")}
# Each summary's columns and the names its queryset gives them.
SCREEN_COLUMNS = {"film_id": "f", "period": "p", "start": "s", "region_id": "r", "screens": "n"}
FORMAT_COLUMNS = {"film_id": "f", "year": "y", "screening_format": "fmt", "admissions": "a", "gross": "g"}


def _screens(rows, period: str, by_region: bool):
    """The distinct screens per film and period starting day, nationally (region empty) or per region."""
    # a typed NULL: PostgreSQL would take a bare parameter for text
    region = F("screen__cinema__region_id") if by_region else Cast(Value(None), BigIntegerField())
    rows = rows.annotate(f=F("film_id"), p=Value(period), s=PERIOD_START[period], r=region)
    if by_region:
        rows = rows.filter(screen__cinema__region__isnull=False)
    return rows.values("f", "p", "s", "r").order_by().annotate(n=Count("screen_id", distinct=True))


def _formats(rows):
    return (rows.annotate(f=F("film_id"), y=ExtractYear("day"), fmt=F("screening_format"))
            .values("f", "y", "fmt").order_by().annotate(a=Sum("admissions"), g=Sum("gross")))


def market_summaries_of(film_ids=None) -> tuple:
    """The querysets that make the summaries: ([screens per period and place, ...], formats per year)."""
    rows = market_screen_day_rows(film_ids=film_ids)
    return ([_screens(rows, period, by_region) for period in ChartPeriod.values for by_region in (False, True)],
            _formats(rows))


def rebuild_market_summaries(film_ids) -> int:
    """Replace these films' summaries with what their screen-day rows say now (FilmDay rebuilt first: it says
    which days a report speaks for); returns the rows written."""
    film_ids = sorted(set(film_ids))
    FilmPeriodScreens.objects.filter(film_id__in=film_ids).delete()
    FilmYearFormat.objects.filter(film_id__in=film_ids).delete()
    if not film_ids:
        return 0
    screens, formats = market_summaries_of(film_ids)
    written = sum(insert_select(FilmPeriodScreens, qs, SCREEN_COLUMNS) for qs in screens)
    return written + insert_select(FilmYearFormat, formats, FORMAT_COLUMNS)


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def verify_market_summaries(*, repair: bool = True) -> set[int]:
    """The nightly check: rebuild every film's summaries from the screen-day rows in memory and compare them
    with the stored ones; the films that disagree are logged (and rebuilt). Returns those films."""
    screens, formats = market_summaries_of()
    want = ({("screens", r["f"], r["p"], r["s"], r["r"], r["n"]) for qs in screens for r in qs}
            | {("format", r["f"], r["y"], r["fmt"], r["a"], _cents(r["g"])) for r in formats})
    have = ({("screens", *v) for v in FilmPeriodScreens.objects.values_list(
                "film_id", "period", "start", "region_id", "screens")}
            | {("format", f, y, fmt, a, _cents(g)) for f, y, fmt, a, g in FilmYearFormat.objects.values_list(
                "film_id", "year", "screening_format", "admissions", "gross")})
    films = {row[1] for row in want ^ have}
    if films:
        log.warning("market summaries of %s film(s) disagreed with their screen-day rows%s: %s", len(films),
                    "; rebuilt" if repair else "", sorted(films)[:20])
        if repair:
            rebuild_market_summaries(films)
    return films
