"""Auditor reports as an auditor prints them (issue 13): grouped money, percentages, codes linked to their
records, notes in plain words; the XLSX headed with the columns' labels, its cells typed."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook


def _shown(response) -> list[list[str]]:
    """The cells of the report table as the page shows them (tags stripped)."""
    body = response.content.decode().split('id="report-table"', 1)[1].split("</tbody>", 1)[0]
    body = body.split("<tbody>", 1)[1]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_figures_are_grouped_ratios_are_percentages_codes_are_linked(client, examples_loaded, auditor, lang):
    client.force_login(auditor)
    with translation.override(lang):
        response = client.get(reverse("staff:report", args=["return-on-funding"]))
    table, machine = response.context["table"], response.context["rows"]
    keys = [c.key for c in table.columns]
    shown = _shown(response)
    assert len(shown) == len(machine) > 0
    awarded, rof, code = keys.index("awarded_kzt"), keys.index("return_on_funding"), keys.index("film_code")
    for cells, raw in zip(shown, machine, strict=True):
        # The same figure, written for people: grouped, never a bare 9-digit run.
        assert re.sub(r"\D", "", cells[awarded]) == re.sub(r"\D", "", raw[awarded])
        if Decimal(raw[awarded]) >= 1000:
            assert not re.search(r"\d{4}", cells[awarded]), cells[awarded]
        if raw[rof]:
            assert cells[rof].endswith("%") and Decimal(raw[rof]) * 100 == pytest.approx(
                Decimal(cells[rof].rstrip("\xa0%").replace(",", ".").replace("\xa0", "")), abs=Decimal("0.01"))
        assert f'href="/{lang}/staff/films/{raw[code]}/"' in response.content.decode()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_notes_say_it_in_plain_words(client, examples_loaded, auditor, lang):
    client.force_login(auditor)
    for slug in [r.slug for r in client.get(reverse("staff:reports")).context["reports"]]:
        with translation.override(lang):
            response = client.get(reverse("staff:report", args=[slug]))
        note = str(response.context["table"].note)
        assert ".md" not in note and " = " not in note, (slug, note)


def test_xlsx_has_human_headers_and_typed_cells(client, examples_loaded, auditor):
    client.force_login(auditor)
    with translation.override("ru"):
        xlsx = client.get(reverse("staff:report-export", args=["unlinked-grants", "xlsx"]))
        columns = client.get(reverse("staff:report", args=["unlinked-grants"])).context["table"].columns
        labels = [str(c.label) for c in columns]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows())
    header_at = next(i for i, r in enumerate(rows) if r[0].value == labels[0])
    assert [c.value for c in rows[header_at]] == labels and "Сумма" in " ".join(labels)
    amount, date = labels.index(next(label for label in labels if "умм" in label)), 5
    data = rows[header_at + 1:]
    assert data
    for row in data:
        assert isinstance(row[amount].value, int | float) and row[amount].number_format == "#,##0.00"
        assert isinstance(row[date].value, datetime.datetime) and row[date].number_format == "yyyy-mm-dd"

    cohort = load_workbook(io.BytesIO(client.get(reverse("staff:report-export", args=["funded-vs-released", "xlsx"]))
                                      .content)).active
    values = [[c.value for c in r] for r in cohort.iter_rows()]
    at = next(i for i, r in enumerate(values) if r[0] == "Cohort year")
    years = [r[0] for r in values[at + 1:] if r[0] not in (None, "total")]
    assert years and all(isinstance(y, int) and y > 1990 for y in years)
    shares = [c for r in list(cohort.iter_rows())[at + 1:] for c in r if c.number_format == "0.00%"]
    assert shares and all(0 <= c.value <= 1 for c in shares if c.value is not None)


def test_choice_labels_are_shown_in_the_page_language_and_stay_english_in_the_csv(client, auditor, registers):
    from boxoffice.tests.helpers import as_csv, sale, send

    send(as_csv([sale("ZERO", amount="0.00", tickets=1)]))  # a free ticket: flagged
    client.force_login(auditor)
    with translation.override("ru"):
        page = client.get(reverse("staff:report", args=["anomalies"]))
    kind = [c.key for c in page.context["table"].columns].index("kind")
    english, shown = page.context["rows"][0][kind], _shown(page)[0][kind]
    with translation.override("ru"):
        assert shown == translation.gettext(english) != english
    csv_text = client.get(reverse("staff:report-export", args=["anomalies", "csv"])).content.decode()
    assert english in csv_text and shown not in csv_text
