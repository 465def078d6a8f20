"""Issue 11, in public: no filter ignored, the public grants list, open data people can sum, figures in
words, error pages."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache

from conftest import run_command
from funding.metrics import recompute_film_metrics
from funding.models import Disbursement, Grant

from .public_helpers import no_throttle  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_throttle")

FUNDER = "KZ-BIN-190340001111"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def paid(examples_loaded):
    """Disbursements and a recovery on the example grants, to the tiyn, and one in dollars."""
    def add(identifier, kind, amount, currency="KZT", day="2022-03-01"):
        grant = Grant.objects.get(identifier=identifier)
        Disbursement.objects.create(grant=grant, kind=kind, amount=Decimal(amount), currency=currency,
                                    date=datetime.date.fromisoformat(day), identifier=f"{identifier}-{kind}-{day}")
        return grant

    add("360G-KZ-SCSNC-00001", "disbursement", "133100000.07")
    add("360G-KZ-SCSNC-00001", "disbursement", "0.01", day="2022-04-01")
    add("360G-KZ-SCSNC-00003", "disbursement", "50000000.50")
    add("360G-KZ-SCSNC-00003", "recovery", "1000000.05", day="2023-01-10")
    add("360G-KZ-SCSNC-00012", "disbursement", "7000000.33")  # unlinked: still public money paid out
    add("360G-KZ-SCSNC-00011", "disbursement", "100000.00", currency="USD")
    recompute_film_metrics(Grant.objects.filter(film__isnull=False).values_list("film_id", flat=True))
    cache.clear()


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- No filter is ever ignored ----------------------------------------------------------------------------

BAD_PAGES = [
    ("/en/films/", "funder=KZ-BIN-000000000000", "funder"),
    ("/en/films/", "status=finished", "status"),
    ("/en/films/", "sort=popularity", "sort"),
    ("/en/films/", "fundr=KZ-BIN-190340001111", "fundr"),
    ("/en/films/", "ids=1,x", "ids"),
    ("/en/grants/", "funder=KZ-BIN-000000000000", "funder"),
    ("/en/grants/", "award_year=20x1", "award_year"),
    ("/en/grants/", "sort=size", "sort"),
    ("/en/organisations/", "role=donor", "role"),
    ("/en/organisations/", "sort=money", "sort"),
    ("/en/programmes/", "funder=KZ-BIN-000000000000", "funder"),
    ("/en/cinemas/", "region=KZ-00", "region"),
    ("/en/cinemas/", "sort=size", "sort"),
    ("/en/funders/", "sort=size", "sort"),
    ("/en/regions/", "sort=size", "sort"),
    ("/en/regions/KZ-79/", "sort=size", "sort"),
    ("/en/cinemas/KZ-C0001/", "sort=size", "sort"),
    ("/en/funding/reports/funded-vs-released/", "funder=KZ-BIN-000000000000", "funder"),
    ("/en/funding/reports/funded-vs-released/", "programme_id=x", "programme_id"),
    ("/en/funding/reports/funded-vs-released/", "programme=No such programme", "programme"),
    ("/en/funding/reports/funded-vs-released/", "year=2020", "year"),
    ("/en/", "funder=KZ-BIN-190340001111", "funder"),
    ("/en/open-data/", "format=xml", "format"),
    ("/en/about/methodology/", "x=1", "x"),
]


@pytest.mark.parametrize(("path", "query", "name"), BAD_PAGES)
def test_a_page_refuses_a_filter_it_cannot_read_with_a_visible_message(client, examples_loaded, path, query,
                                                                        name):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400, (path, query)
    html = response.content.decode()
    assert f"<code>{name}</code>" in html and 'role="alert"' in html
    assert "<main" in html and "<footer" in html  # in the site's frame
    assert f'href="{path}"' in html  # a way on: the page without filters


def test_the_refusal_speaks_the_language_of_the_page(client, examples_loaded):
    html = client.get("/ru/films/?funder=KZ-BIN-000000000000").content.decode()
    assert '<html lang="ru">' in html
    assert "Фильтр" in html or "фильтр" in html


BAD_FILES = [
    "/en/funding/reports/funded-vs-released.csv?funder=KZ-BIN-000000000000",
    "/en/funding/reports/funded-vs-released.json?funder=1",
    "/en/grants.csv?sort=size",
    "/en/grants.csv?bom=yes",
    "/open-data/grants.csv?bom=2",
    "/open-data/films.csv?status=released",
    "/open-data/open-data.zip?x=1",
]


@pytest.mark.parametrize("url", BAD_FILES)
def test_a_download_refuses_a_filter_it_cannot_read(client, examples_loaded, url):
    response = client.get(url)
    assert response.status_code == 400, url
    assert response["Content-Type"].startswith("text/plain")
    assert "cannot be made as asked" in response.content.decode()


BAD_API = [
    "/api/v1/films/?funder=KZ-BIN-000000000000",
    "/api/v1/films/?fundr=KZ-BIN-190340001111",
    "/api/v1/films/?sort=popularity",
    "/api/v1/grants/?funder=KZ-BIN-000000000000",
    "/api/v1/grants/?sort=size",
    "/api/v1/grants/?ordering=-amount",
    "/api/v1/programmes/?funder=nobody",
    "/api/v1/organisations/?sort=money",
    "/api/v1/cinemas/?region=KZ-00",
    "/api/v1/regions/?sort=size",
    "/api/v1/film-metrics/?sort=size",
    "/api/v1/funders/?role=donor",
    "/api/v1/reports/funded-vs-released/?funder=KZ-BIN-000000000000",
    "/api/v1/reports/funded-vs-released/?funder=1",
    "/api/v1/reports/funded-vs-released/?programme=No such programme",
    "/api/v1/reports/funded-vs-released/?funder_id=999999",
    "/api/v1/reports/funding-by-year/?year=2020",
    "/api/v1/reports/box-office-by-year/?currency=KZT",
]


@pytest.mark.parametrize("url", BAD_API)
def test_the_api_refuses_a_filter_it_cannot_read(client, examples_loaded, url):
    response = client.get(url)
    assert response.status_code == 400, url
    body = response.json()
    assert body and all(isinstance(v, list) and v for v in body.values()), body


def test_the_funder_identifier_the_film_list_uses_filters_every_report(client, examples_loaded):
    """The issue's case: funded-vs-released.csv?funder=KZ-BIN-… gave the national totals."""
    cli = json.loads(run_command("report", "funded-vs-released", "--format", "json", "--funder", FUNDER)[0])
    national = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])
    assert cli != national
    rows = _csv(client.get(f"/en/funding/reports/funded-vs-released.csv?funder={FUNDER}"))
    assert [r["awarded"] for r in rows] == [r["awarded"] for r in cli]
    api = client.get(f"/api/v1/reports/funded-vs-released/?funder={FUNDER}").json()["rows"]
    assert api == cli
    page = client.get(f"/en/funding/reports/funded-vs-released/?funder={FUNDER}").content.decode()
    assert f'<option value="{FUNDER}" selected>' in page
    films = client.get(f"/api/v1/films/?funder={FUNDER}").json()["results"]
    grants = client.get(f"/api/v1/grants/?funder={FUNDER}").json()["results"]
    assert films and grants and all(g["funder"]["identifier"] == FUNDER for g in grants)


