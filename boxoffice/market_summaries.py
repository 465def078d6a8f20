"""The market view's own summaries: each film's chart row for every day, ISO week and year, nationally and per
region (FilmPeriod: the period's figures, the distinct screens that showed it, the cumulative gross to the
period's end, the first day with figures), and its ticket figures by screening format per year
(FilmYearFormat). Rebuilt with FilmDay (combining.rebuild_film_days) for the touched films, so a chart or
market request reads a row per film instead of a year of day rows or film × screen × day rows.

The figures are FilmDay's, added up: tickets and reports as combined there, so the chart adds up to the films'
totals. Which screen-day rows count for screens and formats: the ticket feed's film × screen × day × format
rows, except on a day a report speaks for the country, or for the screen's region, there (FilmDay holds a
report part for that film, day and place); what they cannot split the market shows as unknown.

Worked out here, a film at a time, from its rows (one index range each): the same statement in SQL (an
anti-join, or LEFT JOINs, on FilmDay) left PostgreSQL's planner guessing at how many rows survive, and a wrong
guess nested loops over a year of rows (two minutes for 110 films on the load bench; this takes seconds, and
the same on both databases).
"""
from __future__ import annotations

import datetime
import logging
from bisect import bisect_right
from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear

from .bulkcopy import insert_tuples
from .choices import ChartPeriod
from .models import FilmDay, FilmPeriod, FilmYearFormat, MarketSummaryInputs, ScreenDaySales

log = logging.getLogger(__name__)

PERIOD_COLUMNS = ["film_id", "period", "start", "region_id", "gross", "admissions", "screenings",
                  "gross_from_reports", "screens", "cumulative_gross", "first_day"]
FORMAT_COLUMNS = ["film_id", "year", "screening_format", "admissions", "gross"]
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


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


def period_end(period: str, start: datetime.date) -> datetime.date:
    """The last day of the period that starts on `start` (the calendar's last week ends where dates end)."""
    if period == ChartPeriod.DAY:
        return start
    if period == ChartPeriod.WEEK:
        return min(start, datetime.date.max - datetime.timedelta(days=6)) + datetime.timedelta(days=6)
    return datetime.date(start.year, 12, 31)


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


SCREEN_FIELDS = ("day", "screen_id", "screen__cinema__region_id", "screening_format", "admissions", "gross")
DAY_FIELDS = ("day", "region_id", "ticket_gross", "ticket_admissions", "ticket_screenings", "report_gross",
              "report_admissions", "report_screenings")


class _Places:
    """A film's first day with figures and its gross before the days being summed, per place (None: the whole
    country), so cumulative figures can start part-way through its history."""

    def __init__(self, film_id, before: datetime.date | None):
        firsts = dict(FilmDay.objects.filter(film_id=film_id).values("region_id").order_by()
                      .annotate(first=Min("day")).values_list("region_id", "first"))
        # rows of no known region count for the whole country only
        self.first: dict = {**firsts, None: min(firsts.values(), default=None)}
        self.gross_before: dict = defaultdict(lambda: ZERO)
        if before is not None:
            for region_id, gross in (FilmDay.objects.filter(film_id=film_id, day__lt=before).values("region_id")
                                     .order_by().annotate(g=Sum(F("ticket_gross") + F("report_gross")))
                                     .values_list("region_id", "g")):
                self.gross_before[None] += gross or ZERO
                if region_id is not None:
                    self.gross_before[region_id] += gross or ZERO


