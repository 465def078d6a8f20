"""A grant officer's year in the browser (Debian's chromium through Playwright, on a live server):
register a cinema and a film, load films and grants, enter a grant, have it approved by a colleague,
propose a disbursement that the first officer approves, and resolve held sales records. Screenshots go
to tests/screenshots/."""
import io
import os
from pathlib import Path

import pytest

from conftest import ROLE_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(browser, live_server, username):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/en/staff/")
    page.fill("#id_username", username)
    page.fill("#id_password", ROLE_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/en/staff/")
    return page


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_grant_officers_year(browser, live_server, examples_dir):
    from boxoffice.models import BatchRecord
    from films.models import Film
    from funding.models import Grant

    make_user("aigerim", "grant_officer")
    make_user("bolat", "grant_officer")
    page = sign_in(browser, live_server, "aigerim")
    shot(page, "01-dashboard")

    # Register a cinema with its first screen, then add a second screen.
    page.goto(f"{live_server.url}/en/staff/cinemas/new/")
    page.fill("#id_cinema_code", "KZ-C9001")
    page.fill("#id_cinema_name", "Arman Astana")
    page.select_option("#id_region", "KZ-71")
    page.fill("#id_city", "Astana")
    page.fill("#id_connected_since", "2024-01-01")
    page.fill("#id_screen", "1")
    page.fill("#id_seats", "120")
    page.click("button:has-text('Register')")
    page.wait_for_url("**/staff/cinemas/KZ-C9001/")
    page.fill("#id_screen", "2")
    page.fill("#id_seats", "60")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/staff/cinemas/KZ-C9001/")
    assert page.locator("table >> text=60").count() == 1
    shot(page, "02-cinema")

    # Load the films register from the ministry's spreadsheet, then the grants file.
    for register, filename in (("films", "films.csv"), ("grants", "grants.csv")):
        page.goto(f"{live_server.url}/en/staff/uploads/{register}/")
        page.set_input_files("#id_file", str(examples_dir / filename))
        page.click("button:has-text('Upload')")
        page.wait_for_selector(".report .counts")
        assert "0</strong> rejected" in page.inner_html(".report .counts")
        shot(page, f"03-upload-{register}")
    assert Film.objects.count() > 0
    assert Grant.objects.exists() and not Grant.objects.published().exists()  # all await approval

    # Enter a grant by hand.
    page.goto(f"{live_server.url}/en/staff/grants/new/")
    for field, value in {"identifier": "360G-KZ-HAND-0001", "title": "Development: Steppe",
                         "description": "Script development", "amount_awarded": "25000000.50",
                         "award_date": "2024-04-10", "recipient_name": "Steppe Films LLP",
                         "recipient_id": "KZ-BIN-240440012343", "funder_name": "Ministry of Culture",
                         "funder_id": "KZ-BIN-990740002222", "film_code": "KZ-2023-0001"}.items():
        page.fill(f"#id_{field}", value)
    page.check("#id_new_recipient")  # not in the register yet: added on purpose (issue 13)
    page.click("button:has-text('Save for approval')")
    page.wait_for_selector("text=Not yet approved")
    assert page.locator("text=another grant officer must approve it").count() == 1
    shot(page, "04-grant-pending")
    hand_url = page.url
    page.close()

    # A colleague approves it and records the first tranche.
    page = sign_in(browser, live_server, "bolat")
    page.goto(hand_url)
    page.click("button:has-text('Approve')")
    page.wait_for_selector("text=Approved — public")
    page.select_option("#id_kind", "disbursement")
    page.fill("#id_amount", "10000000.25")
    page.fill("#id_date", "2024-05-02")
    page.fill("#id_note", "first tranche")
    page.click("button:has-text('Propose')")
    page.wait_for_selector("text=2024-05-02 +10000000.25 KZT (first tranche)")
    shot(page, "05-grant-approved-tranche-proposed")
    grant = Grant.objects.get(identifier="360G-KZ-HAND-0001")
    assert grant.published and not grant.disbursements.exists()  # money moves once a colleague approves
    page.close()

    # The first officer approves the tranche.
    page = sign_in(browser, live_server, "aigerim")
    page.goto(hand_url)
    page.click("button:has-text('Approve')")
    page.wait_for_selector("td:has-text('first tranche')")
    shot(page, "05b-tranche-approved")
    assert str(grant.disbursements.get().amount) == "10000000.25"

    # Sales arrive for a film nobody has registered yet: they are held until it is.
    from boxoffice.services import import_sales
    from films.audit import Actor

    sales = ("cinema_code,transaction_id,kind,refund_of,sold_at,screening_start,screen,film_code,tickets,amount\n"
             "KZ-C9001,T1,sale,,2024-09-01T10:00:00+05:00,2024-09-01T18:00:00+05:00,1,KZ-2099-0001,2,4000.00\n")
    import_sales(stream=io.BytesIO(sales.encode()), source="cli", actor=Actor.command("import_sales"))
    assert BatchRecord.objects.filter(outcome="held", resolved_at__isnull=True).count() == 1
    page.goto(f"{live_server.url}/en/staff/queue/")
    shot(page, "06-queue-held")
    page.click("a:has-text('KZ-2099-0001')")
    page.wait_for_selector("#id_title")
    assert page.input_value("#id_film_code") == "KZ-2099-0001"
    page.fill("#id_title", "Жаңа фильм")
    page.click("button:has-text('Register')")
    page.wait_for_url("**/staff/films/KZ-2099-0001/")
    page.goto(f"{live_server.url}/en/staff/queue/")
    assert "Held sales records (0)" in page.inner_text("#held")
    shot(page, "07-queue-resolved")
    assert Film.objects.get(code="KZ-2099-0001").status == "released"
    page.close()


def test_an_auditor_reads_reports_and_the_audit_trail(browser, live_server, examples_dir):
    from django.core.management import call_command

    for command, name in (("import_cinemas", "cinemas.csv"), ("import_films", "films.csv"),
                          ("import_grants", "grants.json"), ("import_sales", "ticket-sales-small.csv")):
        call_command(command, str(examples_dir / name), stdout=io.StringIO())
    make_user("dana", "auditor")
    page = sign_in(browser, live_server, "dana")
    page.goto(f"{live_server.url}/en/staff/reports/funded-vs-released/")
    total = page.locator("#report-table tbody tr").last.inner_text()
    assert "2,528,000,004.76" in total  # the page groups the digits; the CSV keeps the plain figure
    shot(page, "08-report-funded-vs-released")
    with page.expect_download() as info:
        page.click("a:has-text('CSV')")
    assert "2528000004.76" in Path(info.value.path()).read_text()
    page.goto(f"{live_server.url}/en/staff/audit/?door=command&object_type=funding.grant")
    assert page.locator("table.events tbody tr").count() > 0
    assert page.locator("form[action*='approve']").count() == 0
    shot(page, "09-audit-trail")
    page.close()
