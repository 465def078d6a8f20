"""The chart and market pages, the API and the open-data files give the numbers `report chart` and `report
market` print (funding/tests/test_market.py checks those against the hand computation)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from conftest import run_command
from funding.tests.test_market import A, B, C, scenario

from .public_helpers import no_throttle  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def market_scenario(registers):
    scenario()


def command(*args) -> list[dict]:
    return json.loads(run_command("report", *args, "--format", "json")[0])


def script_data(page: str, element_id: str) -> dict:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"no {element_id} block"
    return json.loads(found.group(1))


@pytest.mark.parametrize(("period", "day"), [("day", "2025-03-18"), ("week", "2025-03-20"), ("year", "2025-01-01")])
def test_the_chart_api_gives_the_commands_rows(client, market_scenario, period, day):
    body = client.get(f"/api/v1/reports/chart/?period={period}&date={day}").json()
    assert body["rows"] == command("chart", "--period", period, "--date", day)
    assert body["period"] == period


def test_the_chart_api_says_the_period_and_its_neighbours(client, market_scenario):
    body = client.get("/api/v1/reports/chart/?period=week&date=2025-03-20&limit=2").json()
    assert (body["start"], body["end"], body["films"], body["total_gross"]) == ("2025-03-17", "2025-03-23", 3,
                                                                               "27000.00")
    assert body["previous"] == {"start": "2025-03-10", "end": "2025-03-16"}
    assert body["next"] == {"start": "2025-03-24", "end": "2025-03-30"}
    assert [r["film_code"] for r in body["rows"]] == [A, B]
    region = client.get("/api/v1/reports/chart/?period=week&date=2025-03-20&region=KZ-23").json()
    assert region["rows"] == command("chart", "--period", "week", "--date", "2025-03-20", "--region", "KZ-23")


@pytest.mark.parametrize("by", ["genre", "region", "format", "supported"])
def test_the_market_api_gives_the_commands_rows_and_the_trend(client, market_scenario, by):
    body = client.get(f"/api/v1/reports/market/?by={by}&year=2025").json()
    assert body["rows"] == command("market", "--by", by, "--year", "2025")
    assert body["total_gross"] == "41500.00"
    assert body["trend"]["years"] == [2025]
    assert [(r["value"], r["gross"]) for r in body["trend"]["rows"]] == [(r["value"], r["gross"])
                                                                         for r in body["rows"]]


@pytest.mark.parametrize("query", [
    "", "period=month", "period=week&date=2025-13-01", "period=week&date=2025-03-20&limit=0",
    "period=week&date=2025-03-20&limit=x", "period=week&region=KZ-00", "period=week&period=day",
    "period=week&region=%00", "period=week&limit=%C2%B2",
])
def test_a_bad_chart_query_answers_400(client, db, query):
    response = client.get(f"/api/v1/reports/chart/?{query}")
    assert response.status_code == 400, query


@pytest.mark.parametrize("query", ["", "by=director", "by=genre&year=abc", "by=genre&year=0", "by=genre&year=%C2%B2"])
def test_a_bad_market_query_answers_400(client, db, query):
    assert client.get(f"/api/v1/reports/market/?{query}").status_code == 400


def test_the_weekly_chart_page_shows_the_apis_figures(client, market_scenario):
    page = client.get("/en/charts/week/?date=2025-03-20").content.decode()
    api = client.get("/api/v1/reports/chart/?period=week&date=2025-03-20").json()
    assert "17 March 2025" in page or "March 17, 2025" in page
    for text in ("18,000.00", "6,500.00", "2,500.00", "27,000.00", "66.7\xa0%", "+350.0\xa0%", "22,000.00"):
        assert text in page, text
    ranked = script_data(page, "chart-ranked-data")
    assert ranked["datasets"][0]["data"] == [float(r["gross"]) for r in api["rows"]]
    lines = script_data(page, "chart-lines-data")
    assert lines["labels"][0] == "2025-03-17" and len(lines["labels"]) == 7
    # the lines add up to the table: A's days are 8000 on the 18th and 10000 on the 20th
    assert lines["datasets"][0]["data"] == [0, 8000, 0, 10000, 0, 0, 0]
    assert 'href="/en/charts/week/?date=2025-03-10"' in page and 'href="/en/charts/week/?date=2025-03-24"' in page
    assert 'href="/en/charts/day/?date=2025-03-17"' in page and 'type="date"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "<script>" not in page


def test_the_yearly_chart_draws_lines_by_month(client, market_scenario):
    page = client.get("/en/charts/year/?date=2025-05-05").content.decode()
    lines = script_data(page, "chart-lines-data")
    assert lines["labels"][:3] == ["2025-01", "2025-02", "2025-03"]
    assert lines["datasets"][0]["data"][2] == 22000.0


def test_the_market_page_shows_the_apis_figures_and_the_tile_map(client, market_scenario):
    page = client.get("/en/market/?by=region&year=2025").content.decode()
    api = client.get("/api/v1/reports/market/?by=region&year=2025").json()
    assert "Shymkent" in page and "Atyrau Region" in page
    for text in ("27,500.00", "14,000.00", "41,500.00", "66.3\xa0%", "33.7\xa0%"):
        assert text in page, text
    ranked = script_data(page, "market-ranked-data")
    assert ranked["datasets"][0]["data"] == [round(r["share"] * 100, 2) for r in api["rows"]]
    assert page.count('class="tile row-') == 20
    assert "shade-5" in page  # Shymkent, the largest share


def test_the_market_page_names_values_in_the_pages_language(client, market_scenario):
    page = client.get("/ru/market/?by=supported&year=2025").content.decode()
    assert "32 000,00" in page.replace("\xa0", " ")


@pytest.mark.parametrize("url", ["/en/charts/month/", "/en/charts/week/?date=2025-02-30", "/en/market/?by=director",
                                 "/en/market/?year=x", "/en/regions/KZ-79/?period=month"])
def test_a_bad_page_query_answers_400_or_404(client, db, url):
    assert client.get(url).status_code in (400, 404)


def test_a_regions_page_has_its_own_chart(client, market_scenario):
    page = client.get("/en/regions/KZ-23/?period=week&date=2025-03-20").content.decode()
    ranked = script_data(page, "chart-ranked-data")
    assert ranked["datasets"][0]["data"] == [10000.0, 2500.0, 1500.0]
    assert "14,000.00" in page
    assert 'href="/en/regions/KZ-23/?period=year&amp;date=2025-03-17#chart"' in page.replace("&date", "&amp;date")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_pages_answer_in_every_language(client, market_scenario, lang):
    for url in (f"/{lang}/charts/week/?date=2025-03-20", f"/{lang}/charts/day/", f"/{lang}/market/",
                f"/{lang}/market/?by=format&year=2025"):
        assert client.get(url).status_code == 200, url


def test_the_open_data_files_give_the_same_rows(client, market_scenario):
    rows = client.get("/open-data/market.json").json()["rows"]
    mine = [{k: v for k, v in r.items() if k not in ("year", "by")} for r in rows
            if r["year"] == 2025 and r["by"] == "format"]
    assert mine == command("market", "--by", "format", "--year", "2025")
    weekly = client.get("/open-data/chart-weekly.json").json()["rows"]
    week = [{k: v for k, v in r.items() if k not in ("week_start", "week_end")} for r in weekly
            if r["week_start"] == "2025-03-17"]
    assert week == command("chart", "--period", "week", "--date", "2025-03-17")
    assert {r["week_start"] for r in weekly} == {"2025-03-10", "2025-03-17", "2025-03-24"}
    csv_text = client.get("/open-data/chart-weekly.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("week_start,week_end,rank,film_code,title,gross")
    assert C in csv_text


@pytest.mark.parametrize(("lang", "words"), [
    ("kk", ["Прокат рейтингі", "Апта", "Жинақталған түсім, теңге", "Прокаттағы күндер", "Алғашқы он фильмнің"]),
    ("ru", ["Кассовый рейтинг", "Неделя", "Сборы нарастающим итогом, тенге", "Дней в прокате", "первых десяти"]),
])
def test_the_chart_page_speaks_the_pages_language(client, market_scenario, lang, words):
    page = client.get(f"/{lang}/charts/week/?date=2025-03-20").content.decode()
    for word in words:
        assert word in page, word
    assert "Box-office chart" not in page and "Days on release" not in page


@pytest.mark.parametrize(("lang", "words"), [
    ("kk", ["Жылдық нарық", "Мемлекеттік қолдау", "мемлекет қолдаған", "Жылдар бойы"]),
    ("ru", ["Рынок по годам", "Господдержка", "с господдержкой", "По годам"]),
])
def test_the_market_page_speaks_the_pages_language(client, market_scenario, lang, words):
    page = client.get(f"/{lang}/market/?by=supported&year=2025").content.decode()
    for word in words:
        assert word in page, word
    assert "Market by year" not in page and "state-supported" not in page


@pytest.fixture
def with_report(market_scenario, tmp_path):
    from funding.tests.test_market import REPORT, recompute

    path = tmp_path / "report.csv"
    path.write_text(REPORT, encoding="utf-8")
    run_command("import_box_office", str(path))
    recompute()


def test_the_pages_mark_the_figures_from_reports(client, with_report):
    page = client.get("/en/charts/week/?date=2025-03-20").content.decode()
    api = client.get("/api/v1/reports/chart/?period=week&date=2025-03-20").json()
    assert api["rows"][0]["gross_from_reports"] == "70000.00"
    assert "Of which from reports, KZT" in page and 'class="est"' in page
    assert script_data(page, "chart-ranked-data")["datasets"][0]["data"][0] == 70000.0
    market = client.get("/ru/market/?by=region&year=2025").content.decode()
    assert "неизвестно" in market and "70 000,00" in market.replace("\xa0", " ")
    assert "В том числе из отчётов, тенге" in market
    plain = client.get("/en/charts/week/?date=2025-03-10").content.decode()
    assert "Of which from reports" not in plain  # a week of tickets only has no such column


def test_the_chart_table_escapes_titles_and_writes_figures_in_the_pages_language(client, market_scenario):
    from films.models import Film

    Film.objects.filter(code=A).update(title='<b>Ақ & "Кек"</b>')
    page = client.get("/kk/charts/week/?date=2025-03-20").content.decode()
    row = re.search(rf'<tr><td class="num">1</td><th scope="row"><a href="/kk/films/{A}/">(.*?)</tr>', page).group(1)
    assert row.startswith("&lt;b&gt;Ақ &amp; &quot;Кек&quot;&lt;/b&gt;</a></th>") and "<b>" not in page
    cells = re.findall(r'<td(?: class="num")?>(.*?)</td>', row)
    assert cells[:3] == ["18\xa0000,00", "66,7\xa0%", "+350,0\xa0%"] and cells[-1] == "отандық"