def _summarise(film_id, screen_rows, day_rows, spoken, places: _Places) -> tuple[list, list]:
    """One film's summary rows (PERIOD_COLUMNS, FORMAT_COLUMNS order) from its screen-day rows and FilmDay rows
    of the same days."""
    # Screens by day and place first (two set additions a row); weeks and years are unions of those.
    by_day: dict[tuple, set] = defaultdict(set)
    formats: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for day, screen_id, region_id, fmt, admissions, gross in screen_rows:
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
    # The figures: FilmDay's rows added up per period and place, and each place's gross by day for the totals.
    figures: dict[tuple, list] = {}
    daily: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for day, region_id, t_gross, t_adm, t_scr, r_gross, r_adm, r_scr in day_rows:
        gross = t_gross + r_gross
        for place in (None, region_id) if region_id is not None else (None,):
            daily[place][day] += gross
            for period, start in period_starts(day):
                cell = figures.setdefault((period, start, place), [ZERO, 0, 0, ZERO])
                cell[0] += gross
                cell[1] += t_adm + r_adm
                cell[2] += t_scr + r_scr
                cell[3] += r_gross
    running = {}
    for place, by_date in daily.items():
        days = sorted(by_date)
        totals, total = [], places.gross_before[place]
        for day in days:
            total += by_date[day]
            totals.append(total)
        running[place] = (days, totals)
    period_rows = []
    for (period, start, place), (gross, admissions, screenings, from_reports) in figures.items():
        days, totals = running[place]
        at = bisect_right(days, period_end(period, start))
        cumulative = totals[at - 1] if at else places.gross_before[place]
        period_rows.append((film_id, period, start, place, gross, admissions, screenings, from_reports,
                            len(screens.get((period, start, place), ())), cumulative, places.first[place]))
    return (period_rows,
            [(film_id, y, fmt, a, Decimal(g).quantize(CENT)) for (y, fmt), (a, g) in formats.items()])


def _rows_of(model, fields, film_ids, lo=None, hi=None):
    rows = model.objects.all()
    if film_ids is not None:
        rows = rows.filter(film_id__in=film_ids)
    if lo is not None:
        rows = rows.filter(day__gte=lo, day__lte=hi)
    return rows.order_by("film_id").values_list("film_id", *fields).iterator(chunk_size=5000)


def summaries_of(film_ids=None):
    """Each film's summary rows over its whole history, as (period rows, format rows), one film at a time (every
    film with day rows when film_ids is None)."""
    spoken = _spoken(film_ids)
    screen_rows = groupby(_rows_of(ScreenDaySales, SCREEN_FIELDS, film_ids), key=lambda r: r[0])
    pending = next(screen_rows, None)
    for film_id, film_days in groupby(_rows_of(FilmDay, DAY_FIELDS, film_ids), key=lambda r: r[0]):
        film_screens = []
        while pending is not None and pending[0] <= film_id:  # screen-day rows without day rows count nowhere
            if pending[0] == film_id:
                film_screens = [r[1:] for r in pending[1]]
            pending = next(screen_rows, None)
        yield _summarise(film_id, film_screens, [r[1:] for r in film_days], spoken, _Places(film_id, None))


# --- Rebuilding only the years whose inputs changed ---------------------------------------------------------
# A sales batch touches a few days of its films; their whole history need not be read again. Each film × year's
# inputs (its FilmDay rows and its screen-day rows) are summed into a fingerprint, in the database; the years
# whose fingerprint moved are worked out again, and the film's later years with them, whose cumulative gross
# runs through the changed one (the nightly check compares everything).

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
    for r in (FilmDay.objects.filter(film_id__in=film_ids).annotate(y=ExtractYear("day"))
              .values("film_id", "y").order_by()
              .annotate(n=Count("id"), tg=Sum("ticket_gross"), ta=Sum("ticket_admissions"),
                        ts=Sum("ticket_screenings"), g=Sum("report_gross"), ra=Sum("report_admissions"),
                        rs=Sum("report_screenings"), rg=Sum(Coalesce("region_id", 0)), d=Sum(day_number))):
        money = ":".join(str(Decimal(r[k] or 0).quantize(CENT)) for k in ("tg", "g"))
        out[(r["film_id"], int(r["y"]))][1] = (f"{r['n']}:{money}:{r['ta']}:{r['ts']}:{r['ra']}:{r['rs']}:"
                                               f"{r['rg']}:{r['d']}")
    return {k: "|".join(v) for k, v in out.items()}


def _window(year: int) -> tuple[datetime.date, datetime.date, datetime.date]:
    """(first day read, last period start kept, last day read) to rebuild one year: the weeks that start in it
    or end in it (an ISO week can start in late December of the year before)."""
    first = datetime.date(year, 1, 1) - datetime.timedelta(days=6)
    return first, datetime.date(year, 12, 31), datetime.date(year, 12, 31) + datetime.timedelta(days=6)


