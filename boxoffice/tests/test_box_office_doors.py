"""Box-office reports through every door: staff upload, auditor report, and the figures on page, API, open data."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boxoffice.models import ReportImport, ReportRow
from conftest import run_command
from films.models import AuditEvent, Film

FILM = "KZ-2024-0005"


@pytest.fixture
def reported(examples_loaded, examples_dir, django_capture_on_commit_callbacks):
    """The example sales, then both example report files, with the recompute run on commit."""
    for n in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            run_command("import_box_office", str(examples_dir / f"box-office-small-{n}.csv"))


def test_officers_upload_reports_and_see_each_rows_outcome(client, registers, officer, examples_dir,
                                                            django_capture_on_commit_callbacks):
    client.force_login(officer)
    upload = SimpleUploadedFile("box-office-small-1.csv", (examples_dir / "box-office-small-1.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:upload", args=["box-office"]), {"file": upload})
    assert response.status_code == 200
    s = response.context["report"].summary()
    assert (s["created"], s["updated"], s["unchanged"], s["rejected"]) == (15, 0, 0, 3)
    page = response.content.decode()
    assert "partly overlaps" in page and "KZ-NOT-REGISTERED is not a registered film" in page
    assert "&#x27;12 500,00&#x27; is not a number" in page
    imp = ReportImport.objects.get()
    assert (imp.submitted_by, imp.door, imp.filename, imp.created, imp.rejected) == (
        officer, "upload", "box-office-small-1.csv", 15, 3)
    assert Film.objects.get(code="KZ-2020-0006").metrics.gross == Decimal("316842591.08")
    # Linked from the workspace.
    assert reverse("staff:upload", args=["box-office"]) in client.get(reverse("staff:dashboard")).content.decode()


def test_auditors_cannot_upload_reports(client, registers, auditor, examples_dir):
    client.force_login(auditor)
    upload = SimpleUploadedFile("r.csv", (examples_dir / "box-office-small-1.csv").read_bytes())
    assert client.post(reverse("staff:upload", args=["box-office"]), {"file": upload}).status_code == 403
    assert not ReportRow.objects.exists()


def test_a_correction_through_the_upload_is_audited_with_the_officer(client, registers, officer, examples_dir):
    client.force_login(officer)
    for n in (1, 2):
        f = SimpleUploadedFile(f"b{n}.csv", (examples_dir / f"box-office-small-{n}.csv").read_bytes())
        client.post(reverse("staff:upload", args=["box-office"]), {"file": f})
    event = AuditEvent.objects.get(object_type="boxoffice.reportrow", action="update")
    assert event.actor == officer and event.door == "upload"
    assert (event.before["gross"], event.after["gross"]) == ("256917195.33", "256917973.10")


def test_the_auditors_pair_of_reported_and_ticketed(client, reported, auditor):
    client.force_login(auditor)
    response = client.get(reverse("staff:report-export", args=["reported-vs-ticketed", "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_key = {(r["film_code"], r["place"], r["period_start"]): r for r in rows}
    # The akimat's KZ-23 figure for KZ-2019-0002 stands in for the tickets sold at KZ-C0002 (Atyrau) on
    # 2024-09-07 and 2024-09-08; the national week of KZ-2024-0005 for those of 2024-08-12..18.
    assert sorted(by_key) == [("KZ-2019-0002", "KZ-23", "2024-09-07"), (FILM, "country", "2024-08-12")]
    pair = by_key[("KZ-2019-0002", "KZ-23", "2024-09-07")]
    assert (Decimal(pair["reported"]), Decimal(pair["ticketed"]), Decimal(pair["difference"])) == (
        Decimal("12345678.90"), Decimal("76000.00"), Decimal("12269678.90"))
    assert (pair["days_spoken"], pair["days_with_tickets"], pair["flagged"]) == ("31", "2", "")
    share = (Decimal("76000") / Decimal("12345678.90")).quantize(Decimal("1e-6"))
    assert Decimal(pair["share_covered"]) == share
    page = client.get(reverse("staff:report", args=["reported-vs-ticketed"]))
    assert page.status_code == 200 and "KZ-2019-0002" in page.content.decode()
    flagged = client.get(reverse("staff:report", args=["reported-vs-ticketed"]), {"flagged": "yes"})
    assert "KZ-2019-0002" not in flagged.content.decode()  # 76000 ticketed never exceeds 12345678.90
    assert client.get(reverse("staff:report-export", args=["reported-vs-ticketed", "xlsx"])).status_code == 200


def test_page_api_and_open_data_tell_the_same_provenance(client, reported):
    film = Film.objects.get(code=FILM)
    m = film.metrics
    assert m.gross == Decimal("3129213.07") and m.gross_from_reports > 0 and m.gross_from_tickets > 0
    assert m.gross_from_tickets + m.gross_from_reports == m.gross
    api = client.get(f"/api/v1/films/{FILM}/").json()["metrics"]
    assert (Decimal(api["gross_from_tickets"]), Decimal(api["gross_from_reports"])) == (
        m.gross_from_tickets, m.gross_from_reports)
    assert {s["source"] for s in api["report_sources"]} == {"EAIS-style national registry", "Exhibitor return"}
    opendata = json.loads(client.get("/open-data/films.json").content)["rows"]
    row = next(r for r in opendata if r["code"] == FILM)
    assert row["gross_from_reports"] == api["gross_from_reports"]
    flat = next(r for r in csv.DictReader(io.StringIO(client.get("/open-data/films.csv").content.decode()))
                if r["code"] == FILM)
    assert flat["gross_from_tickets"] == api["gross_from_tickets"]
    assert "Exhibitor return" in flat["report_sources"]
    page = client.get(f"/en/films/{FILM}/").content.decode()
    assert f"{m.gross_from_tickets:,.2f}" in page and f"{m.gross_from_reports:,.2f}" in page
    assert "Exhibitor return" in page and "detail only" not in page  # every row of this film speaks somewhere
    national = client.get("/en/films/KZ-2020-0006/").content.decode()
    assert "detail only" in national  # the weekly statements inside the whole-run national total


def test_the_cli_report_keeps_exactly_the_spec_columns_while_pages_and_files_show_provenance(
        client, reported, auditor):
    out, _ = run_command("report", "funded-vs-released", "--format", "json")
    rows = json.loads(out)
    assert list(rows[0]) == ["year", "films_funded", "awarded", "films_released", "released_share", "gross",
                             "return_on_funding"]
    assert rows[-1]["gross"] == "1373416126.35"
    page = client.get("/en/funding/reports/funded-vs-released/").content.decode()
    assert "Gross from box-office reports, KZT" in page
    client.force_login(auditor)
    audit_rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("staff:report-export", args=["funded-vs-released", "csv"])).content.decode())))
    total = audit_rows[-1]
    assert Decimal(total["gross_from_tickets"]) + Decimal(total["gross_from_reports"]) == Decimal(total["gross"])
    assert Decimal(total["gross"]) == Decimal("1373416126.35")


def test_the_film_page_sums_reports_by_month_and_links_every_row(client, reported):
    """Issue 12: a year of daily reports is a dozen lines on the film's page, each month's sums equal to its
    rows; every row stays listed, one line each, on the film's report page."""
    import datetime
    from collections import defaultdict

    film = Film.objects.get(code="KZ-2020-0006")
    rows = list(ReportRow.objects.filter(film=film))
    assert len(rows) > 1
    expected = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for r in rows:
        key = (r.period_start.replace(day=1), r.region_id, r.cinema_id, r.source)
        expected[key][0] += r.gross
        expected[key][1] += r.spoken_gross
        expected[key][2] += 1
    response = client.get(f"/en/films/{film.code}/")
    months = response.context["report_months"]
    got = {(g["month"], g["region"] and g["region"].pk, g["cinema"] and g["cinema"].pk, g["source"]):
           [g["gross"], g["spoken_gross"], g["rows"]] for g in months}
    assert got == {k: v for k, v in expected.items()}
    assert len(months) < len(rows)  # the weekly statements of a month are one line
    assert all(isinstance(g["month"], datetime.date) and g["month"].day == 1 for g in months)
    page = response.content.decode()
    assert f'href="/en/films/{film.code}/reports/"' in page
    assert "detail only" in page
    every = client.get(f"/en/films/{film.code}/reports/")
    assert every.status_code == 200
    listing = every.content.decode()
    assert len(every.context["report_rows"]) == len(rows)
    for r in rows:
        assert f"{r.period_start:%Y-%m-%d} – {r.period_end:%Y-%m-%d}" in listing
        assert f"{r.gross:,.2f}" in listing
    assert client.get("/en/films/KZ-NOPE-0000/reports/").status_code == 404


