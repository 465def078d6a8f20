"""The public pages: every figure agrees with the report command, the API and the open-data files; three
languages; filters shared with the API; cache refreshed when metrics change."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.cache import cache

from conftest import run_command
from films.models import Film
from funding.metrics import recompute_film_metrics
from funding.models import FilmMetrics, Grant

from .public_helpers import no_throttle  # noqa: F401

LANGS = ["kk", "ru", "en"]
PAGES = [
    "",
    "films/",
    "films/KZ-2024-0003/",
    "funders/",
    "programmes/",
    "organisations/",
    "cinemas/",
    "cinemas/KZ-C0001/",
    "regions/",
    "regions/KZ-79/",
    "about/methodology/",
    "open-data/",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


pytestmark = pytest.mark.usefixtures("no_throttle")


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_renders_in_each_language(client, examples_loaded, lang):
    for page in PAGES:
        response = client.get(f"/{lang}/{page}")
        assert response.status_code == 200, page
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        assert html.count("<h1") == 1, page
        assert "<main" in html and "<nav" in html and "<footer" in html
        # The switcher links to this very page in the other languages.
        for other in LANGS:
            assert f'href="/{other}/{page}"' in html, (page, other)


def test_pages_speak_the_language_of_their_url(client, examples_loaded):
    en = client.get("/en/films/").content.decode()
    ru = client.get("/ru/films/").content.decode()
    kk = client.get("/kk/films/").content.decode()
    assert "<h1>Films</h1>" in en
    assert "<h1>Фильмы</h1>" in ru
    assert "<h1>Фильмдер</h1>" in kk


def test_numbers_are_formatted_for_the_language(client, examples_loaded):
    gross = FilmMetrics.objects.get(film__code="KZ-2024-0003").gross
    assert gross == Decimal("213000.00")
    assert "213,000.00" in client.get("/en/films/KZ-2024-0003/").content.decode()
    assert "213\u00a0000,00" in client.get("/ru/films/KZ-2024-0003/").content.decode()
    assert "213\u00a0000,00" in client.get("/kk/films/KZ-2024-0003/").content.decode()


def test_home_dashboard_agrees_with_the_report_command(client, examples_loaded):
    cli = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])
    total = cli[-1]
    html = client.get("/en/").content.decode()
    awarded = f"{Decimal(total['awarded']):,.2f}"
    gross = f"{Decimal(total['gross']):,.2f}"
    assert awarded in html and gross in html
    assert f"{total['films_funded']} / {total['films_released']}" in html
    # The USD equivalent is dated and uses the configured rate.
    assert "KZT per US$ on 2024-12-31" in html


def test_api_report_and_open_data_equal_the_command(client, examples_loaded):
    cli = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])
    api = client.get("/api/v1/reports/funded-vs-released/").json()
    assert api["rows"] == cli
    assert api["as_of"]["computed_at"]
    data = json.loads(client.get("/open-data/funded-vs-released.json").content)
    assert data["rows"] == cli
    assert "CC BY 4.0" in data["licence"] and data["as_of"]["last_sale_at"]
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/funded-vs-released.csv").content.decode())))
    assert [r["awarded"] for r in rows] == [r["awarded"] for r in cli]


def test_open_data_tables_equal_the_api(client, examples_loaded):
    # films and grants are flat tables of their own (tests/test_public_money.py checks them against the API).
    for name in ("cinemas", "regions", "film-metrics", "organisations", "programmes"):
        api_rows, url = [], f"/api/v1/{name}/?limit=7"
        while url:
            page = client.get(url).json()
            api_rows += page["results"]
            url = page["next"] and page["next"].removeprefix("http://testserver")
        file_rows = json.loads(client.get(f"/open-data/{name}.json").content)["rows"]
        assert file_rows == api_rows, name
        table = list(csv.DictReader(io.StringIO(client.get(f"/open-data/{name}.csv").content.decode())))
        assert len(table) == len(api_rows), name


def test_grants_package_is_valid_360giving_with_published_grants_only(client, examples_loaded):
    from funding.services import schema_problem

    Grant.objects.filter(identifier="360G-KZ-SCSNC-00001").update(published=False)
    package = json.loads(client.get("/open-data/grants-360giving.json").content, parse_float=Decimal)
    ids = {g["id"] for g in package["grants"]}
    assert "360G-KZ-SCSNC-00001" not in ids
    assert ids == set(Grant.objects.published().values_list("identifier", flat=True))
    assert package["license"].startswith("https://creativecommons.org/")
    assert [schema_problem(g) for g in package["grants"]] == [None] * len(package["grants"])
    # Exact decimals survive: the file's amounts are the register's, to the tiyn.
    amounts = {g["id"]: g["amountAwarded"] for g in package["grants"]}
    assert amounts == {g.identifier: g.amount_awarded for g in Grant.objects.published()}


@pytest.mark.parametrize(
    "query",
    ["status=released", "genre=drama", "language=kk", "country=RU", "region=KZ-79", "q=Film", "year=2022"],
)
def test_film_filters_are_shared_by_page_and_api(client, examples_loaded, query):
    api = {f["code"] for f in client.get(f"/api/v1/films/?{query}&limit=500").json()["results"]}
    html = client.get(f"/en/films/?{query}").content.decode()
    on_page = {f.code for f in Film.objects.all() if f'href="/en/films/{f.code}/"' in html}
    assert api == on_page
    assert 0 < len(api) < Film.objects.count(), (
        f"{query} should narrow the list for this test to mean anything"
    )


def test_funder_filter_counts_published_grants_only(client, examples_loaded):
    grant = Grant.objects.filter(film__isnull=False).select_related("funder").first()
    funder_id = grant.funder_id
    before = {
        f["code"] for f in client.get(f"/api/v1/films/?funder_id={funder_id}&limit=500").json()["results"]
    }
    assert grant.film.code in before
    Grant.objects.filter(funder_id=funder_id, film=grant.film).update(published=False)
    cache.clear()
    after = {
        f["code"] for f in client.get(f"/api/v1/films/?funder_id={funder_id}&limit=500").json()["results"]
    }
    assert grant.film.code not in after


def test_public_pages_are_cached_and_refreshed_when_metrics_change(
    client, examples_loaded, django_capture_on_commit_callbacks
):
    url = "/en/films/KZ-2024-0003/"
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
    # A change that bypasses signals is not seen: the page comes from the cache.
    FilmMetrics.objects.filter(film__code="KZ-2024-0003").update(gross=Decimal("999.00"))
    assert client.get(url).content == first.content
    api_before = client.get("/api/v1/film-metrics/KZ-2024-0003/").json()
    # Recomputing the metrics (what every import triggers) bumps the cache version.
    film = Film.objects.get(code="KZ-2024-0003")
    with django_capture_on_commit_callbacks(execute=True):
        from boxoffice.models import DailySales

        DailySales.objects.filter(film=film).update(gross=Decimal("1.00"))
        recompute_film_metrics([film.pk])
    refreshed = client.get(url).content.decode()
    assert refreshed != first.content.decode()
    days = DailySales.objects.filter(film=film).count()
    assert f"{days}.00 KZT" in refreshed
    assert client.get("/api/v1/film-metrics/KZ-2024-0003/").json()["gross"] != api_before["gross"]


def test_a_recompute_leaves_the_other_films_pages_cached_and_refreshes_the_totals(
    client, examples_loaded, django_capture_on_commit_callbacks
):
    """A sales batch recomputes a few films: their pages and every list or total go stale, the rest stay."""
    recomputed = Film.objects.get(code="KZ-2024-0003")
    other = FilmMetrics.objects.exclude(film=recomputed).select_related("film").order_by("film__code").first()
    pages = {
        "other page": f"/en/films/{other.film.code}/",
        "other api": f"/api/v1/film-metrics/{other.film.code}/",
        "list": "/en/films/",
        "api list": "/api/v1/film-metrics/?limit=500",
    }
    before = {name: client.get(url).content.decode() for name, url in pages.items()}
    # Bypasses the signals, so only a version bump can make a page show it.
    FilmMetrics.objects.filter(pk=other.pk).update(gross=Decimal("777777.77"))
    with django_capture_on_commit_callbacks(execute=True):
        recompute_film_metrics([recomputed.pk])
    after = {name: client.get(url).content.decode() for name, url in pages.items()}

    assert after["other page"] == before["other page"] and "777,777.77" not in after["other page"]
    assert after["other api"] == before["other api"]
    assert "777,777.77" in after["list"]
    assert "777777.77" in after["api list"]
    # A change to the register itself (the film's record) makes its page stale too.
    with django_capture_on_commit_callbacks(execute=True):
        other.film.save()
    assert "777,777.77" in client.get(pages["other page"]).content.decode()


def test_signed_in_requests_are_not_served_from_the_shared_cache(client, examples_loaded, admin_user):
    client.get("/en/")
    client.force_login(admin_user)
    response = client.get("/en/")
    assert "private" in response["Cache-Control"]
    assert admin_user.username in response.content.decode()


def test_the_home_page_reconciles_all_grants_with_the_grants_to_films(client, examples_loaded):
    """The chart by award year counts every approved grant; the key figures count grants linked to films.
    The page says how much is unlinked, and the two reconcile to the tiyn."""
    from funding.selectors import funded_vs_released, unlinked_funding

    html = client.get("/en/").content.decode()
    unlinked = unlinked_funding("KZT")
    linked_total = funded_vs_released().as_json()[-1]["awarded"]
    all_kzt = sum((g.amount_awarded for g in Grant.objects.published().filter(currency="KZT")), Decimal("0"))
    assert unlinked["grants"] > 0
    assert all_kzt - unlinked["awarded"] == Decimal(linked_total)
    assert f"{all_kzt:,.2f} in all" in html
    assert f"{unlinked['awarded']:,.2f} in {unlinked['grants']} grants is not yet linked" in html


def test_bar_charts_are_written_with_the_pages_formats_and_escaped():
    """public/_bars.html's bars and data table (the bar_parts tag): the widest bar is w-100, dates and money in
    the page's language, every label escaped."""
    import datetime
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load public %}{% bar_parts rows "week" "" "gross" False as p %}{{ p.bars }}|{{ p.table }}')
    rows = [{"week": datetime.date(2025, 3, 17), "gross": Decimal("1500.5")},
            {"week": "<b>&", "gross": Decimal("750.25")}, {"week": "none", "gross": None}]
    with translation.override("en"):
        bars, table = template.render(Context({"rows": rows})).split("|")
    assert '<span class="bar w-100"></span><span class="value">1,500.50</span>' in bars
    assert '<span class="label">&lt;b&gt;&amp;</span><span class="bar w-50"></span>' in bars
    assert '<span class="bar w-0"></span><span class="value">—</span>' in bars
    assert table.startswith('<tr><th scope="row">March 17, 2025</th><td class="num">1,500.50</td></tr>')
    with translation.override("ru"):
        assert "1\xa0500,50" in template.render(Context({"rows": rows}))