def _stale_years(now: dict, stored: dict) -> list[tuple]:
    """The film-years to rebuild: those whose inputs changed, and every later year of the same film."""
    changed: dict[int, int] = {}
    for film_id, year in now.keys() | stored.keys():
        if now.get((film_id, year)) != stored.get((film_id, year)):
            changed[film_id] = min(year, changed.get(film_id, year))
    return sorted(k for k in now.keys() | stored.keys() if k[0] in changed and k[1] >= changed[k[0]])


def rebuild_market_summaries(film_ids, *, every_year: bool = False) -> int:
    """Bring these films' summaries in line with their FilmDay and screen-day rows (FilmDay rebuilt first), year
    by year where the inputs changed (`every_year`: all of them, as a repair must); returns the rows written."""
    film_ids = sorted(set(film_ids))
    if not film_ids:
        return 0
    if every_year:
        MarketSummaryInputs.objects.filter(film_id__in=film_ids).delete()
    now = _fingerprints(film_ids)
    stored = dict(((f, y), fp) for f, y, fp in MarketSummaryInputs.objects.filter(film_id__in=film_ids)
                  .values_list("film_id", "year", "fingerprint"))
    stale = _stale_years(now, stored)
    if not stale:
        return 0
    periods: dict[tuple, tuple] = {}
    formats: list[tuple] = []
    for film_id, year in stale:
        first, last_start, last = _window(year)
        kept = Q(film_id=film_id) & (Q(period__in=[ChartPeriod.DAY, ChartPeriod.WEEK], start__gte=first,
                                       start__lte=last_start) | Q(period=ChartPeriod.YEAR, start__year=year))
        FilmPeriod.objects.filter(kept).delete()
        FilmYearFormat.objects.filter(film_id=film_id, year=year).delete()
        MarketSummaryInputs.objects.filter(film_id=film_id, year=year).delete()
        # Read even when the year has no rows any more: its window's late-December days belong to the year before.
        film_periods, film_formats = _summarise(
            film_id, (r[1:] for r in _rows_of(ScreenDaySales, SCREEN_FIELDS, [film_id], first, last)),
            (r[1:] for r in _rows_of(FilmDay, DAY_FIELDS, [film_id], first, last)),
            _spoken([film_id], first, last), _Places(film_id, first))
        for row in film_periods:
            period, start = row[1], row[2]
            if (start.year == year) if period == ChartPeriod.YEAR else (first <= start <= last_start):
                periods[row[:4]] = row  # keyed: two stale years' windows share late December's days and weeks
        formats += [r for r in film_formats if r[1] == year]
    insert_tuples(FilmPeriod, PERIOD_COLUMNS, list(periods.values()))
    insert_tuples(FilmYearFormat, FORMAT_COLUMNS, formats)
    insert_tuples(MarketSummaryInputs, ["film_id", "year", "fingerprint"],
                  [(f, y, now[(f, y)]) for f, y in stale if (f, y) in now])
    return len(periods) + len(formats)


def verify_market_summaries(*, repair: bool = True) -> set[int]:
    """The nightly check: work every film's summaries out again and compare them with the stored ones; the
    films that disagree are logged (and rebuilt). Returns those films."""
    want = set()
    for film_periods, film_formats in summaries_of():
        want.update(("period", *r) for r in film_periods)
        want.update(("format", *r) for r in film_formats)
    have = ({("period", *v) for v in FilmPeriod.objects.values_list(*PERIOD_COLUMNS)}  # Decimals equal by value
            | {("format", f, y, fmt, a, Decimal(g).quantize(CENT))
               for f, y, fmt, a, g in FilmYearFormat.objects.values_list(*FORMAT_COLUMNS)})
    films = {row[1] for row in want ^ have}
    if films:
        log.warning("market summaries of %s film(s) disagreed with their day rows%s: %s", len(films),
                    "; rebuilt" if repair else "", sorted(films)[:20])
        if repair:
            rebuild_market_summaries(films, every_year=True)
    return films