# --- Public grants ----------------------------------------------------------------------------------------


def test_the_grants_page_lists_searches_sorts_and_its_csv_is_exactly_the_search(client, paid):
    everything = client.get("/en/grants/").content.decode()
    for g in Grant.objects.published():
        assert g.identifier in everything
    query = f"funder={FUNDER}&currency=KZT&sort=-amount"
    html = client.get(f"/en/grants/?{query}").content.decode()
    expected = list(Grant.objects.published().filter(funder__identifier=FUNDER, currency="KZT")
                    .order_by("-amount_awarded", "pk").values_list("identifier", flat=True))
    shown = re.findall(r"<td>(360G-[A-Z0-9-]+)<br>", html)
    assert shown == expected
    assert 'aria-sort="descending"' in html
    rows = _csv(client.get(f"/en/grants.csv?{query}"))
    assert [r["identifier"] for r in rows] == expected
    assert {r["funder_identifier"] for r in rows} == {FUNDER}
    # Search reaches recipients and films.
    grant = Grant.objects.published().filter(recipient__isnull=False, film__isnull=False).first()
    found = _csv(client.get(f"/en/grants.csv?q={grant.film.code}"))
    assert grant.identifier in {r["identifier"] for r in found}
    assert all(grant.film.code == r["film_code"] or grant.film.code in r["title"] for r in found)
    # Disbursed shown per grant, to the tiyn.
    assert "133,100,000.08 KZT" in client.get("/en/grants/?q=360G-KZ-SCSNC-00001").content.decode()


