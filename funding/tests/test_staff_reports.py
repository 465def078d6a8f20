"""Auditor reports: page, CSV and XLSX agree cell for cell, and agree with the funded-vs-released report
and the examples' expected figures (metrics.md)."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import FilmMetrics, Grant
from funding.selectors import funded_vs_released
from staff.auditor import REPORTS


def _page_rows(response):
    return [list(r) for r in response.context["rows"]]


def _csv_rows(response):
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return rows[0], rows[1:]


def _xlsx_rows(response, header):
    """The workbook's rows after its header row (a title, the "as of" stamp and filters come first)."""
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [list(r)[: len(header)] for r in ws.iter_rows(values_only=True)]
    header_at = values.index(header)
    return values[header_at], values[header_at + 1 :]


def _same(page_cell: str, file_cell) -> bool:
    if file_cell is None:
        return page_cell == ""
    if isinstance(file_cell, datetime.datetime):  # typed: a date-time (moments) or a date (dates) in XLSX
        return page_cell in (file_cell.strftime("%Y-%m-%d %H:%M:%S"), file_cell.date().isoformat())
    if isinstance(file_cell, (int, float)) and not isinstance(file_cell, bool):
        return Decimal(page_cell) == Decimal(str(file_cell)).quantize(
            Decimal(page_cell) if "." in page_cell else Decimal("1")
        )
    return str(file_cell).lstrip("'") == page_cell.lstrip("'")


@pytest.mark.parametrize("slug", list(REPORTS))
def test_page_csv_and_xlsx_agree_figure_for_figure(client, examples_loaded, auditor, slug):
    client.force_login(auditor)
    page = client.get(reverse("staff:report", args=[slug]))
    assert page.status_code == 200
    rows = _page_rows(page)
    assert b"As of:" in page.content
    header, csv_rows = _csv_rows(client.get(reverse("staff:report-export", args=[slug, "csv"])))
    assert header == [c.key for c in page.context["table"].columns]
    assert csv_rows == rows
    xlsx = client.get(reverse("staff:report-export", args=[slug, "xlsx"]))
    assert xlsx["X-As-Of"].startswith("As of:")
    if rows:
        labels = [str(c.label) for c in page.context["table"].columns]  # a workbook is headed for people
        x_header, x_rows = _xlsx_rows(xlsx, labels)
        assert list(x_header) == labels and not set(labels) & set(header) - {""}
        assert len(x_rows) == len(rows)
        for p_row, x_row in zip(rows, x_rows, strict=True):
            assert all(_same(p, x) for p, x in zip(p_row, x_row, strict=True)), (p_row, x_row)


def test_funded_vs_released_equals_the_public_report_and_the_examples(
    client, examples_loaded, auditor, examples_dir
):
    expected = json.loads((examples_dir / "expected.json").read_text())["funded_vs_released"]
    client.force_login(auditor)
    table = client.get(reverse("staff:report", args=["funded-vs-released"])).context["table"]
    public = {str(r["year"]): r for r in funded_vs_released().as_json()}
    assert [str(r["year"]) for r in table.rows] == list(expected) == list(public)
    for row in table.rows:
        want = expected[str(row["year"])]
        assert f"{row['awarded']:.2f}" == want["awarded"] == public[str(row["year"])]["awarded"]
        assert f"{row['gross']:.2f}" == want["gross"]
        assert row["films_funded"] == want["films_funded"] and row["films_released"] == want["films_released"]
        assert abs(float(row["return_on_funding"] or 0) - want["return_on_funding"]) < 1e-9


def test_funder_filter_narrows_to_that_funders_grants(client, examples_loaded, auditor):
    funder = Grant.objects.published().filter(currency="KZT").values_list("funder_id", flat=True).first()
    client.force_login(auditor)
    response = client.get(
        reverse("staff:report-export", args=["funded-vs-released", "csv"]), {"funder": funder}
    )
    _, rows = _csv_rows(response)
    total = rows[-1]
    mine = sum(
        (
            g.amount_awarded
            for g in Grant.objects.published().linked().filter(funder_id=funder, currency="KZT")
        ),
        Decimal("0"),
    )
    assert Decimal(total[2]) == mine
    table = client.get(reverse("staff:report", args=["funded-vs-released"]), {"funder": funder}).context[
        "table"
    ]
    assert "Funder" in table.filters


def test_rof_ranking_matches_metrics_definitions(client, examples_loaded, auditor):
    client.force_login(auditor)
    table = client.get(reverse("staff:report", args=["return-on-funding"])).context["table"]
    for row in table.rows:
        m = FilmMetrics.objects.get(film__code=row["film_code"])
        assert row["return_on_funding"] == (m.gross / m.awarded_kzt).quantize(Decimal("1e-12"))
        if m.admissions:
            assert row["funding_per_admission"] == (m.awarded_kzt / m.admissions).quantize(Decimal("0.01"))
        else:
            assert row["funding_per_admission"] is None
    rofs = [r["return_on_funding"] for r in table.rows if r["return_on_funding"] is not None]
    assert rofs == sorted(rofs, reverse=True)


def test_recipients_shares_sum_to_one_and_unlinked_matches_examples(
    client, examples_loaded, auditor, examples_dir
):
    client.force_login(auditor)
    rec = client.get(reverse("staff:report", args=["recipients"])).context["table"]
    assert abs(sum(r["share_of_funding"] for r in rec.rows if r["share_of_funding"]) - 1) < Decimal("1e-9")
    unlinked = client.get(reverse("staff:report", args=["unlinked-grants"])).context["table"]
    expected = json.loads((examples_dir / "expected.json").read_text())["unlinked_grants"]
    assert [r["identifier"] for r in unlinked.rows] == expected


def test_stalled_projects_lists_funded_unreleased_films_past_their_planned_release(
    client, examples_loaded, auditor
):
    import datetime

    from films.models import Film
    from funding.selectors import is_released

    film = next(
        f
        for f in Film.objects.filter(grants__published=True).distinct()
        if not is_released(f, FilmMetrics.objects.filter(film=f).first())
    )
    Film.objects.filter(pk=film.pk).update(planned_release=datetime.date(2020, 1, 1))
    client.force_login(auditor)
    rows = client.get(reverse("staff:report", args=["stalled-projects"])).context["table"].rows
    row = next(r for r in rows if r["film_code"] == film.code)
    assert "planned release 2020-01-01 passed" in row["reasons"]
    released = [
        f.code for f in Film.objects.all() if is_released(f, FilmMetrics.objects.filter(film=f).first())
    ]
    assert not {r["film_code"] for r in rows} & set(released)
