"""Issue 13's days in the browser (Debian's chromium through Playwright, on a live server), in kk, ru and
en: each role signs in without being told where to go and lands where its work is."""
from pathlib import Path

import pytest

from conftest import ROLE_PASSWORD, make_user, run_command

from .test_browser_staff import SHOTS, browser, shot  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGS = ["kk", "ru", "en"]
GRANTS_HEADER = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
                 "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n")
# How a grant row's bad date reads in each language (funding/services.py schema_problem).
GRANT_ROW_WORDS = {"kk": "күн емес", "ru": "не дата", "en": "is not a date"}
MONEY_GROUPED = r"\d[\s\u00a0\u202f,]\d{3}[.,]\d{2}$"
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


def _load_registers(examples_dir):
    run_command("import_cinemas", str(examples_dir / "cinemas.csv"))
    run_command("import_films", str(examples_dir / "films.csv"))
    run_command("import_grants", str(examples_dir / "grants.json"))


def _choose_organisation(page, box: str, typed: str, name: str):
    """Type into an organisation's name box and pick the register's suggestion."""
    page.fill(f"#id_{box}_name", "")
    page.type(f"#id_{box}_name", typed, delay=30)
    page.click(f"#id_{box}_name-suggestions li:has-text('{name}')")


@pytest.mark.parametrize("lang", LANGS)
def test_officers_register_a_film_and_its_grant_and_a_colleague_approves_three(
    browser, live_server, examples_dir, lang  # noqa: F811
):
    from films.audit import Actor
    from funding.models import Grant, GrantChange
    from funding.services import clean_grant, propose_grant

    _load_registers(examples_dir)
    aigerim, _ = make_user("aigerim", "grant_officer"), make_user("bolat", "grant_officer")
    page = sign_in(browser, live_server, "aigerim", lang)
    assert page.url == f"{live_server.url}/{lang}/staff/"  # staff land in the workspace

    # Register a film, then enter its grant from the film's page.
    page.goto(f"{live_server.url}/{lang}/staff/films/new/")
    page.fill("#id_film_code", "KZ-2025-0100")
    page.fill("#id_title", "Dala")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/films/KZ-2025-0100/")
    page.click(f"a[href='/{lang}/staff/grants/new/?film_code=KZ-2025-0100']")
    page.wait_for_url("**/staff/grants/new/**")
    assert page.input_value("#id_film_code") == "KZ-2025-0100"
    for field, value in {"identifier": f"360G-KZ-DALA-{lang}", "title": "Production support: Dala",
                         "description": "State support", "amount_awarded": "150 000 000",
                         "award_date": "2030-03-15"}.items():  # a typo for 2025: warned, not refused
        page.fill(f"#id_{field}", value)
    # The recipient and the funder are chosen from the register, by a former name or part of the name.
    _choose_organisation(page, "recipient", "Aldongar", "Aldongar Productions LLP")
    assert page.input_value("#id_recipient_id") == "KZ-BIN-110840007890"
    _choose_organisation(page, "funder", "Support of National", "State Center for Support of National Cinema")
    assert page.input_value("#id_funder_id") == "KZ-BIN-190340001111"
    page.fill("#id_programme", "Debut films")
    # The submit button ends the form: below every field, not beside one mid-form.
    button_top = page.locator("main form.grid button[type=submit]").bounding_box()["y"]
    field_bottoms = page.locator("main form.grid .field").evaluate_all(
        "ps => ps.map(p => p.getBoundingClientRect().bottom + window.scrollY)")
    assert button_top >= max(field_bottoms), (button_top, max(field_bottoms))
    shot(page, f"13-officer-grant-form-{lang}")
    page.click("main form.grid button[type=submit]")
    page.wait_for_url("**/staff/grants/*/")
    grant = Grant.objects.get(identifier=f"360G-KZ-DALA-{lang}")
    assert grant.film.code == "KZ-2025-0100" and str(grant.amount_awarded) == "150000000.00"
    assert grant.recipient.name == "Aldongar Productions LLP" and not grant.published
    warning = page.inner_text(".messages .warning")  # in the page's language, naming the date
    assert "2030-03-15" in warning and ("in the future" in warning) == (lang == "en"), warning
    assert page.locator("text=2030-03-15").count() >= 1

    # A spreadsheet of grants with a bad row: every error of the row at once, in the page's language, with its
    # Key and the file's column names (Award Date, not awardDate).
    page.goto(f"{live_server.url}/{lang}/staff/uploads/grants/")
    assert page.locator(f"a[href='/{lang}/staff/uploads/grants/template.csv']").count() == 1
    assert page.locator("p.columns code:text-is('Award Date')").count() == 1
    bad = (GRANTS_HEADER + f"360G-KZ-BAD-{lang},Support,d,KZTX,100.00,15.03.2025,KZ-BIN-110840007890,"
           "Aldongar Productions LLP,KZ-BIN-190340001111,State Center for Support of National Cinema\n")
    page.set_input_files("#id_file", files=[{"name": "grants.csv", "mimeType": "text/csv", "buffer": bad.encode()}])
    page.click("main form button[type=submit]")
    page.wait_for_selector(".report table")
    key, field, why = (page.inner_text(f".report table tbody tr td:nth-child({n})") for n in (2, 3, 4))
    assert key == f"360G-KZ-BAD-{lang}" and "Award Date" in field + why and "Currency" in why
    assert GRANT_ROW_WORDS[lang] in why and "awardDate" not in why, why
    shot(page, f"13-officer-grant-upload-errors-{lang}")

    # Two more changes by the same officer (through the same service), then the colleague's queue.
    for n in (1, 2):
        data = clean_grant({**grant.source_data, "id": f"360G-KZ-DALA-{lang}-{n}"})
        propose_grant(data=data, actor=Actor(door="page", user=aigerim))
    page.close()
    page = sign_in(browser, live_server, "bolat", lang)
    page.goto(f"{live_server.url}/{lang}/staff/queue/")
    boxes = page.locator("input[name=change]")
    assert boxes.count() == 3
    for i in range(3):
        boxes.nth(i).check()
    shot(page, f"13-colleague-queue-{lang}")
    page.click("#pending ~ form button[type=submit]")
    page.wait_for_url("**/staff/queue/**")
    assert GrantChange.objects.filter(status="approved").count() == 3
    assert Grant.objects.filter(identifier__startswith=f"360G-KZ-DALA-{lang}", published=True).count() == 3
    assert page.locator(".messages .success").count() == 1
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_an_auditor_exports_the_anomalies_page_by_page(browser, live_server, examples_dir, lang):  # noqa: F811
    import csv
    import io
    import re

    from openpyxl import load_workbook

    from boxoffice.tests.helpers import FILM, as_csv, sale, send
    from staff.views import REPORT_PAGE_ROWS

    _load_registers(examples_dir)
    n = REPORT_PAGE_ROWS + 20
    send(as_csv([sale(f"Z{i}", amount="0.00", tickets=1, start=f"2025-03-{1 + i % 28:02d}T19:00:00+05:00",
                      sold=f"2025-03-{1 + i % 28:02d}T12:00:00+05:00") for i in range(n)]))
    make_user("saule", "auditor")
    page = sign_in(browser, live_server, "saule", lang)
    assert page.url == f"{live_server.url}/{lang}/staff/"
    page.goto(f"{live_server.url}/{lang}/staff/reports/anomalies/")
    got = []
    for number in (1, 2):
        assert page.locator("#report-table tbody tr").count() == (REPORT_PAGE_ROWS if number == 1 else 20)
        with page.expect_download() as download:
            page.click("a.page-export:text('CSV')")
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
        got += rows[1:]
        assert f"anomalies-page-{number}" in download.value.suggested_filename
        assert fits(page)
        shot(page, f"13-auditor-anomalies-{number}-{lang}")
        if number == 1:
            page.click(".pager a")
            page.wait_for_url("**page=2**")
    assert len(got) == n and len({tuple(r) for r in got}) == n  # every anomaly once, none twice

    # The page's workbook is headed in the page's language; its figures are numbers.
    with page.expect_download() as download:
        page.click("a.page-export:text('XLSX')")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    at = next(i for i, r in enumerate(rows) if len([v for v in r if v is not None]) > 5)  # after the preamble
    # Its header is the page's: the same labels, in the same language.
    labels = page.locator("#report-table thead th").all_inner_texts()
    assert rows[at] == labels and "film_code" not in rows[at]
    batch = page.locator("#report-table thead th").evaluate_all("ths => ths.map(t => t.dataset.key)").index("batch")
    assert all(isinstance(r[batch], int) for r in rows[at + 1:])
    # Codes link to their records; no developer words; money grouped; the widest table fits at 1280 px.
    assert page.locator(f"#report-table a[href='/{lang}/staff/films/{FILM}/']").count() > 0
    page.goto(f"{live_server.url}/{lang}/staff/reports/funded-vs-released/")
    total = page.locator("#report-table tbody tr").last.locator("td").nth(2).inner_text()
    assert re.search(MONEY_GROUPED, total), total
    assert ".md" not in page.inner_text("main")
    page.goto(f"{live_server.url}/{lang}/staff/reports/data-completeness/")
    assert fits(page), f"/{lang}/staff/reports/data-completeness/ is wider than 1280 px"
    shot(page, f"13-auditor-completeness-{lang}")
    page.close()