def test_follow_the_money_sorts_recipients_by_amount_received(client, examples_loaded):
    html = client.get("/en/organisations/?role=recipient&sort=-received").content.decode()
    api = client.get("/api/v1/organisations/?role=recipient&sort=-received&limit=500").json()["results"]
    amounts = [next((Decimal(t["awarded"]) for t in o["received"] if t["currency"] == "KZT"), Decimal(0))
               for o in api]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] > 0
    names = [o["name"] for o in api]
    positions = [html.index(f">{n}</a>") for n in names]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("path", "key"),
    [("/en/films/", "gross"), ("/en/grants/", "amount"), ("/en/organisations/", "received"),
     ("/en/funders/", "awarded"), ("/en/programmes/", "awarded"), ("/en/cinemas/", "gross"),
     ("/en/regions/", "gross"), ("/en/regions/KZ-79/", "gross"), ("/en/cinemas/KZ-C0001/", "gross"),
     ("/en/funders/{funder}/", "amount"), ("/en/organisations/{funder}/", "amount")],
)
def test_every_public_table_sorts_on_the_server(client, examples_loaded, path, key):
    from films.models import Organisation

    path = path.format(funder=Organisation.objects.get(identifier=FUNDER).pk)
    html = client.get(path).content.decode()
    assert f"sort={key}" in html or f"sort=-{key}" in html, path
    for value in (key, f"-{key}"):
        response = client.get(f"{path}?sort={value}")
        assert response.status_code == 200, (path, value)
        assert 'aria-sort="' in response.content.decode()


# --- Open data people can sum ----------------------------------------------------------------------------


def test_the_open_data_grants_add_up_to_the_home_page_disbursed_total_to_the_tiyn(client, paid):
    rows = _csv(client.get("/open-data/grants.csv"))
    assert all(r["amount_disbursed"] != "" for r in rows)
    kzt = sum((Decimal(r["amount_disbursed"]) for r in rows if r["currency"] == "KZT"), Decimal(0))
    assert kzt == Decimal("133100000.08") + Decimal("50000000.50") - Decimal("1000000.05") + Decimal("7000000.33")
    html = client.get("/en/").content.decode()
    assert f"{kzt:,.2f}" in html
    # The disbursements file has every payment; its signed amounts per grant are the grants' figures.
    payments = _csv(client.get("/open-data/disbursements.csv"))
    assert len(payments) == Disbursement.objects.count()
    per_grant = {}
    for p in payments:
        key = p["grant_identifier"]
        per_grant[key] = per_grant.get(key, Decimal(0)) + Decimal(p["signed_amount"])
    for r in rows:
        assert Decimal(r["amount_disbursed"]) == per_grant.get(r["identifier"], Decimal(0))
    # The API's grants say the same.
    api = {g["identifier"]: g for g in client.get("/api/v1/grants/?limit=500").json()["results"]}
    assert {r["identifier"]: r["amount_disbursed"] for r in rows} == {k: g["amount_disbursed"] for k, g in api.items()}


def test_the_open_data_films_say_not_released_instead_of_zero(client, paid):
    rows = {r["code"]: r for r in _csv(client.get("/open-data/films.csv"))}
    unreleased = rows["KZ-2023-0001"]
    assert unreleased["released"] == "false"
    assert unreleased["gross"] == "" and unreleased["return_on_funding"] == ""
    assert unreleased["disbursed"] == "182100000.53"  # 133,100,000.08 + 50,000,000.50 − 1,000,000.05
    released = rows["KZ-2024-0003"]
    assert released["gross"] == "213000.00" and released["released"] == "true"
    assert Decimal(released["back_per_100_awarded"]) == (
        Decimal("213000.00") / Decimal("331000000.70") * 100).quantize(Decimal("0.01"))