def test_a_films_report_rows_come_a_page_at_a_time(client, reported, monkeypatch):
    from public import film_views

    film = Film.objects.get(code="KZ-2020-0006")
    total = ReportRow.objects.filter(film=film).count()
    assert total > 2
    monkeypatch.setattr(film_views, "REPORT_ROWS_PER_PAGE", 2)
    first = client.get(f"/en/films/{film.code}/reports/", {"page": 1})
    last = client.get(f"/en/films/{film.code}/reports/", {"page": 99})  # past the end: the last page
    assert len(first.context["report_rows"]) == 2
    assert 'rel="next"' in first.content.decode()
    seen = {r.pk for r in first.context["report_rows"]} | {
        r.pk for p in range(2, (total + 1) // 2 + 1)
        for r in client.get(f"/en/films/{film.code}/reports/", {"page": p}).context["report_rows"]}
    assert len(seen) == total and 'rel="next"' not in last.content.decode()
    assert client.get(f"/en/films/{film.code}/reports/", {"sort": "gross"}).status_code == 400


@pytest.mark.parametrize("language, words", [("kk", "есептің әр жолы"), ("ru", "каждая строка отчётов")])
def test_the_link_to_every_report_row_is_translated(client, reported, language, words):
    page = client.get(f"/{language}/films/KZ-2020-0006/").content.decode()
    assert words in page and f'href="/{language}/films/KZ-2020-0006/reports/"' in page
