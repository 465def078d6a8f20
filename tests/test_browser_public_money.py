"""A journalist's questions, asked of the public site in a real browser (Playwright + Debian's chromium):
which funded films are most overdue, how much was paid for them, who received it. Screenshots of each step
go to SHOTS_PUBLIC_MONEY (default tests/screenshots/public-money/)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .test_browser_public import browser  # noqa: F401 - the shared chromium
from .test_delivery_report import build_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SHOTS_PUBLIC_MONEY", Path(__file__).parent / "screenshots" / "public-money"))


@pytest.fixture
def page(browser, live_server):  # noqa: F811
    build_scenario()
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.base = live_server.url
    yield pg
    context.close()


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_which_funded_films_are_most_overdue_what_was_paid_and_to_whom(page):
    # 1. From the home page, the navigation leads to what became of the money.
    page.goto(f"{page.base}/en/")
    page.get_by_role("link", name="What became of the money").first.click()
    assert page.locator("h1").inner_text().startswith("What became of the money")
    summary = page.locator("p.summary").inner_text()
    assert "2 funded films are overdue" in summary and "133,100,000.00 KZT of 178,900,000.00" in summary
    first = page.locator("#delivery tbody tr").first
    assert first.get_attribute("data-film") == "D-OVER"
    assert "1,975" in first.inner_text()
    shot(page, "1-delivery-most-overdue-first")

    # 2. Sorted by what was paid out, on the server: the film with the most money paid first.
    page.get_by_role("link", name="Paid out, KZT").first.click()  # money columns sort largest first
    page.wait_for_url("**sort=-disbursed")
    assert page.locator("#delivery th[aria-sort=descending]").inner_text().startswith("Paid out")
    assert page.locator("#delivery tbody tr").first.get_attribute("data-film") == "D-OVER"
    shot(page, "2-delivery-sorted-by-paid-out")

    # 3. The most overdue film's page says it in one line, and shows who received the grants.
    page.goto(f"{page.base}/en/funding/reports/delivery/")
    page.locator("#delivery tbody tr").first.get_by_role("link").first.click()
    line = page.locator("#delivery-line").inner_text()
    assert re.search(r"planned for \w+ \d{4} · not released · 1,975 days overdue · 133\.1 M of 147\.9 M paid out",
                     line), line
    assert "Late Studio" in page.locator("table").first.inner_text()
    shot(page, "3-film-status-line")

    # 4. Who received it: the recipients with overdue obligations, then the recipient's grants.
    page.goto(f"{page.base}/en/funding/reports/delivery/#overdue-recipients")
    row = page.locator("#recipients tbody tr").first
    assert "Late Studio" in row.inner_text() and "133,100,000.00" in row.inner_text()
    shot(page, "4-recipients-with-overdue-obligations")
    row.get_by_role("link", name="Late Studio").click()
    assert page.locator("h1").inner_text() == "Late Studio"
    shot(page, "5-recipient-grants")

    # 5. Follow the money, largest recipients first; and the grants list, searched and downloadable.
    page.goto(f"{page.base}/en/organisations/")
    page.get_by_role("link", name="Largest recipients first").click()
    page.wait_for_url("**sort=-received")
    names = page.locator("tbody th[scope=row]").all_inner_texts()
    assert names[0] == "Late Studio"
    shot(page, "6-follow-the-money-by-amount")
    page.goto(f"{page.base}/en/grants/")
    page.get_by_label("Search: grant, recipient or film").fill("D-OVER")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**q=D-OVER*")
    assert page.locator("tbody tr").count() == 2
    href = page.get_by_role("link", name="CSV of this search").get_attribute("href")
    body = page.request.get(page.base + href).text()
    assert body.count("\n") == 3 and body.count(",D-OVER,") == 2  # the header and exactly the two grants
    shot(page, "7-grants-search")

    # 6. The same in Russian, and a mistyped funder is refused, not ignored.
    page.goto(f"{page.base}/ru/funding/reports/delivery/?funder=KZ-BIN-TYPO")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("[role=alert]").is_visible()
    shot(page, "8-ru-bad-filter-refused")
