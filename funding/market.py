"""The market view of metrics.md: the box-office chart (day, ISO week, year) and the market breakdown (by genre,
language, country of origin, region, format, domestic vs foreign, state-supported vs not), with its trend.

Every figure comes from summaries, never from the raw tickets. `boxoffice.selectors.market_day_rows` is the one
place that says which day rows (FilmDay): the market breakdown adds them up, and the chart reads each film's
period row that boxoffice/market_summaries.py adds up from the same rows (`market_period_rows`), so the CLI, the
API, the open-data files and the pages show the same figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Min
from django.db.models.functions import ExtractYear

from boxoffice.choices import ChartPeriod
from boxoffice.market_summaries import period_end, period_start
from boxoffice.selectors import MARKET_REGION as REGION
from boxoffice.selectors import market_day_rows as _days
from boxoffice.selectors import market_format_rows, market_period_rows, market_sums
from films.models import Film

PERIODS = tuple(ChartPeriod.values)
DIMENSIONS = ("genre", "language", "country", "region", "format", "domestic", "supported")
UNKNOWN = "unknown"
ZERO = Decimal("0.00")

# metrics.md's columns, then the marker the spec asks for ("the chart says which figures come from reports
# spread over days"): the part of `gross` that comes from box-office reports rather than tickets.
CHART_COLUMNS = ["rank", "film_code", "title", "gross", "share", "change", "admissions", "screenings", "screens",
                 "cumulative_gross", "days_on_release", "domestic", "gross_from_reports"]
MARKET_COLUMNS = ["value", "films", "gross", "admissions", "share", "gross_from_reports"]


# --- Periods ------------------------------------------------------------------------------------------------

def period_bounds(period: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The day, ISO week (Monday–Sunday) or calendar year that contains `day`."""
    start = period_start(period, day)  # the same periods as the summaries the chart reads
    return start, (day if period == ChartPeriod.DAY else period_end(period, start))


