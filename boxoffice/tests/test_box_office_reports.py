"""box-office-reports.md: loading report rows, and how reports and tickets combine (hand-computed scenarios)."""
from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from boxoffice.combining import spread
from boxoffice.models import FilmDay, ReportImport, ReportRow
from boxoffice.reporting import FIELDS, Registers, import_box_office, parse_row, read_rows
from boxoffice.selectors import reported_versus_ticketed
from boxoffice.tests.helpers import sale, send
from conftest import run_command
from films.audit import Actor
from films.choices import FilmStatus
from films.models import AuditEvent, Film
from funding.metrics import recompute_film_metrics

FILM = "FX-00001"  # no grants
FUNDED = "KZ-2024-0003"  # one KZT grant of 331000000.70
D = datetime.date(2025, 3, 18)  # the helpers' default screening day (19:00 Almaty)


def rows_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({"source": "EAIS", "film_code": FILM, **r})
    return out.getvalue().encode()


def load(rows: list[dict] | bytes, **kw):
    data = rows if isinstance(rows, bytes) else rows_csv(rows)
    return import_box_office(stream=io.BytesIO(data), actor=Actor.command("test"), filename="t.csv", **kw)


def metrics(code=FILM):
    film = Film.objects.get(code=code)
    return recompute_film_metrics([film.pk])[0]


def days(code=FILM):
    return {(d.day, d.region.code if d.region_id else None): d
            for d in FilmDay.objects.filter(film__code=code).select_related("region")}


def ticket(tx, *, cinema="KZ-C0001", day=D, amount="5000.00", tickets=2, film=FILM):
    return sale(tx, cinema=cinema, film=film, amount=amount, tickets=tickets,
                start=f"{day.isoformat()}T19:00:00+05:00", sold=f"{day.isoformat()}T12:00:00+05:00")


# --- spreading -------------------------------------------------------------------------------------------

def test_spread_gives_the_rest_to_the_last_day():
    assert [spread(10000, 3, i) for i in range(3)] == [3333, 3333, 3334]
    assert sum(spread(7, 7, i) for i in range(7)) == 7 and [spread(10, 4, i) for i in range(4)] == [2, 2, 2, 4]


@pytest.mark.django_db
def test_a_row_is_spread_evenly_over_its_days_rounded_down_last_day_takes_the_rest(registers):
    report = load([{"period_start": "2025-03-01", "period_end": "2025-03-03", "gross": "100.00",
                    "admissions": "10", "screenings": "5"}])
    assert report.count("created") == 1
    m = metrics()
    got = days()
    assert [(got[(datetime.date(2025, 3, d), None)].report_gross,
             got[(datetime.date(2025, 3, d), None)].report_admissions,
             got[(datetime.date(2025, 3, d), None)].report_screenings) for d in (1, 2, 3)] == [
        (Decimal("33.33"), 3, 1), (Decimal("33.33"), 3, 1), (Decimal("33.34"), 4, 3)]
    assert m.gross == Decimal("100.00") and m.admissions == 10 and m.screenings == 5
    assert m.gross_from_reports == Decimal("100.00") and m.gross_from_tickets == 0
    assert m.report_sources == [{"source": "EAIS", "gross": "100.00", "rows": 1}]


# --- the widest place speaks ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_national_row_replaces_the_feed_for_its_days_and_the_pair_is_flagged(registers):
    send([ticket("T1", day=D), ticket("T2", day=D + datetime.timedelta(days=1), amount="3000.00", tickets=1)])
    load([{"period_start": D.isoformat(), "period_end": D.isoformat(), "gross": "1000.00", "admissions": "1"}])
    m = metrics()
    # D: the national row (1000) instead of the ticket (5000); D+1: the feed (3000).
    assert (m.gross, m.gross_from_tickets, m.gross_from_reports) == (Decimal("4000.00"), Decimal("3000.00"),
                                                                   Decimal("1000.00"))
    assert m.admissions == 1 + 1
    row = ReportRow.objects.get()
    assert (row.spoken_gross, row.covered_ticket_gross, row.covered_ticket_admissions) == (
        Decimal("1000.00"), Decimal("5000.00"), 2)
    assert list(reported_versus_ticketed(flagged_only=True)) == [row]  # tickets exceed the report