def test_every_column_of_every_file_is_in_the_data_dictionary(client, paid):
    from public.dictionary import describe
    from public.opendata import DATASETS

    dictionary = json.loads(client.get("/open-data/data-dictionary.json").content)["columns"]
    assert {"dataset", "column", "type", "description"} <= set(dictionary[0])
    page = client.get("/en/open-data/dictionary/").content.decode()
    for name in DATASETS:
        header = next(csv.reader(io.StringIO(client.get(f"/open-data/{name}.csv").content.decode())))
        for column in header:
            col = describe(name, column)
            assert col is not None and col.description, (name, column)
            assert f"<code>{col.name.replace('<', '&lt;').replace('>', '&gt;')}</code>" in page, (name, column)
    assert "Сөздік" in client.get("/kk/open-data/dictionary/").content.decode() or \
        client.get("/kk/open-data/dictionary/").status_code == 200


def test_a_byte_order_mark_on_request_and_a_zip_of_everything_with_its_as_of(client, paid):
    plain = client.get("/open-data/grants.csv").content
    marked = client.get("/open-data/grants.csv?bom=1").content
    assert not plain.startswith(b"\xef\xbb\xbf") and marked == b"\xef\xbb\xbf" + plain
    assert client.get("/en/grants.csv?bom=1").content.startswith(b"\xef\xbb\xbf")
    response = client.get("/open-data/open-data.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        names = set(z.namelist())
        assert {"grants.csv", "grants.json", "disbursements.csv", "films.csv", "data-dictionary.csv",
                "grants-360giving.json", "README.txt"} <= names
        readme = z.read("README.txt").decode()
        assert z.read("grants.csv") == plain
    assert response["X-As-Of"] and response["X-As-Of"] in readme


# --- Figures in words people read ------------------------------------------------------------------------


def test_a_film_not_released_shows_not_released_not_a_bare_zero(client, paid):
    html = client.get("/en/films/KZ-2023-0001/").content.decode()
    assert "not released" in html
    assert "0.000000" not in html and "Gross</dt><dd>0.00" not in html
    listing = client.get("/en/films/?q=KZ-2023-0001").content.decode()
    assert "not released" in listing


def test_return_on_funding_in_money_back_per_100_tenge_and_shares_as_percentages(client, examples_loaded):
    total = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])[-1]
    per_100 = (Decimal(str(total["return_on_funding"])) * 100).quantize(Decimal("0.01"))
    share = f"{Decimal(str(total['released_share'])) * 100:.1f}\xa0%"
    for path in ("/en/", "/en/funding/reports/funded-vs-released/"):
        html = client.get(path).content.decode()
        assert f"{per_100} tenge back per 100 tenge awarded" in html, path
        assert share in html, path
        assert not re.search(r">0\.\d{3}<", html), path  # no bare ratio shown as a share
    ru = client.get("/ru/").content.decode()
    assert f"{str(per_100).replace('.', ',')} тенге" in ru


def test_one_date_and_as_of_format_per_language(client, examples_loaded):
    en = [client.get(p).content.decode() for p in ("/en/", "/en/funding/reports/funded-vs-released/")]
    stamps = [re.search(r"figures computed ([^<]+)<", h).group(1).strip() for h in en]
    assert stamps[0] == stamps[1] and not re.match(r"\d{4}-\d\d-\d\d", stamps[0])
    assert "9 February 2024" in client.get("/en/films/KZ-2024-0003/").content.decode() or \
        "Feb. 9, 2024" in client.get("/en/films/KZ-2024-0003/").content.decode()


def test_the_methodology_page_defines_each_figure_with_a_worked_example(client, examples_loaded):
    html = client.get("/en/about/methodology/").content.decode()
    for word in ("Return on funding", "per 100 tenge", "Released share", "Disbursed", "Days overdue",
                 "Worked example"):
        assert word in html, word


# --- Error pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_404_is_in_the_site_frame_and_language_and_says_what_to_do(client, examples_loaded, lang):
    response = client.get(f"/{lang}/films/NO-SUCH-FILM/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html and "<footer" in html and 'class="next-steps"' in html
    assert f'href="/{lang}/films/"' in html


def test_403_is_in_the_site_frame_and_says_what_to_do(client, examples_loaded, operator):
    client.force_login(operator)
    response = client.get("/ru/staff/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="ru">' in html and 'class="next-steps"' in html and "403" in html


def test_500_is_in_the_site_frame_and_says_what_to_do(client, examples_loaded, monkeypatch):
    import public.views

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(public.views, "metrics_as_of", broken)
    client.raise_request_exception = False
    response = client.get("/kk/about/methodology/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="kk">' in html and 'class="next-steps"' in html
