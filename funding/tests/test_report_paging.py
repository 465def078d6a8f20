"""Long auditor reports page by page (issue 13): the anomalies page paged, its export whole or per page;
an over-capacity anomaly names the screen as the cinema does, not by an internal id."""

import csv
import io

import pytest
from django.urls import reverse

from boxoffice.models import Anomaly
from boxoffice.tests.helpers import as_csv, sale, send
from staff.views import REPORT_PAGE_ROWS


@pytest.fixture
def many_anomalies(registers):
    # Zero-amount sales are accepted and flagged: one anomaly each.
    n = REPORT_PAGE_ROWS + 30
    send(as_csv([sale(f"Z{i}", amount="0.00", tickets=1,
                            start=f"2025-03-{1 + i % 28:02d}T19:00:00+05:00",
                            sold=f"2025-03-{1 + i % 28:02d}T12:00:00+05:00") for i in range(n)]))
    assert Anomaly.objects.count() == n
    return n


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_anomalies_page_is_paged_and_exported_whole_or_page_by_page(client, auditor, many_anomalies):
    client.force_login(auditor)
    url = reverse("staff:report", args=["anomalies"])
    first = client.get(url)
    assert len(first.context["rows"]) == REPORT_PAGE_ROWS
    html = first.content.decode()
    assert f"page 1 of 2 ({many_anomalies} in all)" in html and "page-export" in html
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == many_anomalies - REPORT_PAGE_ROWS
    export = reverse("staff:report-export", args=["anomalies", "csv"])
    whole = _csv(client.get(export))
    page_two = _csv(client.get(export, {"page": 2}))
    assert len(whole) == many_anomalies + 1 and page_two[0] == whole[0]
    assert page_two[1:] == whole[1 + REPORT_PAGE_ROWS:]
    xlsx = client.get(reverse("staff:report-export", args=["anomalies", "xlsx"]), {"page": 1})
    assert xlsx.status_code == 200 and "anomalies-page-1" in xlsx["Content-Disposition"]


def test_an_over_capacity_anomaly_names_the_screen_as_the_cinema_does(registers):
    # Screen 2 of KZ-C0001 has 48 seats in the example register.
    send(as_csv([sale("BIG", screen="2", tickets=50, amount="50000.00")]))
    detail = Anomaly.objects.get(kind="over_capacity").detail
    assert detail.startswith("50 seats sold for screen 2 with 48 seats")


def test_the_cohort_year_is_an_integer_in_xlsx(client, auditor, examples_loaded):
    from openpyxl import load_workbook

    client.force_login(auditor)
    xlsx = client.get(reverse("staff:report-export", args=["return-on-funding", "xlsx"]))
    rows = [list(r) for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if "Cohort" in r)  # the column's label heads it
    column = rows[header_at].index("Cohort")
    years = [r[column] for r in rows[header_at + 1:] if r[column] is not None]
    assert years and all(isinstance(y, int) for y in years)