@pytest.mark.django_db
def test_a_region_row_replaces_its_cinemas_tickets_only(registers):
    send([ticket("T1", cinema="KZ-C0001"), ticket("T2", cinema="KZ-C0002", amount="3000.00")])
    load([{"period_start": D.isoformat(), "period_end": D.isoformat(), "gross": "7000.00", "admissions": "3",
           "region": "KZ-79"}])
    m = metrics()
    assert (m.gross, m.gross_from_tickets, m.gross_from_reports) == (Decimal("10000.00"), Decimal("3000.00"),
                                                                    Decimal("7000.00"))
    got = days()
    assert got[(D, "KZ-79")].report_gross == Decimal("7000.00") and got[(D, "KZ-79")].ticket_gross == 0
    assert got[(D, "KZ-23")].ticket_gross == Decimal("3000.00") and got[(D, "KZ-23")].report_gross == 0
    row = ReportRow.objects.get()
    assert row.covered_ticket_gross == Decimal("5000.00")
    assert list(reported_versus_ticketed(flagged_only=True)) == []  # 5000 ticketed < 7000 reported


@pytest.mark.django_db
def test_an_unconnected_cinemas_return_adds_to_the_feed(registers):
    send([ticket("T1", cinema="KZ-C0001")])
    load([{"period_start": D.isoformat(), "period_end": (D + datetime.timedelta(days=1)).isoformat(),
           "gross": "400.01", "admissions": "4", "cinema_code": "KZ-C0003"}])
    m = metrics()
    assert (m.gross, m.gross_from_tickets, m.gross_from_reports) == (Decimal("5400.01"), Decimal("5000.00"),
                                                                    Decimal("400.01"))
    assert m.admissions == 6
    assert ReportRow.objects.get().covered_ticket_days == 0
    assert list(reported_versus_ticketed()) == []


@pytest.mark.django_db
def test_a_cinema_row_replaces_its_tickets_and_a_region_row_replaces_the_cinema_row(registers):
    send([ticket("T1", cinema="KZ-C0001"), ticket("T2", cinema="KZ-C0001", day=D + datetime.timedelta(days=1))])
    load([{"period_start": D.isoformat(), "period_end": (D + datetime.timedelta(days=1)).isoformat(),
           "gross": "2000.00", "admissions": "2", "cinema_code": "KZ-C0001", "source": "Exhibitor return"},
          {"period_start": D.isoformat(), "period_end": D.isoformat(), "gross": "9000.00", "admissions": "9",
           "region": "KZ-79", "source": "akimat"}])
    m = metrics()
    # D: the region speaks (9000) over the cinema row and its ticket; D+1: the cinema row's last day (1000).
    assert (m.gross, m.gross_from_tickets, m.gross_from_reports) == (Decimal("10000.00"), 0, Decimal("10000.00"))
    cinema_row = ReportRow.objects.get(source="Exhibitor return")
    assert (cinema_row.spoken_days, cinema_row.spoken_gross, cinema_row.covered_ticket_gross) == (
        1, Decimal("1000.00"), Decimal("5000.00"))
    region_row = ReportRow.objects.get(source="akimat")
    got = days()
    # The day-level summary says which rows spoke, and for how much, on each day and region.
    assert got[(D, "KZ-79")].report_parts == {str(region_row.pk): "9000.00"}
    assert got[(D + datetime.timedelta(days=1), "KZ-79")].report_parts == {str(cinema_row.pk): "1000.00"}
    assert all(d.ticket_gross == 0 for d in got.values())
    assert {s["source"]: s["gross"] for s in m.report_sources} == {"akimat": "9000.00",
                                                                   "Exhibitor return": "1000.00"}


