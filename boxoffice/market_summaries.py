"""The market view's own summaries, what the day-level rows cannot give by adding up: the distinct screens that
showed a film in a day, an ISO week or a year (nationally and per region), and its ticket figures by screening
format per year. Rebuilt with FilmDay (combining.rebuild_film_days) for the touched films, so a chart or market
request reads a few rows per film instead of a year of film × screen × day rows.

Which screen-day rows count: the ticket feed's film × screen × day × format rows, except on a day a report
speaks for the country, or for the screen's region, there (FilmDay holds a report part for that film, day and
place); what they cannot split the market shows as unknown.

Worked out here, a film at a time, from its screen-day rows (one index range each) and the few places and
days its reports speak for: the same statement in SQL (an anti-join, or LEFT JOINs, on FilmDay) left
PostgreSQL's planner guessing at how many rows survive, and a wrong guess nested loops over a year of rows
(two minutes for 110 films on the load bench; this takes seconds, and the same on both databases).
"""
from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear

from .bulkcopy import insert_tuples
from .choices import ChartPeriod
from .models import FilmDay, FilmPeriodScreens, FilmYearFormat, MarketSummaryInputs, ScreenDaySales

log = logging.getLogger(__name__)

SCREEN_COLUMNS = ["film_id", "period", "start", "region_id", "screens"]
FORMAT_COLUMNS = ["film_id", "year", "screening_format", "admissions", "gross"]
CENT = Decimal("0.01")


