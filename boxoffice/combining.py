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
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from .models import DailySales, FilmDay, ReportRow

ONE_DAY = datetime.timedelta(days=1)
ROW_FIELDS = ("spoken_days", "spoken_gross", "spoken_admissions", "covered_ticket_gross",
              "covered_ticket_admissions", "covered_ticket_days")


def spread(total: int, days: int, index: int) -> int:
    """The part of `total` (in whole units: cents, tickets) falling on day `index` of `days`."""
    base = total // days
    return total - base * (days - 1) if index == days - 1 else base


@dataclass
class _Row:
    obj: ReportRow
    region_id: int | None  # a cinema row's region is its cinema's
    cents: int
    days: int
    rank: tuple
    spoken_days: int = 0
    spoken_cents: int = 0
    spoken_admissions: int = 0
    covered_cents: int = 0
    covered_admissions: int = 0
    covered_days: int = 0

    def part(self, day: datetime.date) -> tuple[int, int | None, int | None]:
        i = (day - self.obj.period_start).days
        a, s = self.obj.admissions, self.obj.screenings
        return (spread(self.cents, self.days, i), None if a is None else spread(a, self.days, i),
                None if s is None else spread(s, self.days, i))


@dataclass
class _Cell:
    ticket_cents: int = 0
    ticket_admissions: int = 0
    ticket_screenings: int = 0
    report_cents: int = 0
    report_admissions: int = 0
    report_screenings: int = 0
    admissions_incomplete: bool = False
    screenings_incomplete: bool = False
    parts: dict = field(default_factory=dict)


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def _winner(rows: list[_Row]) -> _Row:
    return max(rows, key=lambda r: r.rank)


def combine_film(rows: list[_Row], tickets: list[tuple]) -> dict[tuple, _Cell]:
    """{(day, region id or None): cell} for one film; also fills each row's spoken and covered figures.

    `tickets` are (day, cinema id, region id, gross, admissions, screenings) from the daily summaries.
    """
    by_day: dict[datetime.date, list[_Row]] = defaultdict(list)
    for r in rows:
        d = r.obj.period_start
        while d <= r.obj.period_end:
            by_day[d].append(r)
            d += ONE_DAY
    tickets_by_day: dict[datetime.date, list[tuple]] = defaultdict(list)
    for t in tickets:
        tickets_by_day[t[0]].append(t)
    cells: dict[tuple, _Cell] = defaultdict(_Cell)

    def speak(row: _Row, day, covered: list[tuple]):
        cents, adm, scr = row.part(day)
        cell = cells[(day, row.region_id if row.obj.region_id or row.obj.cinema_id else None)]
        cell.report_cents += cents
        cell.report_admissions += adm or 0
        cell.report_screenings += scr or 0
        cell.admissions_incomplete |= adm is None
        cell.screenings_incomplete |= scr is None
        cell.parts[str(row.obj.pk)] = f"{Decimal(cents) / 100:.2f}"
        row.spoken_days += 1
        row.spoken_cents += cents
        row.spoken_admissions += adm or 0
        if covered:
            row.covered_days += 1
            row.covered_cents += sum(_cents(t[3]) for t in covered)
            row.covered_admissions += sum(t[4] for t in covered)

    for day in sorted(set(by_day) | set(tickets_by_day)):
        day_rows, day_tickets = by_day.get(day, []), tickets_by_day.get(day, [])
        national = [r for r in day_rows if r.obj.region_id is None and r.obj.cinema_id is None]
        if national:
            speak(_winner(national), day, day_tickets)
            continue
        regional: dict[int, list[_Row]] = defaultdict(list)
        local: dict[int, list[_Row]] = defaultdict(list)
        for r in day_rows:
            (regional[r.obj.region_id] if r.obj.region_id else local[r.obj.cinema_id]).append(r)
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
            cell = cells[(day, t[2])]
            cell.ticket_cents += _cents(t[3])
            cell.ticket_admissions += t[4]
            cell.ticket_screenings += t[5]
    return cells


@transaction.atomic
def rebuild_film_days(film_ids) -> int:
    """Recombine these films' report rows and daily ticket summaries into FilmDay; returns rows written."""
    film_ids = sorted(set(film_ids))
    rows_by_film: dict[int, list[_Row]] = defaultdict(list)
    for obj in (ReportRow.objects.filter(film_id__in=film_ids).select_related("cinema")
                .order_by("film_id", "period_start", "id")):
        days = (obj.period_end - obj.period_start).days + 1
        region_id = obj.cinema.region_id if obj.cinema_id else obj.region_id
        rows_by_film[obj.film_id].append(_Row(obj, region_id, _cents(obj.gross), days,
                                              (days, obj.imported_by_id, obj.pk)))
    tickets_by_film: dict[int, list[tuple]] = defaultdict(list)
    for t in (DailySales.objects.filter(film_id__in=film_ids)
              .values_list("film_id", "day", "cinema_id", "cinema__region_id", "gross", "admissions",
                           "screenings").order_by()):
        tickets_by_film[t[0]].append(t[1:])
    FilmDay.objects.filter(film_id__in=film_ids).delete()
    out, changed_rows = [], []
    for film_id in film_ids:
        rows = rows_by_film.get(film_id, [])
        for (day, region_id), c in combine_film(rows, tickets_by_film.get(film_id, [])).items():
            out.append(FilmDay(
                film_id=film_id, day=day, region_id=region_id, ticket_gross=Decimal(c.ticket_cents) / 100,
                ticket_admissions=c.ticket_admissions, ticket_screenings=c.ticket_screenings,
                report_gross=Decimal(c.report_cents) / 100, report_admissions=c.report_admissions,
                report_screenings=c.report_screenings, admissions_incomplete=c.admissions_incomplete,
                screenings_incomplete=c.screenings_incomplete, report_parts=c.parts))
        for r in rows:
            new = {"spoken_days": r.spoken_days, "spoken_gross": Decimal(r.spoken_cents) / 100,
                   "spoken_admissions": None if r.obj.admissions is None else r.spoken_admissions,
                   "covered_ticket_gross": Decimal(r.covered_cents) / 100,
                   "covered_ticket_admissions": r.covered_admissions, "covered_ticket_days": r.covered_days}
            if any(getattr(r.obj, k) != v for k, v in new.items()):
                for k, v in new.items():
                    setattr(r.obj, k, v)
                changed_rows.append(r.obj)
    FilmDay.objects.bulk_create(out, batch_size=5000)
    if changed_rows:
        ReportRow.objects.bulk_update(changed_rows, ROW_FIELDS, batch_size=2000)
    return len(out)