@pytest.mark.django_db
def test_the_longest_period_speaks_then_the_most_recently_imported(registers):
    load([{"period_start": "2025-03-01", "period_end": "2025-03-07", "gross": "700.00", "source": "weekly"},
          {"period_start": "2025-03-02", "period_end": "2025-03-02", "gross": "500.00", "source": "daily"}])
    m = metrics()
    assert m.gross == Decimal("700.00")  # the week speaks; the day inside it is kept as detail
    assert ReportRow.objects.get(source="daily").spoken_days == 0
    load([{"period_start": "2025-03-01", "period_end": "2025-03-07", "gross": "770.00", "source": "yearbook"}])
    assert metrics().gross == Decimal("770.00")  # equal periods: the later import speaks
    assert ReportRow.objects.get(source="weekly").spoken_days == 0
    # Loading the older file again changes nothing, so it does not become "more recent".
    load([{"period_start": "2025-03-01", "period_end": "2025-03-07", "gross": "700.00", "source": "weekly"}])
    assert metrics().gross == Decimal("770.00")


@pytest.mark.django_db
def test_a_whole_run_national_total_counts_once_over_weekly_charts_and_tickets(registers):
    send([ticket("T1")])
    load([{"period_start": "2025-03-01", "period_end": "2025-03-31", "gross": "310000.00", "admissions": "31"},
          {"period_start": "2025-03-17", "period_end": "2025-03-23", "gross": "70000.00", "source": "weekly"}])
    m = metrics()
    assert (m.gross, m.gross_from_tickets, m.admissions) == (Decimal("310000.00"), 0, 31)
    assert sum(d.gross for d in FilmDay.objects.filter(film__code=FILM)) == Decimal("310000.00")


# --- rows rejected -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_partly_overlapping_row_is_rejected_naming_the_other(registers):
    load([{"period_start": "2025-03-01", "period_end": "2025-03-07", "gross": "700.00"}])
    report = load([{"period_start": "2025-03-05", "period_end": "2025-03-10", "gross": "600.00", "source": "d"},
                   {"period_start": "2025-03-01", "period_end": "2025-03-03", "gross": "300.00", "source": "d"},
                   {"period_start": "2025-03-02", "period_end": "2025-03-04", "gross": "300.00", "source": "e"},
                   {"period_start": "2025-03-05", "period_end": "2025-03-10", "gross": "600.00",
                    "region": "KZ-79"}])
    problems = report.summary()["problems"]
    assert [(p["line"], p["field"]) for p in problems] == [(2, "period_start"), (4, "period_start")]
    assert "2025-03-01–2025-03-07 of EAIS" in problems[0]["reason"]  # the held row
    assert "line 3" in problems[1]["reason"]  # a row of the same file
    assert report.count("created") == 2  # the nested one and the other place's


@pytest.mark.django_db
def test_a_row_reports_every_error_at_once(registers):
    """Issue 13: a clerk fixes a row in one go, not one error per upload."""
    report = load([{"period_start": "2025-03-08", "period_end": "2025-03-01", "gross": "12 500,00",
                    "currency": "USD", "admissions": "many", "region": "KZ-99", "source": ""}])
    (problem,) = report.summary()["problems"]
    fields = ["period_end", "gross", "currency", "admissions", "region", "source"]
    assert problem["field"] == ", ".join(fields)
    for field in fields:
        assert f"{field}: " in problem["reason"], field
    assert "2025-03-01 is before period_start 2025-03-08" in problem["reason"]
    assert "'many' is not a whole number" in problem["reason"]
    # A row with a single error reads as before: its field, and why.
    (one,) = load([{"period_start": "2025-03-01", "period_end": "2025-03-01", "gross": "-1"}]).summary()["problems"]
    assert one["field"] == "gross" and one["reason"].startswith("-1 is negative")


@pytest.mark.django_db
def test_each_bad_field_is_named_with_why(registers):
    base = {"period_start": "2025-03-01", "period_end": "2025-03-01", "gross": "1.00"}
    report = load([
        {**base, "currency": "USD"},
        {**base, "region": "KZ-99"},
        {**base, "cinema_code": "KZ-C9999"},
        {**base, "region": "KZ-79", "cinema_code": "KZ-C0001"},
        {**base, "gross": "12 500,00"},
        {**base, "gross": "1.005"},
        {**base, "gross": "-1.00"},
        {**base, "admissions": "1.5"},
        {**base, "screenings": "-3"},
        {**base, "film_code": "KZ-NOT-REGISTERED"},
        {**base, "period_end": "2025-02-28"},
        {**base, "source": ""},
        {**base, "currency": "kzt"},
    ])
    assert [(p["line"], p["field"]) for p in report.summary()["problems"]] == [
        (2, "currency"), (3, "region"), (4, "cinema_code"), (5, "cinema_code"), (6, "gross"), (7, "gross"),
        (8, "gross"), (9, "admissions"), (10, "screenings"), (11, "film_code"), (12, "period_end"), (13, "source")]
    assert report.count("created") == 1 and ReportRow.objects.get().currency == "KZT"
    assert "not a registered film" in report.summary()["problems"][9]["reason"]


