"""Public pages read summaries, never the raw tickets, and share what many URLs show (issue 12: fast on a
national history). A page that started summing ticket records again, or computing a year's chart once per date
in it, fails here before it shows in `make bench-public`."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boxoffice.tests.helpers import sale, send
from funding.tests.test_market import A, recompute, scenario

from .public_helpers import no_throttle  # noqa: F401

RAW = ("boxoffice_tickettransaction", "boxoffice_screening\"", "boxoffice_batchrecord")

PAGES = [
    "/en/films/", f"/en/films/{A}/", "/api/v1/films/", f"/api/v1/films/{A}/",
    "/en/charts/day/?date=2025-03-18", "/ru/charts/week/?date=2025-03-20", "/kk/charts/year/?date=2025-03-01",
    "/en/charts/day/", "/en/regions/KZ-23/?period=week&date=2025-03-20",
    "/api/v1/reports/chart/?period=week&date=2025-03-20",
    "/api/v1/reports/chart/?period=day&date=2025-03-18&region=KZ-23",
    *[f"/en/market/?by={by}&year=2025" for by in ("genre", "language", "country", "region", "format", "domestic",
                                                   "supported")],
    "/api/v1/reports/market/?by=format&year=2025",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    from public import caching

    cache.clear()
    # the epoch this process read last may be one a rolled-back test transaction raised
    caching._epoch["read_at"] = float("-inf")


@pytest.fixture
def market_scenario(registers):
    scenario()


def queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("url", PAGES)
def test_a_public_page_reads_no_raw_ticket_record_and_its_second_answer_no_table(client, market_scenario, url):
    cold = queries(client, url)
    assert cold, "the first answer computes from the summaries"
    touching = [sql for sql in cold if any(table in sql for table in RAW)]
    assert not touching, f"{url} read raw records: {touching}"
    warm = [sql for sql in queries(client, url) if "films_cacheepoch" not in sql]
    assert warm == [], f"{url} ran queries from the cache: {warm}"


def summaries_read(client, url) -> list[str]:
    return [sql for sql in queries(client, url) if any(table in sql for table in (
        "boxoffice_filmday", "boxoffice_filmperiod", "boxoffice_screendaysales"))]


def test_every_date_of_a_period_shares_one_computation_of_its_chart(client, market_scenario):
    assert summaries_read(client, "/en/charts/year/?date=2025-03-18")
    # another date of the same year, another language, the API: the year's chart is already computed
    assert summaries_read(client, "/ru/charts/year/?date=2025-01-02") == []
    assert summaries_read(client, "/api/v1/reports/chart/?period=year&date=2025-07-01") == []
    assert summaries_read(client, "/en/charts/week/?date=2025-03-18")
    assert summaries_read(client, "/kk/charts/week/?date=2025-03-23") == []  # the Sunday of the same week
    assert summaries_read(client, "/en/regions/KZ-23/?period=week&date=2025-03-18")
    assert summaries_read(client, "/en/regions/KZ-23/?period=week&date=2025-03-19") == []


def test_a_dimensions_pages_share_one_trend(client, market_scenario):
    assert summaries_read(client, "/en/market/?by=genre&year=2025")
    assert summaries_read(client, "/ru/market/?by=genre&year=2025") == []
    assert summaries_read(client, "/api/v1/reports/market/?by=genre&year=2025") == []
    assert summaries_read(client, "/en/market/?by=language&year=2025")  # another dimension: its own trend


def test_shared_figures_go_stale_with_the_pages(client, market_scenario):
    """A recompute bumps the figures' version: the next answer reads the summaries again, with the new sales."""
    from public.caching import bump_film_figures

    before = client.get("/api/v1/reports/chart/?period=year&date=2025-03-18").json()["total_gross"]
    send([sale("N1", film=A, start="2025-03-25T19:00:00+05:00", sold="2025-03-25T10:00:00+05:00", tickets=1,
               amount="1000.00", screening_format="2D")])
    recompute()
    bump_film_figures(A)  # what the recompute's on-commit hook does (these tests' transactions never commit)
    after = client.get("/api/v1/reports/chart/?period=year&date=2025-06-01").json()["total_gross"]
    assert (before, after) == ("41500.00", "42500.00")


def test_an_unknown_regions_page_is_a_404_that_stores_nothing(client, market_scenario):
    assert client.get("/en/regions/KZ-00/?period=week&date=2025-03-20").status_code == 404
    stored = [key for key in cache._cache if ":public:data:region-page:" in key]  # LocMemCache, as in tests
    assert stored == []
    assert client.get("/en/regions/KZ-23/?period=week&date=2025-03-20").status_code == 200
    assert [key for key in cache._cache if ":public:data:region-page:" in key]


@pytest.mark.usefixtures("no_throttle")
@pytest.mark.parametrize("url", ["/en/charts/week/?date=2025-03-20", f"/en/films/{A}/",
                                 "/api/v1/reports/chart/?period=week&date=2025-03-20", f"/api/v1/films/{A}/"])
def test_a_cached_answer_is_one_cache_read_and_a_bump_elsewhere_is_seen_at_once(client, market_scenario, url,
                                                                                monkeypatch):
    """The versions and the answer stored under them are read together (public.caching.cached_answer): one round
    trip. Another process's bump, seen only in the cache, makes the very next answer a fresh one."""
    from public import caching

    first = client.get(url).content
    reads, inside = [], []  # calls made by the page, not those get_many makes itself (LocMemCache in tests)

    def counted(name, real):
        def call(key, *args, **kwargs):
            if not inside and "public:" in str(key):  # not the API's throttle, which reads its own keys
                reads.append(name)
            inside.append(name)
            try:
                return real(key, *args, **kwargs)
            finally:
                inside.pop()
        return call

    for name in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert client.get(url).content == first
    assert reads == ["get_many"]
    monkeypatch.undo()
    send([sale("N2", film=A, start="2025-03-21T19:00:00+05:00", sold="2025-03-21T10:00:00+05:00", tickets=1,
               amount="1234.00", screening_format="2D")])
    recompute()
    caching.bump_film_figures(A)  # what another process's recompute does: in the cache alone, not in this process
    fresh = client.get(url).content.decode()
    plain = fresh.replace(",", "").replace("\xa0", "")
    assert fresh != first.decode() and ("19234.00" in plain or "23234.00" in plain)  # the week's or A's total
