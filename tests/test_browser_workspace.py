"""Issue 13's days in the browser (Debian's chromium through Playwright, on a live server), in kk, ru and
en: each role signs in without being told where to go and lands where its work is."""
import pytest

from conftest import ROLE_PASSWORD, make_user, run_command

from .test_browser_staff import SHOTS, browser, shot  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGS = ["kk", "ru", "en"]
HEADER = "cinema_code,transaction_id,kind,refund_of,sold_at,screening_start,screen,film_code,tickets,amount"
ROW = "KZ-C0001,OP-{n},sale,,2024-09-01T10:00:00+05:00,2024-09-01T18:00:00+05:00,1,KZ-2024-0003,2,4000.00"


def sign_in(browser, live_server, username, lang):  # noqa: F811 - the fixture's name
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10000)
    page.goto(f"{live_server.url}/{lang}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", ROLE_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def fits(page, width=1280):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def upload(page, live_server, lang, name, content: str):
    page.goto(f"{live_server.url}/{lang}/boxoffice/batches/upload/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/boxoffice/batches/*/")


@pytest.mark.parametrize("lang", LANGS)
def test_an_operators_day_fixing_a_tab_delimited_file(browser, live_server, examples_dir, lang):  # noqa: F811
    from boxoffice.models import Cinema, ImportBatch

    run_command("import_cinemas", str(examples_dir / "cinemas.csv"))
    run_command("import_films", str(examples_dir / "films.csv"))
    operator = make_user("dana", "cinema_operator")
    Cinema.objects.get(code="KZ-C0001").operators.add(operator)

    page = sign_in(browser, live_server, "dana", lang)
    assert page.url == f"{live_server.url}/{lang}/boxoffice/batches/"  # landed on its batches
    nav = page.locator("header nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert f"/{lang}/staff/" not in nav  # no Workspace link that would answer 403

    # The upload page offers the format and a template.
    page.click(f"a[href='/{lang}/boxoffice/batches/upload/']")
    page.wait_for_url("**/boxoffice/batches/upload/")
    page.click(f"a[href='/{lang}/boxoffice/batches/format/']")
    page.wait_for_url("**/boxoffice/batches/format/")
    assert page.locator("code:text-is('amount')").count() == 1
    shot(page, f"13-operator-format-{lang}")

    # A spreadsheet saved with tabs: the batch is refused, and says it is the delimiter.
    tabbed = "\n".join(line.replace(",", "\t") for line in (HEADER, ROW.format(n=1))) + "\n"
    upload(page, live_server, lang, "KZ-C0001_ticket-sales_2024-09-01_export.tsv", tabbed)
    assert "separated by tabs" in page.inner_text("[role=alert]")
    page.goto(f"{live_server.url}/{lang}/boxoffice/batches/")
    assert "separated by tabs" in page.inner_text("td .why")
    assert fits(page), f"/{lang}/boxoffice/batches/ is wider than 1280 px"
    shot(page, f"13-operator-batches-rejected-{lang}")

    # Fixed: the same records with commas. Under eager Celery the report is there at once.
    upload(page, live_server, lang, "KZ-C0001_ticket-sales_2024-09-01_export.csv", f"{HEADER}\n{ROW.format(n=1)}\n")
    assert page.locator("progress").count() == 0
    batch = ImportBatch.objects.order_by("-pk").first()
    assert (batch.status, batch.accepted) == ("processed", 1)
    assert "1: 1 " in page.inner_text("dl.facts")
    page.goto(f"{live_server.url}/{lang}/boxoffice/batches/")
    assert fits(page)
    shot(page, f"13-operator-batches-{lang}")
    page.close()
