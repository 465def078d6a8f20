"""The delivery report of metrics.md on a scenario with known plans and dates: the command, the page, the
API and the open data give the rows computed here by hand; every funded film's page says it in a line."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import run_command
from films.models import Film
from funding.choices import DisbursementKind
from funding.metrics import recompute_film_metrics
from funding.models import Grant

from .factories import (
    DisbursementFactory,
    FilmFactory,
    FilmStatusChangeFactory,
    GrantFactory,
    OrganisationFactory,
    ProgrammeFactory,
)
from .public_helpers import no_throttle  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_throttle")


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def scenario(db):
    build_scenario()


def build_scenario():
    """Eight films, each chosen for one rule of the report; dates relative to today."""
    cache.clear()
    fund = OrganisationFactory(identifier="KZ-BIN-000000000001", name="Film Fund")
    other = OrganisationFactory(identifier="KZ-BIN-000000000002", name="Other Fund")
    studio = OrganisationFactory(identifier="KZ-BIN-000000000010", name="Late Studio")
    studio2 = OrganisationFactory(identifier="KZ-BIN-000000000011", name="Punctual Studio")
    features = ProgrammeFactory(funder=fund, title="Features")
    n = 0

    def film(code, status, *, planned=None, released=None, since=None):
        f = FilmFactory(code=code, status=status, planned_release=planned, release_date=released)
        if since is not None:
            FilmStatusChangeFactory(film=f, changed_on=since)
        return f

    def grant(f, amount, *, funder=fund, recipient=studio, currency="KZT", published=True, planned_end=None,
              programme=features, paid=(), recovered=()):
        nonlocal n
        n += 1
        g = GrantFactory(identifier=f"360G-T-{n:03d}", title=f"Grant {n}", currency=currency,
                         amount_awarded=Decimal(amount), funder=funder, recipient=recipient, programme=programme,
                         film=f, published=published, planned_end=planned_end)
        for i, a in enumerate(paid):
            DisbursementFactory(grant=g, amount=Decimal(a), date=days_ago(900 - i), identifier=f"p{n}-{i}")
        for i, a in enumerate(recovered):
            DisbursementFactory(grant=g, kind=DisbursementKind.RECOVERY, amount=Decimal(a), date=days_ago(50 - i),
                                identifier=f"r{n}-{i}")
        return g

    over = film("D-OVER", "production", planned=days_ago(1975), since=days_ago(100))
    grant(over, "100000000.00", paid=["100000000.00"], recovered=["1000000.00"])
    grant(over, "47900000.00", funder=other, programme=None, paid=["33100000.00"])
    late = film("D-LATE", "released", planned=days_ago(300), released=days_ago(250), since=days_ago(250))
    grant(late, "50000000.00", recipient=studio2, paid=["50000000.00"])
    early = film("D-EARLY", "released", planned=days_ago(100), released=days_ago(120), since=days_ago(120))
    grant(early, "10000000.00", recipient=studio2)
    abandoned = film("D-ABAND", "abandoned", planned=days_ago(500), since=days_ago(600))
    grant(abandoned, "20000000.00", paid=["5000000.00"])
    planend = film("D-PLANEND", "development", since=days_ago(30))
    grant(planend, "30000000.00", planned_end=days_ago(10))
    grant(planend, "1000000.00", planned_end=days_ago(40))
    stalled = film("D-STALL", "post_production", planned=days_ago(-30), since=days_ago(400))
    grant(stalled, "40000000.00")
    noplan = film("D-NOPLAN", "announced")
    grant(noplan, "5000000.00")
    # Not in the report: a film funded only in dollars, and one whose only tenge grant awaits approval.
    grant(film("D-USD", "production", planned=days_ago(900)), "100000.00", currency="USD")
    grant(film("D-PENDING", "production", planned=days_ago(900)), "9000000.00", published=False)
    recompute_film_metrics(Film.objects.values_list("pk", flat=True))
    cache.clear()


def row(code, status, *, since, planned, released=None, overdue=None, late=None, stalled=False, awarded,
        disbursed="0.00"):
    def iso(d):
        return d.isoformat() if d else None

    return {"film_code": code, "title": f"Title {code}", "status": status, "status_since": iso(since),
            "planned_release": iso(planned), "release_date": iso(released), "days_overdue": overdue,
            "days_late": late, "stalled": stalled, "awarded": awarded, "disbursed": disbursed,
            "repayable": None, "repaid": None, "outstanding": None, "repayment_overdue": None}


def expected_rows():
    """By hand: most overdue first, then the most days late, then by code."""
    return [
        row("D-OVER", "production", since=days_ago(100), planned=days_ago(1975), overdue=1975,
            awarded="147900000.00", disbursed="133100000.00"),  # paid out; the recovery is repayment
        row("D-PLANEND", "development", since=days_ago(30), planned=days_ago(10), overdue=10,
            awarded="31000000.00"),  # the latest planned end of its grants
        row("D-LATE", "released", since=days_ago(250), planned=days_ago(300), released=days_ago(250), late=50,
            awarded="50000000.00", disbursed="50000000.00"),
        row("D-ABAND", "abandoned", since=days_ago(600), planned=days_ago(500), awarded="20000000.00",
            disbursed="5000000.00"),  # abandoned: neither overdue nor stalled
        row("D-EARLY", "released", since=days_ago(120), planned=days_ago(100), released=days_ago(120), late=0,
            awarded="10000000.00"),  # released before the plan: 0, not negative
        row("D-NOPLAN", "announced", since=None, planned=None, awarded="5000000.00"),
        row("D-STALL", "post_production", since=days_ago(400), planned=days_ago(-30), stalled=True,
            awarded="40000000.00"),  # no change of status for 400 days
    ]


def test_the_command_gives_the_rows_computed_by_hand(scenario):
    assert json.loads(run_command("report", "delivery", "--format", "json")[0]) == expected_rows()
    table = list(csv.DictReader(io.StringIO(run_command("report", "delivery", "--format", "csv")[0])))
    assert list(table[0]) == ["film_code", "title", "status", "status_since", "planned_release", "release_date",
                              "days_overdue", "days_late", "stalled", "awarded", "disbursed", "repayable",
                              "repaid", "outstanding", "repayment_overdue"]
    assert [(r["film_code"], r["days_overdue"], r["days_late"], r["stalled"]) for r in table] == [
        (r["film_code"], "" if r["days_overdue"] is None else str(r["days_overdue"]),
         "" if r["days_late"] is None else str(r["days_late"]), "true" if r["stalled"] else "false")
        for r in expected_rows()]


def test_filtered_by_funder_and_programme_only_their_grants_count(scenario):
    by_funder = json.loads(run_command("report", "delivery", "--format", "json", "--funder",
                                       "KZ-BIN-000000000002")[0])
    assert [(r["film_code"], r["awarded"], r["disbursed"]) for r in by_funder] == [
        ("D-OVER", "47900000.00", "33100000.00")]
    by_programme = json.loads(run_command("report", "delivery", "--format", "json", "--programme", "Features")[0])
    over = next(r for r in by_programme if r["film_code"] == "D-OVER")
    assert over["awarded"] == "100000000.00" and over["disbursed"] == "100000000.00"
    assert len(by_programme) == 7


def test_page_api_and_open_data_give_the_same_rows(client, scenario):
    expected = expected_rows()
    api = client.get("/api/v1/reports/delivery/").json()
    assert api["rows"] == expected and "computed_at" in api["as_of"]
    assert json.loads(client.get("/open-data/delivery.json").content)["rows"] == expected
    assert json.loads(client.get("/en/funding/reports/delivery.json").content) == expected
    assert client.get("/en/funding/reports/delivery.csv").content.decode() == \
        run_command("report", "delivery", "--format", "csv")[0]
    opendata_csv = list(csv.DictReader(io.StringIO(client.get("/open-data/delivery.csv").content.decode())))
    assert [r["film_code"] for r in opendata_csv] == [r["film_code"] for r in expected]
    html = client.get("/en/funding/reports/delivery/").content.decode()
    positions = [html.index(f'data-film="{r["film_code"]}"') for r in expected]
    assert positions == sorted(positions)
    assert "1,975" in html and "133,100,000.00" in html and "147,900,000.00" in html
    filtered = client.get("/api/v1/reports/delivery/?funder=KZ-BIN-000000000002").json()["rows"]
    assert [r["film_code"] for r in filtered] == ["D-OVER"]
    assert client.get("/api/v1/reports/delivery/?funder=KZ-BIN-999").status_code == 400
    assert client.get("/en/funding/reports/delivery/?funder=KZ-BIN-999").status_code == 400
    assert client.get("/en/funding/reports/delivery/?sort=size").status_code == 400
    sorted_page = client.get("/en/funding/reports/delivery/?sort=-disbursed").content.decode()
    assert sorted_page.index('data-film="D-OVER"') < sorted_page.index('data-film="D-LATE"') \
        < sorted_page.index('data-film="D-ABAND"')


def test_every_funded_films_page_says_what_became_of_it_in_a_line(client, scenario):
    from django.utils import formats

    month = formats.date_format(days_ago(1975), "YEAR_MONTH_FORMAT")
    html = client.get("/en/films/D-OVER/").content.decode()
    assert f"planned for {month} · not released · 1,975 days overdue · 133.1 M of 147.9 M paid out" in html
    late = client.get("/en/films/D-LATE/").content.decode()
    assert "· 50 days late ·" in late and "50.0 M of 50.0 M paid out" in late
    assert "no change of status for over a year" in client.get("/en/films/D-STALL/").content.decode()
    assert 'id="delivery-line"' not in client.get("/en/films/D-USD/").content.decode()
    ru = client.get("/ru/films/D-OVER/").content.decode()
    assert "1\xa0975 дней" in ru and "133,1 млн" in ru


def test_recipients_with_overdue_obligations_are_listed(client, scenario):
    html = client.get("/en/funding/reports/delivery/").content.decode()
    listed = html[html.index('id="recipients"'):]
    assert "Late Studio" in listed and "Punctual Studio" not in listed
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/overdue-recipients.csv").content.decode())))
    assert rows == [{"recipient_identifier": "KZ-BIN-000000000010", "recipient_name": "Late Studio",
                     "films": "D-OVER|D-PLANEND", "max_days_overdue": "1975", "awarded": "178900000.00",
                     "disbursed": "133100000.00", "repayment_overdue": "0.00"}]


def test_repayable_support_gives_repaid_outstanding_and_repayment_overdue(client, scenario):
    """By hand: D-OVER's first grant has 30,000,000.00 repayable, due 10 days ago; the 1,000,000.00 recovery is
    repaid, so 29,000,000.00 is outstanding and overdue. D-LATE's grant has 5,000,000.00 repayable, due in a
    year: outstanding, not overdue. The other films have nothing repayable: empty columns."""
    Grant.objects.filter(identifier="360G-T-001").update(repayable_amount=Decimal("30000000.00"),
                                                         repayable_due_date=days_ago(10))
    Grant.objects.filter(identifier="360G-T-003").update(repayable_amount=Decimal("5000000.00"),
                                                         repayable_due_date=days_ago(-365))
    cache.clear()
    rows = {r["film_code"]: r for r in json.loads(run_command("report", "delivery", "--format", "json")[0])}
    money = ("repayable", "repaid", "outstanding", "repayment_overdue")
    assert tuple(rows["D-OVER"][c] for c in money) == ("30000000.00", "1000000.00", "29000000.00", "29000000.00")
    assert tuple(rows["D-LATE"][c] for c in money) == ("5000000.00", "0.00", "5000000.00", "0.00")
    assert tuple(rows["D-ABAND"][c] for c in money) == (None, None, None, None)
    assert client.get("/api/v1/reports/delivery/").json()["rows"] == list(rows.values())
    line = client.get("/en/films/D-OVER/").content.decode()
    assert "29.0 M repayment overdue" in line
    recipients = list(csv.DictReader(io.StringIO(client.get("/open-data/overdue-recipients.csv").content.decode())))
    assert recipients[0]["repayment_overdue"] == "29000000.00"