def period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the day, ISO week (Monday) or calendar year that holds `day` (metrics.md's periods; the
    chart's period_bounds starts from here too)."""
    if period == ChartPeriod.DAY:
        return day
    if period == ChartPeriod.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if period == ChartPeriod.YEAR:
        return day.replace(month=1, day=1)
    raise ValueError(f"period must be one of {', '.join(ChartPeriod.values)}")


def period_starts(day: datetime.date) -> tuple[tuple[str, datetime.date], ...]:
    return tuple((period, period_start(period, day)) for period in ChartPeriod.values)


def _spoken(film_ids, lo=None, hi=None) -> set[tuple]:
    """(film id, day, region id or None) where a report speaks."""
    rows = FilmDay.objects.exclude(report_gross=0)
    if film_ids is not None:
        rows = rows.filter(film_id__in=film_ids)
    if lo is not None:
        rows = rows.filter(day__gte=lo, day__lte=hi)
    return set(rows.values_list("film_id", "day", "region_id"))


def _summarise(film_id, film_rows, spoken) -> tuple[list, list]:
    """One film's summary rows (SCREEN_COLUMNS, FORMAT_COLUMNS order) from its screen-day rows."""
    # Screens by day and place first (two set additions a row); weeks and years are unions of those.
    by_day: dict[tuple, set] = defaultdict(set)
    formats: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for day, screen_id, region_id, fmt, admissions, gross in film_rows:
        if (film_id, day, None) in spoken or (region_id is not None and (film_id, day, region_id) in spoken):
            continue
        by_day[(day, None)].add(screen_id)
        if region_id is not None:
            by_day[(day, region_id)].add(screen_id)
        cell = formats[(day.year, fmt)]
        cell[0] += admissions
        cell[1] += gross
    screens: dict[tuple, set] = defaultdict(set)
    for (day, region_id), ids in by_day.items():
        for period, start in period_starts(day):
            screens[(period, start, region_id)].update(ids)
    return ([(film_id, p, s, r, len(ids)) for (p, s, r), ids in screens.items()],
            [(film_id, y, fmt, a, Decimal(g).quantize(CENT)) for (y, fmt), (a, g) in formats.items()])


ROW_FIELDS = ("day", "screen_id", "screen__cinema__region_id", "screening_format", "admissions", "gross")


def summaries_of(film_ids=None):
    """Each film's summary rows, as (screens rows, format rows), one film at a time (every film with
    screen-day rows when film_ids is None)."""
    spoken = _spoken(film_ids)
    rows = ScreenDaySales.objects.all()
    if film_ids is not None:
        rows = rows.filter(film_id__in=film_ids)
    rows = rows.order_by("film_id").values_list("film_id", *ROW_FIELDS).iterator(chunk_size=5000)
    for film_id, film_rows in groupby(rows, key=lambda r: r[0]):
        yield _summarise(film_id, (r[1:] for r in film_rows), spoken)


# --- Rebuilding only the years whose inputs changed ---------------------------------------------------------
# A sales batch touches a few days of its films; their whole history need not be read again. Each film × year's
# inputs (its screen-day rows and the days its reports speak for) are summed into a fingerprint, in the
# database; only the years whose fingerprint moved are worked out again (the nightly check compares everything).

def _fingerprints(film_ids) -> dict[tuple, str]:
    day_number = ExtractMonth("day") * 32 + ExtractDay("day")
    out: dict[tuple, list] = defaultdict(lambda: ["-", "-"])
    for r in (ScreenDaySales.objects.filter(film_id__in=film_ids).annotate(y=ExtractYear("day"))
              .values("film_id", "y").order_by()
              .annotate(n=Count("id"), a=Sum("admissions"), g=Sum("gross"), c=Sum("sales_count"),
                        sc=Sum("screen_id"), d=Sum(day_number),
                        # a cinema moved to another region moves its screens' rows in the regional counts
                        rg=Sum(Coalesce("screen__cinema__region_id", 0)))):
        gross = Decimal(r["g"]).quantize(CENT)
        out[(r["film_id"], int(r["y"]))][0] = f"{r['n']}:{r['a']}:{gross}:{r['c']}:{r['sc']}:{r['d']}:{r['rg']}"
    for r in (FilmDay.objects.filter(film_id__in=film_ids).exclude(report_gross=0).annotate(y=ExtractYear("day"))
              .values("film_id", "y").order_by()
              .annotate(n=Count("id"), g=Sum("report_gross"), rg=Sum(Coalesce("region_id", 0)), d=Sum(day_number))):
        out[(r["film_id"], int(r["y"]))][1] = f"{r['n']}:{Decimal(r['g']).quantize(CENT)}:{r['rg']}:{r['d']}"
    return {k: "|".join(v) for k, v in out.items() if v[0] != "-"}  # a year without screen-day rows has none


def _window(year: int) -> tuple[datetime.date, datetime.date, datetime.date]:
    """(first day read, last period start kept, last day read) to rebuild one year: the weeks that start in it
    or end in it (an ISO week can start in late December of the year before)."""
    first = datetime.date(year, 1, 1) - datetime.timedelta(days=6)
    return first, datetime.date(year, 12, 31), datetime.date(year, 12, 31) + datetime.timedelta(days=6)


def rebuild_market_summaries(film_ids, *, every_year: bool = False) -> int:
    """Bring these films' summaries in line with their screen-day rows (FilmDay rebuilt first: it says which days
    a report speaks for), year by year where the inputs changed (`every_year`: all of them, as a repair must);
    returns the rows written."""
    film_ids = sorted(set(film_ids))
    if not film_ids:
        return 0
    if every_year:
        MarketSummaryInputs.objects.filter(film_id__in=film_ids).delete()
    now = _fingerprints(film_ids)
    stored = dict(((f, y), fp) for f, y, fp in MarketSummaryInputs.objects.filter(film_id__in=film_ids)
                  .values_list("film_id", "year", "fingerprint"))
    stale = sorted(k for k in now.keys() | stored.keys() if now.get(k) != stored.get(k))
    if not stale:
        return 0
    screens: dict[tuple, tuple] = {}
    formats: list[tuple] = []
    for film_id, year in stale:
        first, last_start, last = _window(year)
        kept = Q(film_id=film_id) & (Q(period__in=[ChartPeriod.DAY, ChartPeriod.WEEK], start__gte=first,
                                       start__lte=last_start) | Q(period=ChartPeriod.YEAR, start__year=year))
        FilmPeriodScreens.objects.filter(kept).delete()
        FilmYearFormat.objects.filter(film_id=film_id, year=year).delete()
        MarketSummaryInputs.objects.filter(film_id=film_id, year=year).delete()
        # Read even when the year has no rows any more: its window's late-December days belong to the year before.
        rows = (ScreenDaySales.objects.filter(film_id=film_id, day__gte=first, day__lte=last)
                .values_list(*ROW_FIELDS).iterator(chunk_size=5000))
        film_screens, film_formats = _summarise(film_id, rows, _spoken([film_id], first, last))
        for row in film_screens:
            period, start = row[1], row[2]
            if (start.year == year) if period == ChartPeriod.YEAR else (first <= start <= last_start):
                screens[row[:4]] = row  # keyed: two stale years' windows share late December's days and weeks
        formats += [r for r in film_formats if r[1] == year]
    insert_tuples(FilmPeriodScreens, SCREEN_COLUMNS, list(screens.values()))
    insert_tuples(FilmYearFormat, FORMAT_COLUMNS, formats)
    insert_tuples(MarketSummaryInputs, ["film_id", "year", "fingerprint"],
                  [(f, y, now[(f, y)]) for f, y in stale if (f, y) in now])
    return len(screens) + len(formats)


def verify_market_summaries(*, repair: bool = True) -> set[int]:
    """The nightly check: work every film's summaries out again and compare them with the stored ones; the
    films that disagree are logged (and rebuilt). Returns those films."""
    want = set()
    for film_screens, film_formats in summaries_of():
        want.update(("screens", *r) for r in film_screens)
        want.update(("format", *r) for r in film_formats)
    have = ({("screens", *v) for v in FilmPeriodScreens.objects.values_list(*SCREEN_COLUMNS)}
            | {("format", f, y, fmt, a, Decimal(g).quantize(CENT))
               for f, y, fmt, a, g in FilmYearFormat.objects.values_list(*FORMAT_COLUMNS)})
    films = {row[1] for row in want ^ have}
    if films:
        log.warning("market summaries of %s film(s) disagreed with their screen-day rows%s: %s", len(films),
                    "; rebuilt" if repair else "", sorted(films)[:20])
        if repair:
            rebuild_market_summaries(films, every_year=True)
    return films
