"""How reports and tickets combine (box-office-reports.md), written to the day-level summary `FilmDay`.

Per film and day the widest place with a report row speaks for everything inside it (country > region >
cinema > tickets); a row's figures are spread evenly over its days (rounded down to the cent, the last day
takes the rest); among rows of the same place and day the longest period speaks, then the most recently
imported. Rebuilt for the touched films at recompute time, so `FilmDay` is the one place the combined daily
figures live.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from .bulkcopy import insert_tuples, update_tuples
from .market_summaries import rebuild_market_summaries
from .models import DailySales, FilmDay, ReportRow

ONE_DAY = datetime.timedelta(days=1)
ROW_FIELDS = ("spoken_days", "spoken_gross", "spoken_admissions", "covered_ticket_gross",
              "covered_ticket_admissions", "covered_ticket_days")


def spread(total: int, days: int, index: int) -> int:
    """The part of `total` (in whole units: cents, tickets) falling on day `index` of `days`."""
    base = total // days
    return total - base * (days - 1) if index == days - 1 else base


class _Row:
    """A report row as the combination sees it, with what it speaks for accumulated day by day."""

    __slots__ = ("pk", "start", "end", "cents", "admissions", "screenings", "region_id", "own_region",
                 "cinema_id", "days", "rank", "spoken_days", "spoken_cents", "spoken_admissions", "covered_cents",
                 "covered_admissions", "covered_days", "stored")

    def __init__(self, pk, start, end, gross, admissions, screenings, region_id, cinema_id, cinema_region_id,
                 imported_by_id, stored=None):
        self.pk, self.start, self.end = pk, start, end
        self.cents, self.admissions, self.screenings = _cents(gross), admissions, screenings
        self.own_region, self.cinema_id = region_id, cinema_id
        self.region_id = cinema_region_id if cinema_id else region_id  # a cinema row's region is its cinema's
        self.days = (end - start).days + 1
        self.rank = (self.days, imported_by_id, pk)
        self.spoken_days = self.spoken_cents = self.spoken_admissions = 0
        self.covered_cents = self.covered_admissions = self.covered_days = 0
        self.stored = stored

    @property
    def national(self) -> bool:
        return self.own_region is None and self.cinema_id is None

    def part(self, day: datetime.date) -> tuple[int, int | None, int | None]:
        i, n = (day - self.start).days, self.days
        a, s = self.admissions, self.screenings
        return (spread(self.cents, n, i), None if a is None else spread(a, n, i),
                None if s is None else spread(s, n, i))

    def figures(self) -> tuple:
        return (self.spoken_days, _money(self.spoken_cents),
                None if self.admissions is None else self.spoken_admissions, _money(self.covered_cents),
                self.covered_admissions, self.covered_days)


class _Cell:
    __slots__ = ("ticket_cents", "ticket_admissions", "ticket_screenings", "report_cents", "report_admissions",
                 "report_screenings", "admissions_incomplete", "screenings_incomplete", "parts")

    def __init__(self):
        self.ticket_cents = self.ticket_admissions = self.ticket_screenings = 0
        self.report_cents = self.report_admissions = self.report_screenings = 0
        self.admissions_incomplete = self.screenings_incomplete = False
        self.parts = []  # (report row id, cents) of the rows that speak here


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _parts_json(parts: list[tuple[int, int]]) -> str:
    """{"<row id>": "<gross of the day>"} as JSON text, written directly: ids and amounts are digits only."""
    return "{" + ", ".join(f'"{pk}": "{c // 100}.{c % 100:02d}"' for pk, c in parts) + "}"


def _winner(rows: list[_Row]) -> _Row:
    return rows[0] if len(rows) == 1 else max(rows, key=lambda r: r.rank)


def combine_film(rows: list[_Row], tickets: list[tuple]) -> dict[tuple, _Cell]:
    """{(day, region id or None): cell} for one film; also fills each row's spoken and covered figures.

    `tickets` are (day, cinema id, region id, gross cents, admissions, screenings) from the daily summaries.
    """
    by_day: dict[datetime.date, list[_Row]] = defaultdict(list)
    for r in rows:
        d = r.start
        while d <= r.end:
            by_day[d].append(r)
            d += ONE_DAY
    tickets_by_day: dict[datetime.date, list[tuple]] = defaultdict(list)
    for t in tickets:
        tickets_by_day[t[0]].append(t)
    cells: dict[tuple, _Cell] = {}

    def speak(row: _Row, day, covered: list[tuple]):
        cents, adm, scr = row.part(day)
        key = (day, row.region_id)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = _Cell()
        cell.report_cents += cents
        if adm is None:
            cell.admissions_incomplete = True
        else:
            cell.report_admissions += adm
            row.spoken_admissions += adm
        if scr is None:
            cell.screenings_incomplete = True
        else:
            cell.report_screenings += scr
        cell.parts.append((row.pk, cents))
        row.spoken_days += 1
        row.spoken_cents += cents
        if covered:
            row.covered_days += 1
            row.covered_cents += sum(t[3] for t in covered)
            row.covered_admissions += sum(t[4] for t in covered)

    for day in sorted(by_day.keys() | tickets_by_day.keys()):
        day_rows, day_tickets = by_day.get(day, ()), tickets_by_day.get(day, ())
        national = [r for r in day_rows if r.national]
        if national:
            speak(_winner(national), day, day_tickets)
            continue
        regional: dict[int, list[_Row]] = defaultdict(list)
        local: dict[int, list[_Row]] = defaultdict(list)
        for r in day_rows:
            (regional[r.own_region] if r.own_region else local[r.cinema_id]).append(r)
        for region_id, group in regional.items():
            speak(_winner(group), day, [t for t in day_tickets if t[2] == region_id])
        spoken_cinemas = set()
        for cinema_id, group in local.items():
            w = _winner(group)
            if w.region_id in regional:
                continue
            spoken_cinemas.add(cinema_id)
            speak(w, day, [t for t in day_tickets if t[1] == cinema_id])
        for t in day_tickets:
            if t[2] in regional or t[1] in spoken_cinemas:
                continue
            key = (day, t[2])
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = _Cell()
            cell.ticket_cents += t[3]
            cell.ticket_admissions += t[4]
            cell.ticket_screenings += t[5]
    return cells


DAY_COLUMNS = ["film_id", "day", "region_id", "ticket_gross", "ticket_admissions", "ticket_screenings",
               "report_gross", "report_admissions", "report_screenings", "admissions_incomplete",
               "screenings_incomplete", "report_parts"]


@transaction.atomic
def rebuild_film_days(film_ids) -> int:
    """Recombine these films' report rows and daily ticket summaries into FilmDay (and the market summaries
    that depend on it); returns the FilmDay rows written."""
    film_ids = sorted(set(film_ids))
    rows_by_film: dict[int, list[_Row]] = defaultdict(list)
    for v in (ReportRow.objects.filter(film_id__in=film_ids).order_by("film_id", "period_start", "id")
              .values_list("film_id", "pk", "period_start", "period_end", "gross", "admissions", "screenings",
                           "region_id", "cinema_id", "cinema__region_id", "imported_by_id", *ROW_FIELDS)):
        rows_by_film[v[0]].append(_Row(*v[1:11], stored=tuple(v[11:])))
    tickets_by_film: dict[int, list[tuple]] = defaultdict(list)
    for film_id, day, cinema_id, region_id, gross, admissions, screenings in (
            DailySales.objects.filter(film_id__in=film_ids)
            .values_list("film_id", "day", "cinema_id", "cinema__region_id", "gross", "admissions", "screenings")
            .order_by()):
        tickets_by_film[film_id].append((day, cinema_id, region_id, _cents(gross), admissions, screenings))
    FilmDay.objects.filter(film_id__in=film_ids).delete()
    out, changed = [], []
    for film_id in film_ids:
        rows = rows_by_film.get(film_id, [])
        for (day, region_id), c in combine_film(rows, tickets_by_film.get(film_id, [])).items():
            out.append((film_id, day, region_id, _money(c.ticket_cents), c.ticket_admissions, c.ticket_screenings,
                        _money(c.report_cents), c.report_admissions, c.report_screenings,
                        c.admissions_incomplete, c.screenings_incomplete, _parts_json(c.parts)))
        for r in rows:
            figures = r.figures()
            if figures != r.stored:
                changed.append((r.pk, *figures))
    insert_tuples(FilmDay, DAY_COLUMNS, out)
    update_tuples(ReportRow, list(ROW_FIELDS), changed)
    # What the market view reads beside FilmDay, which says where reports speak: rebuilt from it, now.
    rebuild_market_summaries(film_ids)
    return len(out)
