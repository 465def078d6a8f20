"""Issue 8: every input is bounded before it can cost memory, time or a 500 (films/limits.py holds the bounds)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from rest_framework.test import APIClient

from boxoffice.choices import BatchStatus
from boxoffice.models import Cinema, ImportBatch, TicketTransaction
from boxoffice.records import FIELDS, read_records
from boxoffice.tests.helpers import CINEMA, FILM, OTHER_FILM, as_csv, as_json, sale, send
from boxoffice.tokens import issue_api_token
from films import downloads, limits
from films.audit import Actor, record_change
from films.importing import RowError
from films.models import Film, Organisation
from films.tabular import FileRejected, read_csv
from funding import exactjson
from funding.models import FilmMetrics
from funding.services import clean_grant, import_grants, read_grants
from public import opendata

from .public_helpers import crawl, no_throttle  # noqa: F401
from .test_public_nonleak import START

SALES_API = "/api/v1/sales/batches/"
DEEP = 100_000


def deep_sales_body(depth: int = DEEP) -> bytes:
    """About 200 KB: a valid envelope whose one record is a list nested `depth` deep."""
    return b'{"format": "ticket-sales/1", "transactions": [' + b"[" * depth + b"]" * depth + b"]}"


@pytest.fixture
def token_key(registers):
    cache.clear()  # the sales throttle counts in the cache
    _, key = issue_api_token(cinema=Cinema.objects.get(code=CINEMA), actor=Actor(label="test"))
    return key


def post_sales(body: bytes, key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.post(SALES_API, data=body, content_type="application/json")


# --- 1. JSON nesting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [9, 1_000, DEEP])
def test_deeply_nested_sales_json_is_a_400_with_a_batch_message(token_key, depth):
    response = post_sales(deep_sales_body(depth), token_key)
    assert response.status_code == 400, response.content[:300]
    message = response.json()["message"]
    # {"format"…, "transactions": [ is 2 levels; the 7th bracket of the record opens level 9.
    position = len(b'{"format": "ticket-sales/1", "transactions": [') + 6
    assert message.startswith(f"The JSON is nested more than 8 levels deep at byte {position}")
    assert "a ticket-sales file has at most 3 levels" in message
    assert ImportBatch.objects.get().message == message


def test_a_record_with_a_nested_value_is_refused_on_its_own(token_key):
    body = as_json([sale("T1"), {**sale("T2"), "screen": [[["1"]]]}], cinema_code=CINEMA)
    response = post_sales(body, token_key)
    assert response.status_code == 201, response.content
    assert (response.json()["accepted"], response.json()["rejected"]) == (1, 1)


MEASURE = textwrap.dedent("""
    import io, resource, sys
    # Fail fast instead of taking the machine if the reader ever builds per-depth state again.
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, resource.getrlimit(resource.RLIMIT_AS)[1]))
    import django
    django.setup()
    from boxoffice.records import read_records
    from films.tabular import FileRejected, read_csv
    from funding.services import read_grants
    body = open(sys.argv[1], "rb").read()
    reader = read_records if sys.argv[2] == "sales" else read_grants
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        reader(io.BytesIO(body))
        print("accepted")
    except FileRejected as exc:
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) // 1024, str(exc)[:60])
""")


@pytest.mark.parametrize("reader", ["sales", "grants"])
def test_a_100000_deep_body_is_refused_in_little_memory(tmp_path, reader):
    """Measured in a fresh process (ru_maxrss is its high-water mark): the peak grows by a few MB at most."""
    body = deep_sales_body() if reader == "sales" else (b'{"grants": [' + b"[" * DEEP + b"]" * DEEP + b"]}")
    path = tmp_path / "deep.json"
    path.write_bytes(body)
    script = tmp_path / "measure.py"
    script.write_text(MEASURE)
    done = subprocess.run([sys.executable, str(script), str(path), reader], capture_output=True, text=True,
                          timeout=120, check=False,
                          env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[1])})
    assert done.returncode == 0, done.stderr[-2000:]
    grown_mb, message = done.stdout.strip().split(" ", 1)
    assert message.startswith("The JSON is nested more than")
    print(f"{reader}: {len(body):,}-byte body nested {DEEP:,} deep refused; peak RSS grew {grown_mb} MB")
    assert int(grown_mb) < 50


def test_deeply_nested_grants_json_is_refused_with_a_message():
    head = b'{"grants": [{"id": "G-1", "x": '
    body = head + b"[" * 2_000 + b"]" * 2_000 + b"}]}"
    # Three levels before "x"; its 14th bracket opens level 17.
    with pytest.raises(FileRejected, match=f"nested more than 16 levels deep at byte {len(head) + 13}; a 360Giving "
                                           "grants file has at most 7 levels"):
        read_grants(io.BytesIO(body))


def test_an_ordinary_grants_package_still_reads():
    grant = {"id": "G-1", "recipientOrganization": [{"id": "O", "location": [{"name": "Almaty"}]}]}
    rows, _, _ = read_grants(io.BytesIO(json.dumps({"grants": [grant]}).encode()))
    assert rows[0][1]["id"] == "G-1"


# --- 2. Amount bounds ----------------------------------------------------------------------------------------


def test_an_amount_over_the_record_limit_is_refused_naming_field_and_limit(registers):
    records = [sale("T1", amount="999999999999999999.99"), sale("T2", amount=str(limits.MAX_TICKET_AMOUNT)),
               sale("T3", amount=Decimal("1E+30")), sale("T4", amount=Decimal("1000000000000.01"))]
    batch = send(exactjson.dumps({"format": "ticket-sales/1", "transactions": records}).encode())
    assert batch.status == BatchStatus.PROCESSED, batch.message
    rejected = {r.position: r for r in batch.records.all()}
    assert set(rejected) == {0, 2, 3}
    for r in rejected.values():
        assert r.field == "amount" and "over the limit of 1,000,000,000,000.00 for one record" in r.reason
    assert TicketTransaction.objects.get().amount == limits.MAX_TICKET_AMOUNT


@pytest.mark.parametrize("where", ["amountAwarded", "amountDisbursed", "disbursementTransaction/0/value"])
def test_a_grant_amount_over_the_limit_is_refused_naming_the_field(where):
    grant = _grant("G-BIG", Decimal("1000"))
    huge = limits.MAX_GRANT_AMOUNT + Decimal("0.01")
    if where == "amountAwarded":
        grant["amountAwarded"] = huge
    elif where == "amountDisbursed":
        grant["amountDisbursed"] = huge
    else:
        grant["disbursementTransaction"] = [{"id": "T", "value": -huge, "transactionDate": "2024-01-01"}]
    with pytest.raises(RowError) as error:
        clean_grant(grant)
    assert error.value.field == where
    assert "over the limit of 1,000,000,000,000,000.00" in error.value.reason


def _grant(identifier: str, amount: Decimal, film: str = "KZ-2024-0003") -> dict:
    return {
        "id": identifier, "title": f"Grant {identifier}", "description": "d", "currency": "KZT",
        "amountAwarded": amount, "awardDate": "2021-05-01",
        "recipientOrganization": [{"id": "KZ-BIN-201140001122", "name": "Nomad Pictures LLP"}],
        "fundingOrganization": [{"id": "KZ-BIN-190340001111", "name": "State Center for Support of National Cinema"}],
        "filmProject": {"code": film, "title": film},
    }


@pytest.fixture
def largest_sums(registers, django_capture_on_commit_callbacks):
    """The largest accepted amounts many times over: 40 maximal grants, a 0.01 grant, 60 maximal sales."""
    grants = [_grant(f"G-MAX-{i}", limits.MAX_GRANT_AMOUNT) for i in range(40)]
    grants.append(_grant("G-TINY", Decimal("0.01"), film=FILM))
    report = import_grants(stream=io.BytesIO(exactjson.dumps({"grants": grants}).encode()),
                           actor=Actor.command("test"))
    assert report.count("rejected") == 0, report.summary()["problems"]
    top = str(limits.MAX_TICKET_AMOUNT)
    with django_capture_on_commit_callbacks(execute=True):
        for film in (FILM, OTHER_FILM):
            screen = "1" if film == FILM else "2"  # one film per screening
            batch = send([sale(f"{film}-{i}", film=film, screen=screen, amount=top, tickets=1) for i in range(30)])
            assert batch.status == BatchStatus.PROCESSED and batch.accepted == 30, batch.summary()
    cache.clear()


@pytest.mark.usefixtures("largest_sums", "no_throttle")
def test_largest_accepted_amounts_many_times_over_break_no_public_door(client):
    metrics = FilmMetrics.objects.get(film__code=FILM)
    assert metrics.gross == 30 * limits.MAX_TICKET_AMOUNT
    assert metrics.return_on_funding is None  # 3×10^15 times the grant: more than the column holds
    assert FilmMetrics.objects.get(film__code=OTHER_FILM).awarded_kzt > 40 * limits.MAX_GRANT_AMOUNT
    pages = crawl(client, [*START, f"/en/films/{FILM}/", f"/en/films/{OTHER_FILM}/", f"/api/v1/films/{FILM}/",
                           f"/api/v1/film-metrics/{FILM}/"], limit=250)
    for must in ("/api/v1/cinemas/", "/api/v1/regions/", "/open-data/regions.csv", "/open-data/films.json"):
        assert any(must in url for url in pages), f"the crawl never reached {must}"
    assert any(b"30000000000000" in body for body in pages.values())  # the sum itself is shown, exactly


# --- 6. Over-long grant fields ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "path"), [("title", "title"), ("id", "id"),
                                             ("recipientOrganization", "recipientOrganization/0/name"),
                                             ("disbursementTransaction", "disbursementTransaction/0/description")])
def test_an_over_long_grant_field_is_refused_naming_it(db, field, path):
    grant = _grant("G-LONG", Decimal("1000"))
    long = "x" * 10_000
    if field == "recipientOrganization":
        grant[field][0]["name"] = long
    elif field == "disbursementTransaction":
        grant[field] = [{"id": "T1", "value": 10, "transactionDate": "2024-01-01", "description": long}]
    else:
        grant[field] = long
    report = import_grants(stream=io.BytesIO(exactjson.dumps({"grants": [grant]}).encode()),
                           actor=Actor.command("test"))
    [problem] = report.summary()["problems"]
    assert problem["field"] == path and "is 10,000 characters long; at most" in problem["reason"]


def test_an_over_long_title_in_a_grants_csv_is_refused(db):
    header = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
              "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n")
    row = f"G-1,{'t' * 10_000},d,KZT,100,2024-01-01,KZ-1,Rec,KZ-2,Fund\n"
    report = import_grants(stream=io.BytesIO((header + row).encode()), actor=Actor.command("test"))
    [problem] = report.summary()["problems"]
    assert problem["field"] == "Title" and "at most 500 are kept" in problem["reason"]


# --- 3. Spreadsheet formulas in downloads ------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|x",
           "\t=1+1", "\r=1+1"]


def test_the_writer_defuses_text_and_leaves_numbers_alone():
    text = downloads.csv_text(["name", "amount"], [[h, Decimal("-5.00")] for h in HOSTILE] + [["-5.00", "-7.50"]],
                              numeric=["amount"])
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [r[0] for r in rows[:-1]] == ["'" + h for h in HOSTILE]
    assert all(r[1] == "-5.00" for r in rows[:-1])
    assert rows[-1] == ["'-5.00", "-7.50"]  # a string in a text column is text; in a numeric column, a number
    assert downloads.xlsx_cell("-7.50", numeric=True) == Decimal("-7.50")
    assert downloads.xlsx_cell(HOSTILE[0]) == "'" + HOSTILE[0]


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def _xlsx_cells(content: bytes) -> list:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [c.value for row in sheet.iter_rows() for c in row]


def _assert_defused(cells, *hostile):
    for h in hostile:
        assert "'" + h in cells, f"{h!r} not defused"
        assert h not in cells, f"{h!r} went out raw"


@pytest.fixture
def hostile_registers(examples_loaded):
    Film.objects.filter(code=OTHER_FILM).update(title=HOSTILE[0], title_en=HOSTILE[0], title_ru=HOSTILE[0],
                                                title_kk=HOSTILE[0])
    Cinema.objects.filter(code=CINEMA).update(name=HOSTILE[1])
    Organisation.objects.filter(identifier="KZ-BIN-190340001111").update(name=HOSTILE[2])
    cache.clear()


@pytest.mark.usefixtures("hostile_registers", "no_throttle")
@pytest.mark.parametrize(("name", "hostile"), [("films", HOSTILE[0]), ("cinemas", HOSTILE[1]),
                                               ("funders", HOSTILE[2]), ("organisations", HOSTILE[2])])
def test_open_data_csvs_defuse_text_and_keep_numbers(client, name, hostile):
    response = client.get(f"/open-data/{name}.csv")
    assert response.status_code == 200
    text = response.content.decode()
    _assert_defused(_cells(text), hostile)
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    numeric = [i for i, c in enumerate(header) if c in opendata.DATASETS[name].numeric]
    assert numeric, header
    for row in rows:
        for i in numeric:
            assert not row[i].startswith("'"), (header[i], row[i])


@pytest.mark.usefixtures("hostile_registers")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_and_audit_exports_defuse_text(client, admin_user, fmt):
    client.force_login(admin_user)
    record_change(actor=Actor(label=HOSTILE[4]), action="create", instance=Film.objects.get(code=FILM),
                  before=None, after={"title": HOSTILE[3]})
    report = client.get(f"/en/staff/reports/return-on-funding.{fmt}")
    audit = client.get(f"/en/staff/audit/export.{fmt}")
    for response, hostile in ((report, [HOSTILE[0]]), (audit, [HOSTILE[4]])):
        assert response.status_code == 200
        cells = _cells(response.content.decode()) if fmt == "csv" else _xlsx_cells(response.content)
        _assert_defused(cells, *hostile)
    if fmt == "xlsx":  # figures stay numbers in the workbook
        assert any(isinstance(v, int | float) and not isinstance(v, bool) for v in _xlsx_cells(report.content))


def test_the_batch_not_accepted_csv_defuses_what_the_sender_sent(client, admin_user, registers):
    batch = send(as_csv([sale("@SUM(1+1)", tickets=0), sale("T2", screen="=1+1")]))
    client.force_login(admin_user)
    response = client.get(f"/en/boxoffice/batches/{batch.pk}/not-accepted.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows] == ["2", "3"]  # the line numbers stay numbers
    _assert_defused([c for r in rows for c in r], "@SUM(1+1)", "=1+1")


# --- 5. CSV width and cell size ---------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["sales", "grants", "films"])
def test_a_million_column_header_is_refused_quickly(reader):
    body = (",".join(f"c{i}" for i in range(1_000_000)) + "\n1,2\n").encode()
    started = time.perf_counter()
    with pytest.raises(FileRejected, match="header line is longer than 65,536 characters"):
        _read(reader, body)
    elapsed = time.perf_counter() - started
    print(f"{reader}: 1,000,000-column header refused in {elapsed:.3f} s")
    assert elapsed < 2


def test_more_columns_than_the_bound_are_refused_with_a_count():
    body = (",".join(f"c{i}" for i in range(300)) + "\n").encode()
    with pytest.raises(FileRejected, match="header has 300 columns; at most 200 are read"):
        _read("sales", body)
    started = time.perf_counter()
    with pytest.raises(FileRejected, match="header has 30,000 columns"):
        _read("sales", (";" * 29_999 + "\n").encode())
    assert time.perf_counter() - started < 2


def test_an_over_long_cell_is_refused_naming_the_line():
    header = ",".join(FIELDS) + "\n"
    good = "KZ-C0001,T1,sale,,2025-03-18T12:00:00+05:00,2025-03-18T19:00:00+05:00,1,FX-00001,2,5000.00,,,\n"
    body = (header + good + good.replace("T1,", "x" * 200_000 + ",", 1)).encode()
    table = read_records(io.BytesIO(body))
    with pytest.raises(FileRejected, match=r"Line 3 of the file holds a value longer than 100,000 characters"):
        list(table.records)


def _read(reader: str, body: bytes):
    if reader == "sales":
        return read_records(io.BytesIO(body))
    if reader == "grants":
        return read_grants(io.BytesIO(body))
    return read_csv(io.BytesIO(body), required=["film_code"], known=["film_code"], what="films")


# --- 4. Upload size checked before the body is stored --------------------------------------------------------


class RecordingHandler(FileUploadHandler):
    """Stands behind the limit in the tests: records how many bytes of a file reached storage."""

    received: list[int] = []

    def receive_data_chunk(self, raw_data, start):
        RecordingHandler.received.append(start + len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def recorded_uploads(settings, tmp_path):
    RecordingHandler.received = []
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # everything that gets through goes to a temporary file
    settings.FILE_UPLOAD_HANDLERS = ["tests.test_input_bounds.RecordingHandler",
                                     "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
    return RecordingHandler.received


@pytest.mark.parametrize("size", [30_000, 300_000])  # past the cap while streaming; past it by Content-Length
@pytest.mark.parametrize("door", ["sales", "films"])
def test_an_upload_over_the_limit_is_refused_before_it_is_stored(client, admin_user, registers, settings,
                                                                  recorded_uploads, door, size):
    settings.SALES_MAX_UPLOAD_BYTES = settings.REGISTER_MAX_UPLOAD_BYTES = 1000
    client.force_login(admin_user)
    url = "/en/boxoffice/batches/upload/" if door == "sales" else "/en/staff/uploads/films/"
    content = as_csv([sale(f"T{i}") for i in range(size // 150)])[:size]
    batches = ImportBatch.objects.count()
    response = client.post(url, {"file": SimpleUploadedFile("big.csv", content, content_type="text/csv")})
    assert response.status_code == 413
    assert "over the limit of 1,000 bytes for this page; nothing was stored" in response.content.decode()
    assert all(n <= 1000 for n in recorded_uploads), recorded_uploads  # no temporary file grew past the limit
    assert ImportBatch.objects.count() == batches
    media = tmp_path_of(settings) / "sales-uploads"
    assert not media.exists() or not list(media.iterdir())


def tmp_path_of(settings):
    from pathlib import Path

    return Path(settings.MEDIA_ROOT)


def test_an_upload_within_the_limit_still_arrives(client, admin_user, registers, settings, recorded_uploads,
                                                  django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    content = as_csv([sale("T1")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/boxoffice/batches/upload/",
                               {"file": SimpleUploadedFile("ok.csv", content, content_type="text/csv")})
    assert response.status_code == 302
    assert ImportBatch.objects.get().accepted == 1
    assert max(recorded_uploads) == len(content)


def test_the_api_refuses_a_declared_length_over_the_limit_before_reading(token_key, settings):
    settings.SALES_API_MAX_BODY_BYTES = 100
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    response = client.generic("POST", SALES_API, b"{}", content_type="application/json", CONTENT_LENGTH="5000000")
    assert response.status_code == 413 and "over the limit of 100 bytes" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


# --- 6. Huge headers and NUL in query parameters -------------------------------------------------------------


@pytest.mark.parametrize("header", ["HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_ANYTHING"])
@pytest.mark.parametrize("url", ["/en/", "/en/films/", "/api/v1/films/", SALES_API, "/en/staff/"])
def test_a_128_kb_header_is_a_400_with_words(client, db, header, url):
    response = client.get(url, **{header: "a" * 128 * 1024})
    assert response.status_code == 400
    name = header.removeprefix("HTTP_").replace("_", "-").title()
    assert f"The request header {name} is 131,072 bytes long; at most 8,192 bytes are read" in \
        response.content.decode()


PUBLIC_FILTERS = ["/en/films/?q=%00", "/en/films/?year=19%0099", "/en/organisations/?q=a%00b", "/en/regions/?q=%00",
                  "/en/cinemas/?q=%00", "/api/v1/films/?q=%00", "/api/v1/organisations/?q=%00",
                  "/api/v1/grants/?funder=%00", "/api/v1/cinemas/?region=%00", "/open-data/films.csv?x=%00"]
STAFF_FILTERS = ["/en/staff/films/?q=%00", "/en/staff/grants/?q=%00", "/en/staff/organisations/?q=%00",
                 "/en/staff/cinemas/?q=%00", "/en/staff/audit/?actor=%00", "/en/staff/audit/export.csv?actor=%00",
                 "/en/boxoffice/batches/?status=%00"]


@pytest.mark.parametrize("url", PUBLIC_FILTERS + STAFF_FILTERS)
def test_nul_in_a_query_parameter_is_a_400_naming_it(client, admin_user, url):
    if url in STAFF_FILTERS:
        client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    name = url.split("?")[1].split("=")[0]
    assert f"The query parameter {name} contains a NUL character" in response.content.decode()


# --- 7. Signed-in answers are private ------------------------------------------------------------------------


# The public API ignores the session (it has no authentication classes), so its answers are the same for all.
@pytest.mark.parametrize("url", ["/en/", "/en/films/", "/open-data/films.csv", "/en/staff/",
                                 "/en/staff/audit/", "/en/boxoffice/batches/"])
def test_signed_in_answers_are_never_kept_by_a_shared_cache(client, admin_user, url):
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "private" in control and "public" not in control
    if "/staff/" in url or "/boxoffice/" in url:
        assert "no-store" in control


def test_anonymous_public_pages_stay_publicly_cacheable(client, db):
    assert "public" in client.get("/en/films/")["Cache-Control"]


# --- 7. Content-Security-Policy on every page ----------------------------------------------------------------

STAFF_PAGES = ["/en/staff/", "/en/staff/films/", "/en/staff/grants/", "/en/staff/organisations/",
               "/en/staff/cinemas/", "/en/staff/queue/", "/en/staff/audit/", "/en/staff/reports/",
               "/en/staff/uploads/films/", "/en/boxoffice/batches/", "/en/boxoffice/batches/upload/", "/admin/"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.usefixtures("examples_loaded", "no_throttle")
def test_every_public_and_staff_page_sends_a_strict_policy(client, admin_user):
    pages = crawl(client, START, limit=120)
    client.force_login(admin_user)
    batch = ImportBatch.objects.first()
    responses = {url: client.get(url) for url in [*STAFF_PAGES, f"/en/boxoffice/batches/{batch.pk}/"]}
    client.logout()
    responses |= {url: client.get(url) for url in pages if "html" in client.get(url)["Content-Type"]}
    assert len(responses) > 40
    for url, response in responses.items():
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-inline'" not in policy["style-src"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        body = response.content.decode()
        # Nothing inline that the policy would block: no <script> without src, no style attribute or element.
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body), url
        assert " style=" not in body and "<style" not in body, url


def test_the_api_documentation_pages_alone_may_run_inline_bootstraps(client, db):
    policy = _policy(client.get("/api/schema/swagger/"))
    assert "'unsafe-inline'" in policy["script-src"] and policy["default-src"] == ["'self'"]


def test_the_policy_written_once_is_django_csps_and_follows_the_settings(client, db, settings):
    """films.middleware.CSPMiddleware writes the site's policy once per process: the same text django-csp builds
    for that response, and a changed setting is a changed header."""
    from dataclasses import asdict

    from csp.middleware import PolicyParts
    from csp.utils import build_policy

    assert client.get("/en/methodology/")["Content-Security-Policy"] == build_policy(**asdict(PolicyParts()))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
                                                       "img-src": ["'self'", "https://tiles.example"]}}
    assert _policy(client.get("/en/grants/"))["img-src"] == ["'self'", "https://tiles.example"]


@pytest.mark.parametrize("url", ["/en/films/KZ%00/", "/api/v1/films/KZ%00/", "/en/staff/films/KZ%00/"])
def test_nul_in_the_address_is_a_400(client, admin_user, url):
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400 and "The address contains a NUL character" in response.content.decode()


def test_an_over_long_title_in_the_staff_grant_form_is_a_form_error(client, officer, registers):
    client.force_login(officer)
    response = client.post("/en/staff/grants/new/", {"identifier": "G-" + "i" * 10_000, "title": "t" * 10_000,
                                                     "amount_awarded": "1" + "0" * 19})
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 500 characters" in page and "at most 200 characters" in page
    assert "less than or equal to 1000000000000000" in page
