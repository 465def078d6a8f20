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

from .bulkcopy import insert_tuples
from .choices import ChartPeriod
from .models import FilmDay, FilmPeriodScreens, FilmYearFormat, ScreenDaySales

log = logging.getLogger(__name__)

SCREEN_COLUMNS = ["film_id", "period", "start", "region_id", "screens"]
FORMAT_COLUMNS = ["film_id", "year", "screening_format", "admissions", "gross"]
CENT = Decimal("0.01")


def period_starts(day: datetime.date) -> tuple[tuple[str, datetime.date], ...]:
    """The first day of the day, ISO week (Monday) and calendar year that hold `day` (metrics.md's periods)."""
    return ((ChartPeriod.DAY, day), (ChartPeriod.WEEK, day - datetime.timedelta(days=day.weekday())),
            (ChartPeriod.YEAR, day.replace(month=1, day=1)))


def _spoken(film_ids) -> set[tuple]:
    """(film id, day, region id or None) where a report speaks."""
    rows = FilmDay.objects.exclude(report_gross=0)
    if film_ids is not None:
        rows = rows.filter(film_id__in=film_ids)
    return set(rows.values_list("film_id", "day", "region_id"))


def summaries_of(film_ids=None):
    """Each film's summary rows, as (screens rows, format rows) tuples in SCREEN_COLUMNS / FORMAT_COLUMNS
    order, one film at a time (every film with screen-day rows when film_ids is None)."""
    spoken = _spoken(film_ids)
    rows = ScreenDaySales.objects.all()
    if film_ids is not None:
        rows = rows.filter(film_id__in=film_ids)
    rows = (rows.order_by("film_id").values_list("film_id", "day", "screen_id", "screen__cinema__region_id",
                                                 "screening_format", "admissions", "gross")
            .iterator(chunk_size=5000))
    for film_id, film_rows in groupby(rows, key=lambda r: r[0]):
        # Screens by day and place first (two set additions a row); weeks and years are unions of those.
        by_day: dict[tuple, set] = defaultdict(set)
        formats: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
        for _, day, screen_id, region_id, fmt, admissions, gross in film_rows:
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
        yield ([(film_id, p, s, r, len(ids)) for (p, s, r), ids in screens.items()],
               [(film_id, y, fmt, a, Decimal(g).quantize(CENT)) for (y, fmt), (a, g) in formats.items()])


def rebuild_market_summaries(film_ids) -> int:
    """Replace these films' summaries with what their screen-day rows say now (FilmDay rebuilt first: it says
    which days a report speaks for); returns the rows written."""
    film_ids = sorted(set(film_ids))
    FilmPeriodScreens.objects.filter(film_id__in=film_ids).delete()
    FilmYearFormat.objects.filter(film_id__in=film_ids).delete()
    if not film_ids:
        return 0
    screens, formats = [], []
    for film_screens, film_formats in summaries_of(film_ids):
        screens += film_screens
        formats += film_formats
    insert_tuples(FilmPeriodScreens, SCREEN_COLUMNS, screens)
    insert_tuples(FilmYearFormat, FORMAT_COLUMNS, formats)
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
            rebuild_market_summaries(films)
    return films