# --- idempotence, corrections, the command ----------------------------------------------------------------

@pytest.mark.django_db
def test_loading_the_same_file_twice_changes_nothing(registers):
    rows = [{"period_start": "2025-03-01", "period_end": "2025-03-07", "gross": "700.00"}]
    load(rows)
    metrics()
    events, picture = AuditEvent.objects.count(), sorted((d.day, d.report_gross) for d in FilmDay.objects.all())
    again = load(rows)
    assert (again.count("created"), again.count("unchanged")) == (0, 1)
    assert AuditEvent.objects.count() == events and ReportRow.objects.count() == 1
    metrics()
    assert sorted((d.day, d.report_gross) for d in FilmDay.objects.all()) == picture


@pytest.mark.django_db
def test_a_correction_is_applied_with_before_and_after_in_the_audit_trail(registers):
    load([{"period_start": "2025-03-01", "period_end": "2025-03-07", "gross": "700.00", "reference": "a"}])
    report = load([{"period_start": "2025-03-01", "period_end": "2025-03-07", "gross": "750.00",
                    "admissions": "70", "reference": "b"}])
    assert report.count("updated") == 1
    row = ReportRow.objects.get()
    event = AuditEvent.objects.get(object_type="boxoffice.reportrow", object_id=str(row.pk), action="update")
    assert event.before["gross"] == "700.00" and event.after["gross"] == "750.00"
    assert (event.before["admissions"], event.after["admissions"]) == (None, 70)
    assert event.actor_label.endswith("manage.py test")  # cli:<OS user> manage.py test
    assert row.imported_by_id == ReportImport.objects.order_by("-pk").first().pk
    assert metrics().gross == Decimal("750.00")