def previous_period(period: str, start: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The period before; None before the first day the calendar has."""
    try:
        return period_bounds(period, start - datetime.timedelta(days=1))
    except OverflowError:
        return None


def next_period(period: str, end: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    try:
        return period_bounds(period, end + datetime.timedelta(days=1))
    except OverflowError:
        return None


# --- The chart ----------------------------------------------------------------------------------------------

@dataclass
class Chart:
    period: str
    start: datetime.date
    end: datetime.date
    rows: list[dict]
    total_gross: Decimal
    total_admissions: int
    films: int
    region: str | None = None
    previous: tuple | None = None  # (start, end) of the period before, None at the ends of the calendar
    next: tuple | None = None

    def as_json(self) -> list[dict]:
        """The rows as `report chart --format json` prints them: money as strings, ratios as numbers."""
        return [_json_row(r) for r in self.rows]


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def _ratio(value) -> float | None:
    return None if value is None else float(value)


def _json_row(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if k in ("gross", "cumulative_gross", "gross_from_reports"):
            out[k] = _money(v)
        elif k in ("share", "change"):
            out[k] = _ratio(v)
        else:
            out[k] = v
    return out


def _per_film(start, end, region=None) -> dict[int, dict]:
    """{film id: its figures (market_sums)} over the days from start to end."""
    return {r.pop("film_id"): r for r in _days(start, end, region=region).values("film_id").order_by()
            .annotate(**market_sums())}


def chart(period: str, day: datetime.date, limit: int | None = None, *, region: str | None = None) -> Chart:
    """metrics.md "Box-office chart": films ranked by gross in the period that contains `day`, read from each
    film's row of the period (FilmPeriod: FilmDay's days of the period added up, its screens, its cumulative
    gross to the period's end, its first day) and its gross in the period before."""
    start, end = period_bounds(period, day)
    now = {r.pop("film_id"): r for r in market_period_rows(period, start, region=region)}
    previous = previous_period(period, start)
    ids = list(now)
    before = {}
    if ids and previous:
        before = {r["film_id"]: r["gross"] for r in market_period_rows(period, previous[0], region=region,
                                                                       film_ids=ids)}
    films = Film.objects.only("code", "title", "country_codes").in_bulk(ids)  # what a row shows of the film
    total = sum((r["gross"] for r in now.values()), ZERO)
    ranked = sorted(now.items(), key=lambda kv: (-kv[1]["gross"], films[kv[0]].code))
    rows = []
    for rank, (film_id, figures) in enumerate(ranked[:limit] if limit else ranked, start=1):
        film = films[film_id]
        gross = figures["gross"]
        prev = before.get(film_id) or ZERO
        rows.append({
            "rank": rank,
            "film_code": film.code,
            "title": film.title,
            "gross": gross,
            "share": gross / total if total else None,
            "change": (gross / prev - 1) if prev > 0 else None,
            "admissions": int(figures["admissions"]),
            "screenings": int(figures["screenings"]),
            "screens": figures["screens"],
            "cumulative_gross": figures["cumulative_gross"],
            "days_on_release": (end - figures["first_day"]).days + 1,
            "domestic": film.is_domestic,
            "gross_from_reports": figures["gross_from_reports"],
        })
    return Chart(period=period, start=start, end=end, rows=rows, total_gross=total,
                 total_admissions=sum(int(r["admissions"]) for r in now.values()), films=len(now),
                 region=region, previous=previous, next=next_period(period, end))


# --- The market breakdown -----------------------------------------------------------------------------------

def _supported_film_ids() -> set[int]:
    from .models import Grant

    return set(Grant.objects.published().filter(currency=settings.HOME_CURRENCY, film__isnull=False)
               .values_list("film_id", flat=True))


def _film_values(by: str, film_ids) -> dict[int, str]:
    """Each film's value of a film-level dimension (its first genre, language or country of origin, ...)."""
    films = Film.objects.filter(pk__in=list(film_ids)).only("id", "genre_codes", "language_codes", "country_codes")
    if by == "supported":
        supported = _supported_film_ids()
        return {f.pk: "supported" if f.pk in supported else "not supported" for f in films}
    pick = {
        "genre": lambda f: f.first_genre,
        "language": lambda f: f.first_language,
        "country": lambda f: f.origin_country,
        "domestic": lambda f: "domestic" if f.is_domestic else "foreign",
    }[by]
    return {f.pk: pick(f) or UNKNOWN for f in films}


def _breakdown(by: str, year: int) -> dict[str, dict]:
    """{value: {films: set, gross, admissions}} over the calendar year."""
    start, end = period_bounds(ChartPeriod.YEAR, datetime.date(year, 1, 1))
    out: dict[str, dict] = defaultdict(lambda: {"films": set(), "gross": ZERO, "admissions": 0, "reports": ZERO})

    def add(value, film_id, gross, admissions, reports=ZERO):
        cell = out[value]
        cell["films"].add(film_id)
        cell["gross"] += gross or ZERO
        cell["admissions"] += int(admissions or 0)
        cell["reports"] += reports or ZERO

    if by == "region":
        for r in _days(start, end).values(REGION, "film_id").order_by().annotate(**market_sums()):
            add(r[REGION] or UNKNOWN, r["film_id"], r["gross"], r["admissions"], r["from_reports"])
        return out
    per_film = _per_film(start, end)
    if by == "format":
        split: dict[int, list] = defaultdict(lambda: [ZERO, 0])
        for r in market_format_rows(year):
            add(r["screening_format"] or UNKNOWN, r["film_id"], r["gross"], r["admissions"])
            split[r["film_id"]][0] += r["gross"] or ZERO
            split[r["film_id"]][1] += int(r["admissions"] or 0)
        # What a film's day rows hold beyond its figures split by format (reports, above all) is unknown.
        for film_id, r in per_film.items():
            gross = (r["gross"] or ZERO) - split[film_id][0]
            admissions = int(r["admissions"] or 0) - split[film_id][1]
            if gross or admissions or r["from_reports"]:
                add(UNKNOWN, film_id, gross, admissions, r["from_reports"])
        return out
    values = _film_values(by, per_film)
    for film_id, r in per_film.items():
        add(values[film_id], film_id, r["gross"], r["admissions"], r["from_reports"])
    return out


@dataclass
class Market:
    by: str
    year: int
    rows: list[dict]
    total_gross: Decimal
    total_admissions: int

    def as_json(self) -> list[dict]:
        return [_json_row(r) for r in self.rows]


def market(by: str, year: int) -> Market:
    """metrics.md "Market breakdown": one row per value, biggest gross first, `unknown` last."""
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}")
    cells = _breakdown(by, year)
    total = sum((c["gross"] for c in cells.values()), ZERO)
    rows = [{"value": value, "films": len(c["films"]), "gross": c["gross"], "admissions": c["admissions"],
             "share": c["gross"] / total if total else None, "gross_from_reports": c["reports"]}
            for value, c in cells.items()]
    rows.sort(key=lambda r: (r["value"] == UNKNOWN, -r["gross"], r["value"]))
    return Market(by=by, year=year, rows=rows, total_gross=total,
                  total_admissions=sum(c["admissions"] for c in cells.values()))


