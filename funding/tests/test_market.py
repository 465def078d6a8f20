"""metrics.md "Box-office chart" and "Market breakdown": `report chart` and `report market` on a scenario of
our own equal the figures worked out by hand from its raw records (below, in the comments)."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest

from boxoffice.tests.helpers import refund, sale, send
from conftest import run_command

A, B, C = "KZ-2023-0001", "FX-00001", "KZ-2024-0003"  # A, C: Kazakh, thrillers, in kk, funded; B: French drama
C1, C2 = "KZ-C0001", "KZ-C0002"  # Shymkent (KZ-79) and Atyrau (KZ-23), screens 1 and 2 each


def scenario():
    """Ticket sales of March 2025 (Asia/Almaty is UTC+5); the week of the 18th runs Monday 17 to Sunday 23."""
    send([
        # the previous week
        sale("P1", film=A, start="2025-03-12T19:00:00+05:00", sold="2025-03-12T10:00:00+05:00", tickets=2,
             amount="4000.00", screening_format="2D"),
        sale("P2", film=B, screen="2", start="2025-03-12T20:00:00+05:00", sold="2025-03-12T10:00:00+05:00",
             tickets=1, amount="3000.00"),
        # the week: A 6000 + 4000 − 2000 (a refund naming no format: it counts as its sale's 2D) + 10000 (3D)
        sale("T3", film=A, start="2025-03-18T19:00:00+05:00", tickets=3, amount="6000.00", screening_format="2D"),
        sale("T4", film=A, start="2025-03-18T19:00:00+05:00", tickets=2, amount="4000.00", screening_format="2D"),
        refund("R4", "T4", film=A, tickets=1, amount="2000.00"),
        sale("T5", film=A, cinema=C2, start="2025-03-20T18:00:00+05:00", sold="2025-03-20T12:00:00+05:00",
             tickets=4, amount="10000.00", screening_format="3D"),
        # B 5000 + 1500 (IMAX, Saturday night)
        sale("T6", film=B, screen="2", start="2025-03-19T21:00:00+05:00", sold="2025-03-19T12:00:00+05:00",
             tickets=2, amount="5000.00"),
        sale("T7", film=B, cinema=C2, screen="2", start="2025-03-22T23:30:00+05:00", sold="2025-03-22T12:00:00+05:00",
             tickets=1, amount="1500.00", screening_format="IMAX"),
        # C: 16 March 19:30 UTC is Monday 17 in Almaty (in the week); 23 March 23:30 UTC is the 24th (not)
        sale("T8", film=C, cinema=C2, start="2025-03-16T19:30:00+00:00", sold="2025-03-16T10:00:00+00:00",
             tickets=2, amount="2500.00"),
        sale("T9", film=C, start="2025-03-23T23:30:00+00:00", sold="2025-03-23T10:00:00+00:00", tickets=5,
             amount="7500.00"),
    ])
    recompute()


def recompute():
    """What the recompute after each import does (on commit, which these tests' transactions never reach)."""
    from films.models import Film
    from funding.metrics import recompute_film_metrics

    recompute_film_metrics(list(Film.objects.values_list("pk", flat=True)))


def report(*args) -> list[dict]:
    out, _ = run_command("report", *args, "--format", "json")
    return json.loads(out)


@pytest.fixture
def market_scenario(registers):
    scenario()


def test_the_weekly_chart_equals_the_hand_computation(market_scenario):
    rows = report("chart", "--period", "week", "--date", "2025-03-20")
    assert [r["film_code"] for r in rows] == [A, B, C]
    a, b, c = rows
    assert a == {"rank": 1, "film_code": A, "title": "Дәстүр 1", "gross": "18000.00", "share": 18000 / 27000,
                 "change": 3.5, "admissions": 8, "screenings": 2, "screens": 2, "cumulative_gross": "22000.00",
                 "days_on_release": 12, "domestic": True, "gross_from_reports": "0.00"}
    assert (b["gross"], b["admissions"], b["screenings"], b["screens"]) == ("6500.00", 3, 2, 2)
    assert b["change"] == pytest.approx(6500 / 3000 - 1) and b["share"] == pytest.approx(6500 / 27000)
    assert (b["cumulative_gross"], b["days_on_release"], b["domestic"]) == ("9500.00", 12, False)
    assert c == {"rank": 3, "film_code": C, "title": "Томирис 3", "gross": "2500.00", "share": 2500 / 27000,
                 "change": None, "admissions": 2, "screenings": 1, "screens": 1, "cumulative_gross": "2500.00",
                 "days_on_release": 7, "domestic": True, "gross_from_reports": "0.00"}
    assert sum(Decimal(r["gross"]) for r in rows) == Decimal("27000.00")


def test_the_daily_and_yearly_charts_and_the_limit(market_scenario):
    day = report("chart", "--period", "day", "--date", "2025-03-18")
    assert [(r["film_code"], r["gross"], r["admissions"], r["share"], r["change"], r["days_on_release"])
            for r in day] == [(A, "8000.00", 4, 1.0, None, 7)]
    year = report("chart", "--period", "year", "--date", "2025-07-01")
    assert [(r["rank"], r["film_code"], r["gross"], r["cumulative_gross"]) for r in year] == [
        (1, A, "22000.00", "22000.00"), (2, C, "10000.00", "10000.00"), (3, B, "9500.00", "9500.00")]
    assert year[0]["days_on_release"] == 295  # 12 March to 31 December, both counted
    from funding.models import FilmMetrics

    totals = {m.film.code: f"{m.gross:.2f}" for m in FilmMetrics.objects.select_related("film").filter(gross__gt=0)}
    assert {r["film_code"]: r["gross"] for r in year} == totals  # the chart adds up to the films' totals
    assert [r["film_code"] for r in report("chart", "--period", "year", "--date", "2025-01-01", "--limit", "2")] \
        == [A, C]
    assert report("chart", "--period", "week", "--date", "2024-03-20") == []


def test_equal_gross_ranks_by_film_code(registers):
    send([sale("X1", film=B, amount="1000.00"), sale("X2", film=A, screen="2", amount="1000.00")])
    recompute()
    assert [r["film_code"] for r in report("chart", "--period", "day", "--date", "2025-03-18")] == [B, A]


def test_the_chart_csv_has_the_columns_of_metrics_md(market_scenario):
    out, _ = run_command("report", "chart", "--period", "week", "--date", "2025-03-17", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["rank", "film_code", "title", "gross", "share", "change", "admissions", "screenings",
                             "screens", "cumulative_gross", "days_on_release", "domestic", "gross_from_reports"]
    assert (rows[0]["gross"], rows[0]["change"], rows[0]["domestic"]) == ("18000.00", "3.5", "true")
    assert (rows[2]["change"], rows[1]["domestic"]) == ("", "false")


def test_a_regions_chart_counts_only_its_cinemas(market_scenario):
    rows = report("chart", "--period", "week", "--date", "2025-03-20", "--region", "KZ-23")
    assert [(r["film_code"], r["gross"], r["screens"], r["share"]) for r in rows] == [
        (A, "10000.00", 1, 10000 / 14000), (C, "2500.00", 1, 2500 / 14000), (B, "1500.00", 1, 1500 / 14000)]
    assert rows[0]["change"] is None  # nothing in Atyrau the week before


# Year 2025, every record: A 22000 (10 admissions), C 10000 (7), B 9500 (4); 41500 in all.
MARKET = {
    "genre": [("thriller", 2, "32000.00", 17), ("drama", 1, "9500.00", 4)],
    "language": [("kk", 2, "32000.00", 17), ("en", 1, "9500.00", 4)],
    "country": [("KZ", 2, "32000.00", 17), ("FR", 1, "9500.00", 4)],
    "domestic": [("domestic", 2, "32000.00", 17), ("foreign", 1, "9500.00", 4)],
    "supported": [("supported", 2, "32000.00", 17), ("not supported", 1, "9500.00", 4)],
    # Shymkent: A 4000 + 8000, B 3000 + 5000, C 7500; Atyrau: A 10000, B 1500, C 2500
    "region": [("KZ-79", 3, "27500.00", 14), ("KZ-23", 3, "14000.00", 7)],
    # 2D: A 4000 + 6000 + 4000 − 2000; 3D: A 10000; IMAX: B 1500; no format named: B 8000, C 10000
    "format": [("2D", 1, "12000.00", 6), ("3D", 1, "10000.00", 4), ("IMAX", 1, "1500.00", 1),
               ("unknown", 2, "18000.00", 10)],
}


@pytest.mark.parametrize("by", sorted(MARKET))
def test_the_market_breakdown_equals_the_hand_computation(market_scenario, by):
    rows = report("market", "--by", by, "--year", "2025")
    assert [(r["value"], r["films"], r["gross"], r["admissions"]) for r in rows] == MARKET[by]
    assert {r["gross_from_reports"] for r in rows} == {"0.00"}  # tickets only
    for r in rows:
        assert r["share"] == float(Decimal(r["gross"]) / Decimal("41500"))
    assert sum(r["share"] for r in rows) == pytest.approx(1, abs=1e-12)


def test_the_market_csv_and_an_empty_year(market_scenario):
    out, _ = run_command("report", "market", "--by", "format", "--year", "2025", "--format", "csv")
    assert out.splitlines()[0] == "value,films,gross,admissions,share,gross_from_reports"
    assert out.splitlines()[-1].startswith("unknown,2,18000.00,10,")
    assert report("market", "--by", "genre", "--year", "2024") == []


def test_the_trend_gives_each_years_breakdown(market_scenario):
    from funding.market import trend

    t = trend("domestic")
    assert t["years"] == [2025] and t["values"] == ["domestic", "foreign"]
    assert [(r["year"], r["value"], str(r["gross"])) for r in t["rows"]] == [
        (2025, "domestic", "32000.00"), (2025, "foreign", "9500.00")]


@pytest.mark.parametrize(("args", "message"), [
    (["chart", "--period", "week"], "--date"),
    (["chart", "--period", "week", "--date", "2025-02-30"], "not a date"),
    (["chart", "--period", "week", "--date", "2025-03-01", "--limit", "0"], "--limit"),
    (["chart", "--period", "week", "--date", "2025-03-01", "--region", "KZ-00"], "no region"),
    (["market", "--by", "genre"], "--year"),
])
def test_bad_arguments_say_what_to_give(db, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        run_command("report", *args)


def test_the_ends_of_the_calendar_have_no_period_beyond(db):
    import datetime

    from funding.market import chart

    first = chart("year", datetime.date(1, 6, 1))
    assert first.previous is None and first.next[0] == datetime.date(2, 1, 1)
    last = chart("week", datetime.date.max)
    assert last.next is None and last.end == datetime.date.max
    assert chart("day", datetime.date.min).previous is None


# --- With a box-office report (box-office-reports.md): a national weekly row speaks for A's week ----------------

REPORT = ("film_code,period_start,period_end,gross,admissions,screenings,region,cinema_code,source,reference\n"
          f"{A},2025-03-17,2025-03-23,70000.00,35,14,,,EAIS,weekly chart 12\n")


@pytest.fixture
def with_report(market_scenario, tmp_path):
    path = tmp_path / "report.csv"
    path.write_text(REPORT, encoding="utf-8")
    run_command("import_box_office", str(path))
    recompute()


def test_a_report_that_speaks_replaces_the_weeks_tickets_and_is_marked(with_report):
    """A's tickets of the week (18000, 8 admissions, on two screens) give way to the national row: 70000 spread
    as 10000 a day, 35 admissions (5 a day) and 14 screenings; the week before stays ticketed (4000)."""
    rows = report("chart", "--period", "week", "--date", "2025-03-20")
    a = rows[0]
    assert (a["film_code"], a["gross"], a["gross_from_reports"], a["admissions"], a["screenings"]) == (
        A, "70000.00", "70000.00", 35, 14)
    assert a["screens"] == 0  # no ticketed screen counts where the report speaks
    assert a["change"] == 70000 / 4000 - 1 and a["share"] == 70000 / 79000
    assert (a["cumulative_gross"], a["days_on_release"]) == ("74000.00", 12)
    assert [(r["film_code"], r["gross_from_reports"]) for r in rows[1:]] == [(B, "0.00"), (C, "0.00")]
    day = report("chart", "--period", "day", "--date", "2025-03-19")
    assert [(r["film_code"], r["gross"], r["gross_from_reports"]) for r in day] == [
        (A, "10000.00", "10000.00"), (B, "5000.00", "0.00")]
    # the chart's totals are the films' totals
    from funding.models import FilmMetrics

    assert str(FilmMetrics.objects.get(film__code=A).gross) == "74000.00"
    year = report("chart", "--period", "year", "--date", "2025-01-01")
    assert year[0]["cumulative_gross"] == "74000.00" and year[0]["gross"] == "74000.00"


def test_the_market_puts_what_reports_cannot_split_under_unknown(with_report):
    region = report("market", "--by", "region", "--year", "2025")
    assert [(r["value"], r["gross"], r["gross_from_reports"]) for r in region] == [
        ("KZ-79", "19500.00", "0.00"), ("KZ-23", "4000.00", "0.00"), ("unknown", "70000.00", "70000.00")]
    fmt = report("market", "--by", "format", "--year", "2025")
    assert [(r["value"], r["gross"], r["admissions"]) for r in fmt] == [
        ("2D", "4000.00", 2), ("IMAX", "1500.00", 1), ("unknown", "88000.00", 45)]
    domestic = report("market", "--by", "domestic", "--year", "2025")
    assert [(r["value"], r["gross"], r["gross_from_reports"]) for r in domestic] == [
        ("domestic", "84000.00", "70000.00"), ("foreign", "9500.00", "0.00")]
    assert sum(r["share"] for r in fmt) == pytest.approx(1, abs=1e-12)


def chart_from_day_rows(period, day, region=None) -> list[dict]:
    """The chart as metrics.md defines it, summed here from the FilmDay rows themselves (the oracle of the
    stored period rows the chart reads): each film's figures of the period, its gross in the period before, its
    gross up to the period's end and its first day with figures, everywhere or in one region."""
    from boxoffice.models import FilmDay, ScreenDaySales
    from films.models import Film
    from funding import market

    start, end = market.period_bounds(period, day)
    before = market.previous_period(period, start)
    rows = FilmDay.objects.all() if region is None else FilmDay.objects.filter(region__code=region)
    spoken = set(FilmDay.objects.exclude(report_gross=0).values_list("film_id", "day", "region_id"))
    screens: dict[int, set] = {}
    screen_days = ScreenDaySales.objects.filter(day__gte=start, day__lte=end)
    if region is not None:
        screen_days = screen_days.filter(screen__cinema__region__code=region)
    for film_id, d, screen_id, region_id in screen_days.values_list("film_id", "day", "screen_id",
                                                                    "screen__cinema__region_id"):
        if (film_id, d, None) not in spoken and (film_id, d, region_id) not in spoken:
            screens.setdefault(film_id, set()).add(screen_id)
    out = {}
    for r in rows:
        f = out.setdefault(r.film_id, {"gross": Decimal(0), "admissions": 0, "screenings": 0, "reports": Decimal(0),
                                       "before": Decimal(0), "cumulative": Decimal(0), "first": r.day, "in": False})
        f["first"] = min(f["first"], r.day)
        if r.day <= end:
            f["cumulative"] += r.gross
        if start <= r.day <= end:
            f["in"] = True
            f["gross"] += r.gross
            f["admissions"] += r.admissions
            f["screenings"] += r.ticket_screenings + r.report_screenings
            f["reports"] += r.report_gross
        if before and before[0] <= r.day <= before[1]:
            f["before"] += r.gross
    films = Film.objects.in_bulk(list(out))
    kept = sorted(((k, v) for k, v in out.items() if v["in"]), key=lambda kv: (-kv[1]["gross"], films[kv[0]].code))
    total = sum(v["gross"] for _, v in kept)
    return [{"rank": n, "film_code": films[k].code, "gross": v["gross"], "share": v["gross"] / total if total else None,
             "change": v["gross"] / v["before"] - 1 if v["before"] > 0 else None, "admissions": v["admissions"],
             "screenings": v["screenings"], "screens": len(screens.get(k, ())), "cumulative_gross": v["cumulative"],
             "days_on_release": (end - v["first"]).days + 1, "gross_from_reports": v["reports"]}
            for n, (k, v) in enumerate(kept, start=1)]


def test_every_chart_equals_the_sum_of_its_day_rows(with_report):
    """Issue 12: the chart reads one stored row per film and period (FilmPeriod) instead of summing day rows
    per request: the same chart, exactly, for every day, week and year from February to April, everywhere and
    in each region, with a report speaking for a week, sales across a month's end and odd tiyn."""
    from funding import market

    send([sale("F1", film=A, start="2025-02-27T19:00:00+05:00", sold="2025-02-27T10:00:00+05:00", tickets=3,
               amount="3333.33", screening_format="2D"),
          sale("F2", film=C, cinema=C2, start="2025-02-28T19:00:00+05:00", sold="2025-02-28T10:00:00+05:00",
               tickets=1, amount="1250.05")])
    recompute()
    checked = 0
    for region in (None, "KZ-23", "KZ-79"):
        day = datetime.date(2025, 2, 20)
        while day <= datetime.date(2025, 4, 3):
            for period in market.PERIODS:
                stored = market.chart(period, day, region=region)
                keys = list(chart_from_day_rows(period, day, region)[0]) if stored.rows else []
                assert [{k: r[k] for k in keys} for r in stored.rows] == chart_from_day_rows(period, day, region), (
                    period, day, region)
                checked += len(stored.rows)
            day += datetime.timedelta(days=1)
    assert checked > 100


# --- The market summaries (boxoffice/market_summaries.py): what the chart's screens and the format split read --

def screens_from_raw_tickets(exclude_days=()) -> dict[tuple, int]:
    """{(film id, period, period start, region id or None): distinct screens} worked out from every accepted
    ticket, apart from the (film id, day) pairs a report speaks for: the truth the stored summary must equal."""
    from boxoffice.models import TicketTransaction
    from boxoffice.storing import screening_day
    from funding import market

    seen: dict[tuple, set] = {}
    for film_id, screen_id, region_id, starts_at in TicketTransaction.objects.values_list(
            "film_id", "screening__screen_id", "screening__cinema__region_id", "screening__starts_at"):
        day = screening_day(starts_at)
        if (film_id, day) in exclude_days:
            continue
        for period in market.PERIODS:
            start = market.period_bounds(period, day)[0]
            for region in (None, region_id):
                seen.setdefault((film_id, period, start, region), set()).add(screen_id)
    return {k: len(v) for k, v in seen.items()}


def stored_screens() -> dict[tuple, int]:
    """The stored screen counts of the periods where a ticket counts (FilmPeriod has rows with no screen too:
    a report's days, a film shown only by reports)."""
    from boxoffice.models import FilmPeriod

    return {(f, p, s, r): n for f, p, s, r, n in FilmPeriod.objects.filter(screens__gt=0).values_list(
        "film_id", "period", "start", "region_id", "screens")}


def test_the_screen_summary_equals_the_raw_tickets_and_follows_a_new_screen(market_scenario):
    from films.models import Film

    truth = screens_from_raw_tickets()
    assert stored_screens() == truth
    a = Film.objects.get(code=A).pk
    assert truth[(a, "year", datetime.date(2025, 1, 1), None)] == 2  # screen 1 of C1 and screen 1 of C2
    # a later sale of A on screen 2 of C1 in the same week: one screen more in that week and year, not before
    send([sale("N1", film=A, screen="2", start="2025-03-21T19:00:00+05:00", sold="2025-03-21T10:00:00+05:00",
               tickets=1, amount="2000.00", screening_format="2D")])
    recompute()
    assert stored_screens() == screens_from_raw_tickets()
    week = report("chart", "--period", "week", "--date", "2025-03-20")
    assert week[0]["film_code"] == A and week[0]["screens"] == 3
    assert report("chart", "--period", "week", "--date", "2025-03-12")[0]["screens"] == 1


def test_a_report_takes_its_days_out_of_the_screen_summary(with_report):
    from films.models import Film

    a = Film.objects.get(code=A).pk
    spoken = {(a, datetime.date(2025, 3, 17) + datetime.timedelta(days=i)) for i in range(7)}
    assert stored_screens() == screens_from_raw_tickets(exclude_days=spoken)


def test_the_nightly_check_rebuilds_tampered_market_summaries(market_scenario, caplog):
    from boxoffice.market_summaries import verify_market_summaries
    from boxoffice.models import FilmPeriod, FilmYearFormat
    from films.models import Film

    assert verify_market_summaries() == set()
    a, b = Film.objects.get(code=A).pk, Film.objects.get(code=B).pk
    FilmPeriod.objects.filter(film_id=a, period="week").update(screens=99)
    FilmYearFormat.objects.filter(film_id=b).delete()
    week_before = report("chart", "--period", "week", "--date", "2025-03-20")[0]["screens"]
    assert week_before == 99  # the chart reads the summary, not the raw rows
    assert verify_market_summaries(repair=False) == {a, b}
    assert FilmPeriod.objects.filter(screens=99).exists()  # only looked
    assert verify_market_summaries() == {a, b}
    assert "disagreed" in caplog.text
    assert stored_screens() == screens_from_raw_tickets()
    assert report("chart", "--period", "week", "--date", "2025-03-20")[0]["screens"] == 2
    fmt = {r["value"]: r["gross"] for r in report("market", "--by", "format", "--year", "2025")}
    assert fmt["IMAX"] == "1500.00"


def test_a_batch_rebuilds_only_the_years_it_touched_and_weeks_across_new_year_stay_right(market_scenario):
    from boxoffice.models import FilmPeriod
    from films.models import Film

    a = Film.objects.get(code=A).pk
    # a week that starts on Monday 29 December 2025 and ends in 2026, on two screens
    send([sale("Y1", film=A, start="2025-12-30T19:00:00+05:00", sold="2025-12-30T10:00:00+05:00", tickets=1,
               amount="1000.00"),
          sale("Y2", film=A, cinema=C2, start="2026-01-02T19:00:00+05:00", sold="2026-01-02T10:00:00+05:00",
               tickets=1, amount="1000.00")])
    recompute()
    assert stored_screens() == screens_from_raw_tickets()
    week = (a, "week", datetime.date(2025, 12, 29), None)
    assert stored_screens()[week] == 2
    # a mark on a March 2025 row shows which years the next rebuild reads again
    FilmPeriod.objects.filter(film_id=a, period="day", start=datetime.date(2025, 3, 18)).update(screens=77)
    send([sale("Y3", film=A, screen="2", start="2026-01-03T19:00:00+05:00", sold="2026-01-03T10:00:00+05:00",
               tickets=1, amount="1000.00")])
    recompute()
    assert stored_screens()[week] == 3  # 2026's batch rebuilt the week that began in 2025
    assert stored_screens()[(a, "year", datetime.date(2026, 1, 1), None)] == 2  # C2 screen 1, C1 screen 2
    # 2025 itself was not read again (its inputs did not change): the mark is still there ...
    assert stored_screens()[(a, "day", datetime.date(2025, 3, 18), None)] == 77
    # ... and the nightly check puts it right; then everything equals the raw tickets
    from boxoffice.market_summaries import verify_market_summaries

    assert verify_market_summaries() == {a}
    assert stored_screens() == screens_from_raw_tickets()


def test_a_year_left_without_rows_keeps_the_late_december_days_of_the_year_before(market_scenario):
    """Rebuilding 2026 reads from 26 December 2025 on (its first week may start then): when 2026 has no
    screen-day rows any more, the days and the week of 2025 in that window must still be rebuilt, not lost."""
    from boxoffice.market_summaries import rebuild_market_summaries
    from boxoffice.models import ScreenDaySales
    from films.models import Film

    a = Film.objects.get(code=A).pk
    send([sale("Z1", film=A, start="2025-12-30T19:00:00+05:00", sold="2025-12-30T10:00:00+05:00", tickets=1,
               amount="1000.00"),
          sale("Z2", film=A, cinema=C2, start="2026-01-02T19:00:00+05:00", sold="2026-01-02T10:00:00+05:00",
               tickets=1, amount="1000.00")])
    recompute()
    assert stored_screens()[(a, "week", datetime.date(2025, 12, 29), None)] == 2
    ScreenDaySales.objects.filter(film_id=a, day__year=2026).delete()  # 2026's only row goes
    rebuild_market_summaries([a])
    stored = stored_screens()
    assert stored[(a, "week", datetime.date(2025, 12, 29), None)] == 1
    assert stored[(a, "day", datetime.date(2025, 12, 30), None)] == 1
    assert (a, "year", datetime.date(2026, 1, 1), None) not in stored
