"""Chromium reports no Content-Security-Policy violation on the main public and staff pages (issue 8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROLE_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PUBLIC = ["/en/", "/ru/films/", "/en/films/KZ-2024-0003/", "/en/funders/", "/en/cinemas/", "/en/regions/",
          "/en/open-data/", "/en/about/methodology/", "/en/funding/reports/funded-vs-released/"]
STAFF = ["/en/staff/", "/en/staff/films/", "/en/staff/grants/", "/en/staff/audit/", "/en/staff/reports/",
         "/en/boxoffice/batches/upload/"]
# Collected in the page itself: Chromium fires this event for every blocked script, style or resource.
LISTEN = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _violations(page, url) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def test_no_policy_violations_on_the_main_pages(browser, live_server, examples_loaded):
    from boxoffice.models import ImportBatch

    make_user("csp_admin", superuser=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(10000)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    found = {url: _violations(page, live_server.url + url) for url in PUBLIC}
    page.goto(f"{live_server.url}/en/staff/")
    page.fill("#id_username", "csp_admin")
    page.fill("#id_password", ROLE_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/en/staff/")
    batch = ImportBatch.objects.first()
    found |= {url: _violations(page, live_server.url + url) for url in [*STAFF, f"/en/boxoffice/batches/{batch.pk}/"]}
    context.close()
    assert not {u: v for u, v in found.items() if v}, found
    assert not console, console