def years() -> list[int]:
    """The calendar years with box-office figures, oldest first."""
    return sorted(y for y in _days().annotate(y=ExtractYear("day")).values_list("y", flat=True).distinct()
                  .order_by() if y is not None)


def trend(by: str, years_: list[int] | None = None) -> dict:
    """The breakdown over the years: {years, values, rows: [{year, value, gross, share}]}, each year's shares
    those of `market(by, year)`."""
    years_ = years() if years_ is None else years_
    markets = [market(by, y) for y in years_]
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for m in markets:
        for r in m.rows:
            totals[r["value"]] += r["gross"]
    values = sorted(totals, key=lambda v: (v == UNKNOWN, -totals[v], v))
    rows = [{"year": m.year, "value": r["value"], "gross": r["gross"], "share": r["share"]}
            for m in markets for r in m.rows]
    return {"by": by, "years": years_, "values": values, "rows": rows, "markets": {m.year: m for m in markets}}


def as_of() -> dict:
    """The "as of" moment of the figures: the last accepted sale included, and when metrics were computed."""
    from boxoffice.selectors import box_office_as_of

    from .selectors import metrics_as_of

    return {"last_sale_at": box_office_as_of(),
            "computed_at": metrics_as_of()["computed_at"]}


def latest_day() -> datetime.date | None:
    """The last day with figures: where the chart pages open."""
    return _days().aggregate(d=Max("day"))["d"]


def region_exists(code: str) -> bool:
    from films.models import Region

    if not code or len(code) > 8 or not code.isprintable():  # and never a NUL byte to the database
        return False
    return Region.objects.filter(code=code).exists()


def chart_series(chart: Chart, films: int = 5) -> dict:
    """Gross over the chart's period for its first films, the line chart beside the table: by day for a day
    or a week, by month for a year. {"points": [date, ...], "films": [{film_code, gross: [...]}, ...]}"""
    codes = [r["film_code"] for r in chart.rows[:films]]
    by_month = chart.period == "year"
    if by_month:
        points = [datetime.date(chart.start.year, m, 1) for m in range(1, 13)]
    else:
        points = [chart.start + datetime.timedelta(days=i) for i in range((chart.end - chart.start).days + 1)]
    cells: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    rows = (_days(chart.start, chart.end, region=chart.region).filter(film__code__in=codes)
            .values("film__code", "day").order_by().annotate(gross=market_sums()["gross"]))
    for r in rows:
        point = r["day"].replace(day=1) if by_month else r["day"]
        cells[(r["film__code"], point)] += r["gross"] or ZERO
    return {"points": points, "by": "month" if by_month else "day",
            "films": [{"film_code": c, "gross": [cells[(c, p)] for p in points]} for c in codes]}


def every_market() -> list[dict]:
    """Every year's breakdown by every dimension, as JSON rows with `year` and `by` (the open-data file)."""
    return [{"year": y, "by": by, **row} for y in years() for by in DIMENSIONS for row in market(by, y).as_json()]


def every_weekly_chart() -> list[dict]:
    """Every ISO week's chart since the first day with figures, as JSON rows with the week's first and last day."""
    first = _days().aggregate(d=Min("day"))["d"]
    last = latest_day()
    out: list[dict] = []
    if first is None:
        return out
    start, _ = period_bounds("week", first)
    while start <= last:
        week = chart("week", start)
        out.extend({"week_start": week.start.isoformat(), "week_end": week.end.isoformat(), **row}
                   for row in week.as_json())
        start += datetime.timedelta(days=7)
    return out
