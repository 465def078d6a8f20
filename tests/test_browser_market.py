"""Playwright drives Debian's chromium through the weekly chart and the yearly market page in Kazakh, Russian
and English: Chart.js (served from the site) draws every chart, no script error shows under the page's own
files only, and nothing scrolls sideways on a 390 px phone. Screenshots go to MARKET_SHOTS (default
tests/screenshots/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from boxoffice.tests.helpers import sale, send
from funding.tests.test_market import A, B, C, recompute, scenario

from .test_browser_public import browser  # noqa: F401 - the shared chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("MARKET_SHOTS", Path(__file__).parent / "screenshots"))


@pytest.fixture
def market_site(live_server, registers):
    from django.core.cache import cache

    scenario()
    # a year before, for the trend over the years
    send([sale(f"Y{i}", film=film, cinema=cinema, start=f"2024-{month:02d}-10T19:00:00+05:00",
               sold=f"2024-{month:02d}-10T10:00:00+05:00", tickets=2, amount=amount, screening_format=fmt)
          for i, (film, cinema, month, amount, fmt) in enumerate([
              (A, "KZ-C0001", 9, "9000.00", "2D"), (B, "KZ-C0002", 9, "12000.00", "IMAX"),
              (C, "KZ-C0001", 10, "4000.00", "2D"), (B, "KZ-C0001", 11, "7000.00", "")])])
    recompute()
    cache.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


def _open(browser, url, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "/favicon" not in r.url
            else None)
    page.goto(url)
    page.wait_for_function("() => document.querySelectorAll('figure.js-chart canvas').length === 0 || "
                           "[...document.querySelectorAll('figure.js-chart canvas')]"
                           ".every(c => window.Chart && window.Chart.getChart(c))")
    return context, page, errors


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_weekly_chart_and_the_market_page_draw_and_fit_a_phone(browser, market_site, lang):  # noqa: F811
    for name, path in (("weekly-chart", f"/{lang}/charts/week/?date=2025-03-20"),
                       ("market-region", f"/{lang}/market/?by=region&year=2025"),
                       ("market-domestic", f"/{lang}/market/?by=domestic&year=2025")):
        for width, label in ((1280, "desktop"), (390, "phone")):
            context, page, errors = _open(browser, market_site + path, width)
            drawn = page.evaluate("[...document.querySelectorAll('figure.js-chart canvas')]"
                                  ".map(c => window.Chart.getChart(c).data.datasets.length)")
            assert drawn and all(drawn), (path, drawn)
            assert not errors, errors
            if width == 390:
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            page.screenshot(path=str(SHOTS / f"{name}-{lang}-{label}.png"), full_page=True)
            context.close()