@pytest.mark.django_db
def test_the_command_prints_counts_and_json_and_exits_1_on_a_file_rejected_whole(registers, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(rows_csv([{"period_start": "2025-03-01", "period_end": "2025-03-01", "gross": "1.00"},
                               {"period_start": "2025-03-01", "period_end": "2025-03-01", "gross": "x"}]))
    out, _ = run_command("import_box_office", str(good))
    assert "0 created, 0 updated, 1 unchanged, 1 rejected" not in out
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "line 3 (FX-00001): gross: 'x' is not a number" in out
    out, _ = run_command("import_box_office", "--json", str(good))
    one = json.loads(out)
    assert {k: one[k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 0, "updated": 0, "unchanged": 1, "rejected": 1}
    out, _ = run_command("import_box_office", "--json", str(good), str(good))
    assert [s["unchanged"] for s in json.loads(out)] == [1, 1]
    bad = tmp_path / "bad.csv"
    bad.write_text("film_code,gross\nFX-00001,1.00\n")
    with pytest.raises(SystemExit) as exc:
        call_command("import_box_office", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.code == 1


@pytest.mark.django_db
def test_json_rows_keep_exact_decimals(registers):
    doc = ('{"format": "box-office-report/1", "rows": [{"film_code": "FX-00001", "period_start": "2025-03-01", '
           '"period_end": "2025-03-01", "gross": 1234567890123456.78, "admissions": 3, "source": "EAIS"}]}')
    rows, _w, kind = read_rows(io.BytesIO(doc.encode()))
    assert kind == "json"
    assert parse_row(0, rows[0][1], Registers(rows)).gross == Decimal("1234567890123456.78")  # a float: …56.8
    report = load(doc.replace("1234567890123456.78", "12345678901.07").encode())
    assert report.count("created") == 1 and report.position_label == "index"
    assert ReportRow.objects.get().gross == Decimal("12345678901.07")
    bad = load(b'{"format": "box-office-report/1", "rows": [{"film_code": "FX-00001", "period_start": '
               b'"2025-03-01", "period_end": "2025-03-01", "gross": 1.001, "source": "EAIS"}]}')
    assert [(p["line"], p["field"]) for p in bad.summary()["problems"]] == [(0, "gross")]


# --- what follows an import: recompute, release, incomplete admissions ------------------------------------

@pytest.mark.django_db
def test_an_import_queues_the_recompute_of_the_touched_films_and_releases_them(
        registers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load([{"period_start": "2023-05-02", "period_end": "2023-05-08", "gross": "700.00", "admissions": "7"}])
    assert callbacks  # the recompute waits for the commit
    film = Film.objects.get(code=FILM)
    assert film.metrics.gross == Decimal("700.00") and film.metrics.gross_from_reports == Decimal("700.00")
    assert film.status == FilmStatus.RELEASED and film.release_date == datetime.date(2023, 5, 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load([{"period_start": "2023-05-02", "period_end": "2023-05-08", "gross": "700.00", "admissions": "7"}])
    assert not callbacks  # nothing changed, nothing to recompute


@pytest.mark.django_db
def test_a_speaking_row_without_admissions_marks_the_total_incomplete(registers):
    load([{"film_code": FUNDED, "period_start": "2025-03-01", "period_end": "2025-03-02", "gross": "1000.00",
           "admissions": "10"}])
    m = metrics(FUNDED)
    assert m.admissions == 10 and not m.admissions_incomplete
    assert m.funding_per_admission == (Decimal("331000000.70") / 10).quantize(Decimal("0.01"))
    load([{"film_code": FUNDED, "period_start": "2025-03-03", "period_end": "2025-03-03", "gross": "500.00"}])
    m = metrics(FUNDED)
    assert m.admissions == 10 and m.admissions_incomplete and m.funding_per_admission is None
    assert m.gross == Decimal("1500.00")


@pytest.mark.django_db
def test_the_example_reports_give_the_expected_film_totals(examples_loaded, examples_dir,
                                                             django_capture_on_commit_callbacks):
    expected = json.loads((examples_dir / "expected-box-office.json").read_text())
    for n in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            run_command("import_box_office", str(examples_dir / f"box-office-small-{n}.csv"))
    got = {f.code: f"{f.metrics.gross:.2f}" for f in Film.objects.select_related("metrics")}
    assert got == expected["films"]
    for f in Film.objects.select_related("metrics"):
        assert f.metrics.gross_from_tickets + f.metrics.gross_from_reports == f.metrics.gross


def test_partial_overlap_is_found_among_many_nested_and_apart_periods():
    """Periods: every pair of a few hand-picked periods against the direct definition."""
    from boxoffice.reporting import Periods

    day = datetime.date(2025, 1, 1)

    class P:
        def __init__(self, a, b):
            self.period_start, self.period_end = day + datetime.timedelta(a), day + datetime.timedelta(b)

    held = [P(0, 30), P(0, 6), P(7, 13), P(3, 3), P(40, 40), P(35, 50)]
    periods = Periods()
    for h in held:
        periods.add(h)
    for a in range(-2, 55):
        for b in range(a, 55):
            s, e = day + datetime.timedelta(a), day + datetime.timedelta(b)
            direct = [h for h in held if s <= h.period_end and h.period_start <= e
                      and not (s <= h.period_start and h.period_end <= e)
                      and not (h.period_start <= s and e <= h.period_end)]
            assert (periods.partly_overlapping(s, e) is not None) == bool(direct), (a, b)


@pytest.mark.django_db
@pytest.mark.parametrize("lang, words", [("kk", "теріс"), ("ru", "отрицательно")])
def test_report_row_errors_are_in_the_language_of_the_page(registers, lang, words):
    from django.utils import translation

    with translation.override(lang):
        (problem,) = load([{"period_start": "2025-03-01", "period_end": "2025-03-01", "gross": "-1",
                            "source": ""}]).summary()["problems"]
    assert problem["field"] == "gross, source" and words in problem["reason"], problem["reason"]
    assert "negative" not in problem["reason"]
